package explain

import (
	"context"
	"fmt"
	"io"

	"github.com/cloud-credentials-insights/cci/internal/credreq"
	"github.com/cloud-credentials-insights/cci/internal/oidc"
)

// TokenReport is the report of a token check. It never holds the token.
type TokenReport struct {
	// Token is the token's fingerprint, never the token.
	Token    string       `json:"token"`
	File     string       `json:"file"`
	Header   oidc.Header  `json:"header"`
	Claims   oidc.Claims  `json:"claims"`
	Now      string       `json:"now"`
	Provider string       `json:"oidcProvider,omitempty"`
	Checks   []oidc.Check `json:"checks"`
	// Problems counts the failed checks.
	Problems int               `json:"problems"`
	Probe    *oidc.ProbeResult `json:"probe,omitempty"`
	// CredentialsRequests are the requests whose service accounts the
	// subject names (with --credentials-requests-path).
	CredentialsRequests []RequestMatch `json:"credentialsRequests,omitempty"`
	Notes               []string       `json:"notes,omitempty"`
}

func checkToken(ctx context.Context, opts Options, stderr io.Writer) (*TokenReport, error) {
	data, err := readInput(opts.Token, opts.Stdin, oidc.MaxTokenSize)
	if err != nil {
		return nil, err
	}
	tok, err := oidc.ParseToken(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: malformed token: %w", displayName(opts.Token), err)
	}
	rep := &TokenReport{Token: tok.Fingerprint, File: displayName(opts.Token), Header: tok.Header, Claims: tok.Claims,
		Now: opts.Now.Format("2006-01-02T15:04:05Z07:00")}
	in := oidc.Inputs{Now: opts.Now}
	if opts.OIDCProvider != "" {
		b, err := readInput(opts.OIDCProvider, nil, oidc.MaxDocumentSize)
		if err != nil {
			return nil, err
		}
		if in.Provider, err = oidc.ParseProvider(b); err != nil {
			return nil, fmt.Errorf("reading --oidc-provider %s: %w", opts.OIDCProvider, err)
		}
		rep.Provider = in.Provider.Issuer()
	}
	if opts.JWKS != "" {
		b, err := readInput(opts.JWKS, nil, oidc.MaxDocumentSize)
		if err != nil {
			return nil, err
		}
		if in.Keys, err = oidc.ParseJWKS(b); err != nil {
			return nil, fmt.Errorf("reading --jwks %s: %w", opts.JWKS, err)
		}
		in.KeysFrom = opts.JWKS
		for _, s := range in.Keys.Skipped {
			rep.Notes = append(rep.Notes, "--jwks: skipped "+s)
		}
	}
	if opts.ProbeOIDC {
		if err := rep.probe(ctx, opts, tok, &in); err != nil {
			return nil, err
		}
	}
	rep.Checks = oidc.CheckToken(tok, in)
	rep.Checks = append(rep.Checks, subjectCheck(opts, tok, in.Provider))
	for _, c := range rep.Checks {
		if c.Status == oidc.StatusFailed {
			rep.Problems++
		}
	}
	if opts.CredentialsRequestsPath != "" {
		if err := rep.matchRequests(opts.CredentialsRequestsPath, stderr); err != nil {
			return nil, err
		}
	}
	if rep.Problems > 0 {
		warnf(stderr, "warning", "%d problem(s) with token %s: AWS would refuse it", rep.Problems, rep.Token)
	}
	return rep, nil
}

// probe fetches the issuer's documents; their keys stand in for --jwks.
func (rep *TokenReport) probe(ctx context.Context, opts Options, tok *oidc.Token, in *oidc.Inputs) error {
	issuer := tok.Claims.Issuer
	if issuer == "" && in.Provider != nil {
		issuer = in.Provider.Issuer()
	}
	if issuer == "" {
		rep.Notes = append(rep.Notes, "--probe-oidc: the token has no iss and no --oidc-provider was given: nothing to probe")
		return nil
	}
	res, err := oidc.Probe(ctx, opts.HTTPClient, issuer, opts.ProbeTimeout)
	if err != nil {
		return fmt.Errorf("probing %s: %w", issuer, err)
	}
	rep.Probe = res
	if res.Issuer != "" && res.Issuer != issuer {
		rep.Notes = append(rep.Notes, fmt.Sprintf("the discovery document's issuer %s is not %s: AWS refuses tokens whose iss differs from it", res.Issuer, issuer))
	}
	if !res.Public() {
		rep.Notes = append(rep.Notes, "the issuer's documents are not publicly readable: AWS answers InvalidIdentityToken "+
			"(\"Couldn't retrieve verification key from your identity provider\") for every token")
	}
	if in.Keys == nil && res.Keys != nil {
		in.Keys, in.KeysFrom = res.Keys, res.JWKS.URL
	}
	return nil
}

// subjectCheck asks the SubjectPolicy chosen by the options.
func subjectCheck(opts Options, tok *oidc.Token, prov *oidc.Provider) oidc.Check {
	c := oidc.Check{Name: oidc.CheckSubject}
	sp := opts.SubjectPolicy
	switch {
	case sp != nil:
	case opts.ServiceAccount != "":
		sp = expectedSubject(opts.ServiceAccount)
	case opts.TrustPolicy != "":
		b, err := readInput(opts.TrustPolicy, nil, oidc.MaxDocumentSize)
		if err == nil {
			sp, err = parseTrustPolicy(opts.TrustPolicy, b)
		}
		if err != nil {
			c.Status, c.Detail = oidc.StatusFailed, fmt.Sprintf("reading --trust-policy %s: %v", opts.TrustPolicy, err)
			return c
		}
	case opts.Role != "":
		tp, err := roleTrustPolicy(opts.AuthorizationDetails, opts.Role)
		if err != nil {
			c.Status, c.Detail = oidc.StatusFailed, err.Error()
			return c
		}
		sp = tp
	default:
		c.Status, c.Detail = oidc.StatusSkipped, "no --service-account, --trust-policy or --authorization-details with --role"
		return c
	}
	if tok.Claims.Subject == "" {
		c.Status, c.Detail = oidc.StatusFailed, "the token has no sub claim"
		return c
	}
	issuer := tok.Claims.Issuer
	if prov != nil {
		issuer = prov.Issuer()
	}
	ok, detail := sp.Admits(issuer, tok.Claims.Subject, tok.Claims.Audience)
	c.Status, c.Detail = oidc.StatusFailed, detail
	if ok {
		c.Status = oidc.StatusOK
	}
	return c
}

func (rep *TokenReport) matchRequests(path string, stderr io.Writer) error {
	ns, sa, ok := credreq.ParseServiceAccountSubject(rep.Claims.Subject)
	if !ok {
		rep.Notes = append(rep.Notes, fmt.Sprintf("sub %q is not a service account (system:serviceaccount:NAMESPACE:NAME)", rep.Claims.Subject))
		return nil
	}
	reqs, err := loadRequests(path, stderr)
	if err != nil {
		return err
	}
	for _, r := range reqs {
		if r.SecretRef.Namespace != ns {
			continue
		}
		for _, name := range r.ServiceAccountNames {
			if name == sa {
				rep.CredentialsRequests = append(rep.CredentialsRequests, requestMatch(r, []string{credreq.ByWebIdentitySubject}))
				break
			}
		}
	}
	if len(rep.CredentialsRequests) == 0 {
		warnf(stderr, "hint", "service account %s/%s is in no CredentialsRequest of %s", ns, sa, path)
	}
	return nil
}

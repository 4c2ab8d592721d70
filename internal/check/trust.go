package check

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/credreq"
	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/oidc"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// webIdentityAction is what a pod's AWS SDK calls with its token.
const webIdentityAction = "sts:AssumeRoleWithWebIdentity"

// tokenAudience is the audience of the tokens OpenShift projects for AWS.
const tokenAudience = "openshift"

// checkProvider reads --oidc-provider and checks it; with --probe-oidc it
// also probes the issuer.
func (c *checker) checkProvider(ctx context.Context) error {
	if c.opts.OIDCProvider == "" {
		return nil
	}
	b, err := readFile(c.opts.OIDCProvider, oidc.MaxDocumentSize)
	if err != nil {
		return exit.Errorf(exit.Usage, "reading --oidc-provider: %w", err)
	}
	p, err := oidc.ParseProvider(b)
	if err != nil {
		return exit.Errorf(exit.Usage, "reading --oidc-provider %s: %w", c.opts.OIDCProvider, err)
	}
	c.provider = p
	o := &OIDC{Issuer: p.Issuer(), Checks: []OIDCCheck{}}
	audOK := slices.Contains(p.ClientIDList, tokenAudience)
	detail := fmt.Sprintf("ClientIDList holds %s", tokenAudience)
	if !audOK {
		detail = fmt.Sprintf("ClientIDList [%s] lacks %s: AWS refuses every token OpenShift projects", strings.Join(p.ClientIDList, ", "), tokenAudience)
	}
	o.Checks = append(o.Checks, OIDCCheck{Name: "audience", OK: audOK, Detail: detail})
	if c.opts.ProbeOIDC {
		res, err := oidc.Probe(ctx, c.opts.HTTPClient, p.Issuer(), c.opts.ProbeTimeout)
		if err != nil {
			return fmt.Errorf("probing %s: %w", p.Issuer(), err)
		}
		o.Probe = res
		detail := "the discovery document and its jwks_uri are publicly readable"
		if !res.Public() {
			detail = "the issuer's documents are not publicly readable: AWS answers InvalidIdentityToken (\"Couldn't retrieve verification key from your identity provider\") for every token"
		}
		o.Checks = append(o.Checks, OIDCCheck{Name: "public", OK: res.Public(), Detail: detail})
		if res.Discovery.Public {
			ok := res.Issuer == p.Issuer()
			d := "the discovery document's issuer is " + res.Issuer
			if !ok {
				d = fmt.Sprintf("the discovery document's issuer %s is not the provider's %s: AWS refuses the tokens", res.Issuer, p.Issuer())
			}
			o.Checks = append(o.Checks, OIDCCheck{Name: "issuer", OK: ok, Detail: d})
		}
	}
	c.rep.OIDC = o
	return nil
}

// checkProviderURL: the provider's Url is the issuer the STS roles trust.
func (c *checker) checkProviderURL() {
	if c.provider == nil || c.rep.OIDC == nil || len(c.trusted) == 0 {
		return
	}
	host := oidc.IssuerHost(c.provider.Issuer())
	var other []string
	for _, h := range slices.Sorted(maps.Keys(c.trusted)) {
		if h != host {
			other = append(other, fmt.Sprintf("%s (%d role(s), e.g. %s)", h, len(c.trusted[h]), c.trusted[h][0]))
		}
	}
	ch := OIDCCheck{Name: "url", OK: len(other) == 0, Detail: "every STS role trusts oidc-provider/" + host}
	if !ch.OK {
		ch.Detail = fmt.Sprintf("the provider's Url is %s, but roles trust %s", host, strings.Join(other, ", "))
	}
	c.rep.OIDC.Checks = append([]OIDCCheck{ch}, c.rep.OIDC.Checks...)
}

// checkTrust evaluates the role's trust policy for each service account
// of the request.
func (c *checker) checkTrust(id *Identity, r *credreq.CredentialsRequest) {
	if len(r.ServiceAccountNames) == 0 {
		id.Notes = append(id.Notes, "the request names no service account: the trust policy was not checked")
		return
	}
	trust, err := c.account.TrustPolicy(id.Principal)
	if err != nil {
		c.problem("%s: %v", r.Ref, err)
		return
	}
	parts := strings.SplitN(id.ARN, ":", 6)
	partition, account := "aws", ""
	if len(parts) == 6 {
		partition, account = parts[1], parts[4]
	}
	host := ""
	if c.provider != nil {
		host = oidc.IssuerHost(c.provider.Issuer())
	} else if trust != nil {
		host = federatedHost(trust)
		if host != "" {
			id.Notes = append(id.Notes, "issuer "+host+" taken from the trust policy; give --oidc-provider to check it is the cluster's")
		}
	}
	if trust != nil {
		if h := federatedHost(trust); h != "" {
			c.trusted[h] = append(c.trusted[h], id.Principal)
		}
	}
	fed := "arn:" + partition + ":iam::" + account + ":oidc-provider/" + host
	if c.provider != nil && c.rep.OIDC != nil && c.rep.OIDC.ProviderARN == "" {
		c.rep.OIDC.ProviderARN = fed
	}
	for _, sa := range r.ServiceAccountNames {
		sub := credreq.ServiceAccountSubject(r.SecretRef.Namespace, sa)
		t := Trust{ServiceAccount: r.SecretRef.Namespace + "/" + sa, Subject: sub, Federated: fed}
		switch {
		case trust == nil:
			t.Decision, t.Detail = policy.ImplicitDeny, "the role has no trust policy (AssumeRolePolicyDocument)"
		case host == "":
			t.Decision, t.Detail = policy.ImplicitDeny, "no statement of the trust policy trusts an oidc-provider, and no --oidc-provider was given"
		default:
			req := &policy.Request{Action: webIdentityAction, Resource: id.ARN, Caller: fed,
				Context: map[string][]string{host + ":sub": {sub}, host + ":aud": {tokenAudience}}}
			ev := (&policy.PolicySet{Resource: []*policy.Policy{trust}}).Evaluate(req)
			t.Decision = ev.Decision
			switch {
			case ev.Decision == policy.Allowed:
				t.Detail = "allowed by " + statementName(ev.Matched[0])
			case ev.Decision == policy.ExplicitDeny:
				t.Detail = "explicit Deny: " + statementName(ev.Matched[0])
			default:
				t.Detail = whyUntrusted(trust, fed, host, sub)
			}
		}
		id.Trust = append(id.Trust, t)
	}
}

// federatedHost is the issuer host of the first oidc-provider the trust
// policy trusts for web identities.
func federatedHost(trust *policy.Policy) string {
	for i := range trust.Statements {
		s := &trust.Statements[i]
		if s.Deny || !s.Covers(webIdentityAction) {
			continue
		}
		ids, not := s.Principals("Federated")
		if not {
			continue
		}
		for _, f := range ids {
			if _, host, ok := strings.Cut(f, ":oidc-provider/"); ok {
				return host
			}
		}
	}
	return ""
}

// whyUntrusted says why no statement admits the subject.
func whyUntrusted(trust *policy.Policy, fed, host, sub string) string {
	return sub + " is not admitted: " + policy.WhyNotAllowed(trust, webIdentityAction, "Federated", fed, []string{host + ":sub", host + ":aud"})
}

package explain

import (
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/credreq"
	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/oidc"
)

// Output formats.
const (
	FormatText = "text"
	FormatJSON = "json"
)

// Stdin is the file name that means standard input.
const Stdin = "-"

// Options are the inputs of Run. The CLI fills them from flags and CCI_*
// environment variables; Validate checks them before any I/O.
type Options struct {
	// Input is the refusal to explain: a file, or "-" for Stdin (the
	// default when Token is empty).
	Input string
	// Stdin is read when Input or Token is "-".
	Stdin io.Reader
	// Format is text (default) or json.
	Format string
	// CredentialsRequestsPath maps the principal (or the token's subject)
	// to its CredentialsRequest.
	CredentialsRequestsPath string
	// ClusterName and InfraID say whose names to match; both empty means
	// infer them from the principal's name.
	ClusterName string
	InfraID     string

	// Token is a service-account token file (or "-") to check instead of
	// explaining a refusal.
	Token string
	// OIDCProvider is the output of `aws iam get-open-id-connect-provider`.
	OIDCProvider string
	// JWKS is the issuer's key set (keys.json).
	JWKS string
	// ProbeOIDC fetches the issuer's discovery document and keys, without
	// credentials. The only online step.
	ProbeOIDC bool
	// ProbeTimeout bounds each request of the probe; 0 is
	// oidc.DefaultProbeTimeout.
	ProbeTimeout time.Duration
	// HTTPClient is used by the probe; nil is a plain client.
	HTTPClient *http.Client
	// Now is the time the token is judged at; zero is the current time.
	Now time.Time
	// ServiceAccount is the expected subject, NAMESPACE:NAME (or the whole
	// system:serviceaccount:NAMESPACE:NAME).
	ServiceAccount string
	// TrustPolicy is the role's trust policy (AssumeRolePolicyDocument, or
	// `aws iam get-role` output), evaluated by the IAM evaluator.
	TrustPolicy string
	// AuthorizationDetails (pages of `aws iam
	// get-account-authorization-details` output) and Role name the role
	// whose trust policy decides the subject.
	AuthorizationDetails []string
	Role                 string
	// SubjectPolicy, when set, decides the subject check instead of
	// ServiceAccount, TrustPolicy and Role.
	SubjectPolicy SubjectPolicy
}

// Validate checks and normalises o. Errors are usage errors.
func (o *Options) Validate() error {
	switch strings.ToLower(o.Format) {
	case "", FormatText, "table":
		o.Format = FormatText
	case FormatJSON:
		o.Format = FormatJSON
	default:
		return exit.Errorf(exit.Usage, "--format %q: want text or json", o.Format)
	}
	if o.Token == "" {
		for _, f := range []struct {
			name string
			set  bool
		}{{"oidc-provider", o.OIDCProvider != ""}, {"jwks", o.JWKS != ""}, {"probe-oidc", o.ProbeOIDC},
			{"service-account", o.ServiceAccount != ""}, {"trust-policy", o.TrustPolicy != ""}, {"now", !o.Now.IsZero()},
			{"authorization-details", len(o.AuthorizationDetails) > 0}, {"role", o.Role != ""}} {
			if f.set {
				return exit.Errorf(exit.Usage, "--%s checks a token: give --token FILE", f.name)
			}
		}
		if o.Input == "" {
			o.Input = Stdin
		}
	} else if o.Input != "" {
		return exit.Errorf(exit.Usage, "give either a message to explain (%s) or --token, not both", o.Input)
	}
	if o.ServiceAccount != "" {
		sub := o.ServiceAccount
		if !strings.HasPrefix(sub, "system:serviceaccount:") {
			sub = "system:serviceaccount:" + sub
		}
		if _, _, ok := credreq.ParseServiceAccountSubject(sub); !ok {
			return exit.Errorf(exit.Usage, "--service-account %q: want NAMESPACE:NAME", o.ServiceAccount)
		}
		o.ServiceAccount = sub
	}
	if (o.Role != "") != (len(o.AuthorizationDetails) > 0) {
		return exit.Errorf(exit.Usage, "--role and --authorization-details go together (the role, and the account dump that holds it)")
	}
	n := 0
	for _, set := range []bool{o.ServiceAccount != "", o.TrustPolicy != "", o.Role != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		return exit.Errorf(exit.Usage, "give one of --service-account, --trust-policy or --authorization-details with --role")
	}
	if o.ProbeTimeout < 0 {
		return exit.Errorf(exit.Usage, "--probe-timeout %s: want a positive duration", o.ProbeTimeout)
	}
	if o.ProbeTimeout == 0 {
		o.ProbeTimeout = oidc.DefaultProbeTimeout
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	o.Now = o.Now.UTC()
	return nil
}

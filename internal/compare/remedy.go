package compare

import (
	"sort"

	"github.com/cloud-credentials-insights/cci/internal/authz"
)

// remedies say in one line what to do about a denial cause whose fix is
// not "grant the action". DESIGN.md section 5 holds the facts.
var remedies = map[string]string{
	authz.CausePresignedURL: "a presigned URL is authorized as its signer: drop or widen the signer's aws:SourceIp " +
		"(aws:SourceVpc/aws:SourceVpce) condition so the cluster nodes' addresses pass (`cci check` reports it as source-restricted)",
	authz.CauseTrustPolicy: "the role's trust policy must admit the token: its <issuer>:sub must name " +
		"system:serviceaccount:<namespace>:<name> and <issuer>:aud openshift (`cci check` reports it as untrusted)",
	authz.CauseWebIdentityAuth: "AWS could not verify the token: make the issuer's /.well-known/openid-configuration and " +
		"keys publicly readable and check the OIDC provider's URL and audience (`cci explain --token`, `cci check --probe-oidc`)",
}

// Remedy is the one-line remediation of a denial cause; "" when the
// cause has none beyond granting the action.
func Remedy(cause string) string { return remedies[cause] }

// remedyLines lists, once per cause, the remediation of every cause the
// report's denials carry, as "cause: remediation", sorted by cause.
func remedyLines(rep *Report) []string {
	seen := map[string]bool{}
	for _, r := range rows(rep) {
		for _, d := range r.u.Denied {
			if Remedy(d.Cause) != "" {
				seen[d.Cause] = true
			}
		}
	}
	var out []string
	for c := range seen {
		out = append(out, c)
	}
	sort.Strings(out)
	for i, c := range out {
		out[i] = c + ": " + Remedy(c)
	}
	return out
}

package policy

import "strings"

// Denial is what an error says about a refused call.
type Denial struct {
	// Action is the IAM action named by "is not authorized to perform: X",
	// canonically spelled, or empty.
	Action string
	// Cause is one of the Cause* constants, or empty when the message does
	// not say.
	Cause string
}

// Causes of a denial, from the wording of AWS's messages.
const (
	CauseIdentityPolicy  = "identity-policy"      // no identity-based policy allows
	CauseExplicitDeny    = "explicit-deny"        // explicit deny in an identity-based policy
	CauseBoundary        = "permissions-boundary" // explicit deny in a permissions boundary
	CauseSCP             = "scp"                  // service control policy
	CauseRCP             = "rcp"                  // resource control policy
	CauseSessionPolicy   = "session-policy"
	CauseResourcePolicy  = "resource-policy"
	CauseVPCEndpoint     = "vpc-endpoint-policy"
	CauseEncoded         = "encoded"      // decode with `aws sts decode-authorization-message`
	CauseWebIdentityAuth = "web-identity" // OIDC token rejected: issuer unreadable or sub/aud mismatch
)

// deniedCodes are the errorCodes AWS uses for refused calls.
var deniedCodes = map[string]bool{
	"AccessDenied":                 true,
	"AccessDeniedException":        true,
	"Client.UnauthorizedOperation": true,
	"UnauthorizedOperation":        true,
	"UnauthorizedAccess":           true,
	"Client.UnauthorizedAccess":    true,
	"InvalidIdentityToken":         true,
	"Client.InvalidIdentityToken":  true,
}

// IsDenied reports whether errorCode means AWS refused the call.
func IsDenied(errorCode string) bool { return deniedCodes[errorCode] }

// causePhrases are checked in order; the first phrase found names the cause.
var causePhrases = []struct{ phrase, cause string }{
	{"in a permissions boundary", CauseBoundary},
	{"in a service control policy", CauseSCP},
	{"in a resource control policy", CauseRCP},
	{"in a session policy", CauseSessionPolicy},
	{"no session policy allows", CauseSessionPolicy},
	{"in a resource-based policy", CauseResourcePolicy},
	{"no resource-based policy allows", CauseResourcePolicy},
	{"in a vpc endpoint policy", CauseVPCEndpoint},
	{"no vpc endpoint policy allows", CauseVPCEndpoint},
	{"explicit deny in an identity-based policy", CauseExplicitDeny},
	{"no identity-based policy allows", CauseIdentityPolicy},
	{"encoded authorization failure message", CauseEncoded},
}

// ParseDenial reads errorCode and errorMessage of a refused call. ok is false
// when the code is not a denial.
func ParseDenial(errorCode, errorMessage string) (d Denial, ok bool) {
	if !IsDenied(errorCode) {
		return d, false
	}
	if strings.HasSuffix(errorCode, "InvalidIdentityToken") {
		d.Cause = CauseWebIdentityAuth
	}
	msg := strings.ToLower(errorMessage)
	for _, p := range causePhrases {
		if strings.Contains(msg, p.phrase) {
			d.Cause = p.cause
			break
		}
	}
	const perform = "not authorized to perform: "
	if i := strings.Index(msg, perform); i >= 0 {
		rest := errorMessage[i+len(perform):]
		if j := strings.IndexAny(rest, " ,;\"'"); j >= 0 {
			rest = rest[:j]
		}
		if c, known := Canonical(rest); known {
			d.Action = c
		} else if strings.Contains(rest, ":") {
			d.Action = rest
		}
	}
	return d, true
}

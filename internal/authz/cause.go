package authz

import "strings"

// Causes of a denial. The strings are part of cci's JSON outputs (events.json
// of extract, explain --format json): never rename one.
const (
	CauseIdentityPolicy   = "identity-policy"      // no identity-based policy allows: a missing allow
	CauseExplicitDeny     = "explicit-deny"        // explicit deny in an identity-based policy
	CauseBoundary         = "permissions-boundary" // the permissions boundary denies or does not allow
	CauseSCP              = "scp"                  // a service control policy
	CauseRCP              = "rcp"                  // a resource control policy
	CauseSessionPolicy    = "session-policy"       // the session policy passed when the role was assumed
	CauseResourcePolicy   = "resource-policy"      // the resource's own policy (bucket, key, ...)
	CauseVPCEndpoint      = "vpc-endpoint-policy"  // the VPC endpoint's policy
	CauseEncoded          = "encoded"              // decode with `aws sts decode-authorization-message`
	CauseEncodedTruncated = "encoded-truncated"    // the encoded message was cut and cannot be decoded
	CauseTrustPolicy      = "trust-policy"         // the role's trust policy refuses the caller
	CauseWebIdentityAuth  = "web-identity"         // OIDC token rejected: issuer unreadable or sub/aud mismatch
	CausePresignedURL     = "presigned-url"        // a presigned URL refused: the signer's policy rejects the caller's address
)

// Decisions, spelled as `aws iam simulate-principal-policy` spells them.
const (
	DecisionAllowed      = "allowed"
	DecisionExplicitDeny = "explicitDeny"
	DecisionImplicitDeny = "implicitDeny"
	DecisionUnknown      = "unknown" // the input does not say
)

// causeText says in a few words what each cause means.
var causeText = map[string]string{
	CauseIdentityPolicy:   "no identity-based policy allows the action (a missing allow)",
	CauseExplicitDeny:     "an identity-based policy explicitly denies the action",
	CauseBoundary:         "the permissions boundary does not let the action through",
	CauseSCP:              "a service control policy of the organization denies the action",
	CauseRCP:              "a resource control policy of the organization denies the action",
	CauseSessionPolicy:    "the session policy given when the role was assumed does not allow the action",
	CauseResourcePolicy:   "the resource's own policy does not allow the action",
	CauseVPCEndpoint:      "a VPC endpoint policy does not allow the action",
	CauseEncoded:          "the details are in the encoded authorization failure message",
	CauseEncodedTruncated: "the encoded authorization failure message was cut and cannot be decoded",
	CauseTrustPolicy:      "the role's trust policy does not admit the caller",
	CauseWebIdentityAuth:  "AWS refused the web identity token: the issuer's keys are unreadable or the token does not match",
	CausePresignedURL:     "a presigned URL was refused: it is authorized as its signer, whose policy rejects the caller (aws:SourceIp)",
}

// CauseText describes cause in a few words; "" for an unknown cause.
func CauseText(cause string) string { return causeText[cause] }

// policyPhrases map AWS's words for a policy type to a cause. Checked in
// order against the lower-cased message; the first found wins, as AWS
// names only one policy type per message.
var policyPhrases = []struct {
	phrase string
	cause  string
}{
	{"permissions boundary", CauseBoundary},
	{"service control policy", CauseSCP},
	{"resource control policy", CauseRCP},
	{"session policy", CauseSessionPolicy},
	{"resource-based policy", CauseResourcePolicy},
	{"vpc endpoint policy", CauseVPCEndpoint},
	{"identity-based policy", CauseIdentityPolicy},
}

// classify names the cause of a lower-cased message and whether the deny
// was explicit. ok is false when the message names no policy type.
func classify(msg string) (cause string, explicit, ok bool) {
	explicit = strings.Contains(msg, "with an explicit deny")
	// Only the words after "because"/"with an explicit deny" name the
	// policy type; a resource ARN could hold any text.
	tail := msg
	if i := strings.LastIndex(msg, " because no "); i >= 0 {
		tail = msg[i:]
	} else if i := strings.LastIndex(msg, "with an explicit deny"); i >= 0 {
		tail = msg[i:]
	}
	for _, p := range policyPhrases {
		if strings.Contains(tail, p.phrase) {
			cause = p.cause
			if cause == CauseIdentityPolicy && explicit {
				cause = CauseExplicitDeny
			}
			return cause, explicit, true
		}
	}
	return "", explicit, false
}

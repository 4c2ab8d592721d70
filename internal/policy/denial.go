package policy

import (
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/authz"
)

// Denial is what an error says about a refused call.
type Denial struct {
	// Action is the IAM action named by "is not authorized to perform: X",
	// canonically spelled, or empty.
	Action string
	// Cause is one of the Cause* constants, or empty when the message does
	// not say.
	Cause string
}

// Causes of a denial, from the wording of AWS's messages (internal/authz
// reads them).
const (
	CauseIdentityPolicy  = authz.CauseIdentityPolicy // no identity-based policy allows
	CauseExplicitDeny    = authz.CauseExplicitDeny   // explicit deny in an identity-based policy
	CauseBoundary        = authz.CauseBoundary       // explicit deny in a permissions boundary
	CauseSCP             = authz.CauseSCP            // service control policy
	CauseRCP             = authz.CauseRCP            // resource control policy
	CauseSessionPolicy   = authz.CauseSessionPolicy
	CauseResourcePolicy  = authz.CauseResourcePolicy
	CauseVPCEndpoint     = authz.CauseVPCEndpoint
	CauseEncoded         = authz.CauseEncoded         // decode with `aws sts decode-authorization-message`
	CauseWebIdentityAuth = authz.CauseWebIdentityAuth // OIDC token rejected: issuer unreadable or sub/aud mismatch
	CauseTrustPolicy     = authz.CauseTrustPolicy     // the role's trust policy refuses sts:AssumeRoleWithWebIdentity
	CausePresignedURL    = authz.CausePresignedURL    // S3 refused a presigned URL (AuthenticationMethod QueryString)
)

// RecordCause refines the cause ParseDenial read from the message with
// what the rest of a CloudTrail record says: S3 logs a request made
// through a presigned URL with additionalEventData.AuthenticationMethod
// QueryString, and such a request is authorized as the URL's signer, so an
// AccessDenied is most often the signer's aws:SourceIp condition rejecting
// the caller; AssumeRoleWithWebIdentity refused with AccessDenied is the
// role's trust policy (the message names no policy type). A cause the
// message names (an explicit deny, a boundary) is kept.
func RecordCause(d Denial, eventSource, eventName, errorCode, authMethod string) string {
	switch {
	case errorCode != "AccessDenied":
	case eventSource == "s3.amazonaws.com" && authMethod == "QueryString" &&
		(d.Cause == "" || d.Cause == CauseIdentityPolicy || d.Cause == CauseEncoded):
		return CausePresignedURL
	case eventSource == "sts.amazonaws.com" && eventName == "AssumeRoleWithWebIdentity" && d.Cause == "":
		return CauseTrustPolicy
	}
	return d.Cause
}

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

// ParseDenial reads errorCode and errorMessage of a refused call. ok is false
// when the code is not a denial. A cause authz only suspects is left out.
func ParseDenial(errorCode, errorMessage string) (d Denial, ok bool) {
	d, _, ok = ParseDenialMessage(errorCode, errorMessage)
	return d, ok
}

// ParseDenialMessage is ParseDenial that also returns what authz read of
// the message (resource, encoded message), so a caller that needs both
// parses the message once.
func ParseDenialMessage(errorCode, errorMessage string) (d Denial, m authz.Message, ok bool) {
	if !IsDenied(errorCode) {
		return d, m, false
	}
	if strings.HasSuffix(errorCode, "InvalidIdentityToken") {
		d.Cause = CauseWebIdentityAuth
	}
	m = authz.ParseMessage(errorMessage)
	// events.json keeps the causes it had before authz: a truncated
	// encoded message is still "encoded", and the action of "Not
	// authorized to perform sts:..." (no colon) is left out. The
	// trust-policy cause needs the record's eventName: RecordCause.
	switch {
	case m.Suspected || m.Cause == authz.CauseTrustPolicy:
	case m.Cause == authz.CauseEncodedTruncated:
		d.Cause = CauseEncoded
	case m.Cause != "":
		d.Cause = m.Cause
	}
	if m.Action != "" && strings.Contains(errorMessage, "perform: ") {
		if c, known := Canonical(m.Action); known {
			d.Action = c
		} else {
			d.Action = m.Action
		}
	}
	return d, m, true
}

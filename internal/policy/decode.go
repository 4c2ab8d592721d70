package policy

import (
	"encoding/json"
	"net/url"
	"strings"
)

// DecodeDocumentString undoes the URL encoding IAM's API applies to policy
// documents (GetAccountAuthorizationDetails, GetRole, GetPolicyVersion);
// a string that already is JSON, as the AWS CLI prints it, is kept.
func DecodeDocumentString(s string) []byte {
	if t := strings.TrimSpace(s); strings.HasPrefix(t, "{") {
		return []byte(s)
	}
	if d, err := url.PathUnescape(s); err == nil && json.Valid([]byte(d)) {
		return []byte(d)
	}
	if d, err := url.QueryUnescape(s); err == nil {
		return []byte(d)
	}
	return []byte(s)
}

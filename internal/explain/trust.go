package explain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/oidc"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// SubjectPolicy decides whether a role admits a token's subject and
// audience for sts:AssumeRoleWithWebIdentity.
//
// This is the seam for the IAM policy evaluator (internal/policy): once it
// merges, an implementation that evaluates the role's trust policy from
// --authorization-details --role NAME with the request context
// {<host>:sub, <host>:aud} replaces both temporary ones below
// (expectedSubject and trustPolicyReader). Nothing else changes.
type SubjectPolicy interface {
	// Admits reports whether a token from issuer with subject sub and
	// audiences aud may assume the role, and says why in a sentence.
	Admits(issuer, sub string, aud []string) (ok bool, detail string)
}

// expectedSubject admits exactly one subject (--service-account).
type expectedSubject string

func (e expectedSubject) Admits(_, sub string, _ []string) (bool, string) {
	if sub == string(e) {
		return true, fmt.Sprintf("sub is %s, as --service-account expects", sub)
	}
	return false, fmt.Sprintf("sub %s is not the expected %s", sub, string(e))
}

// trustPolicyReader is a TEMPORARY reader of a role's trust policy, to be
// replaced by the IAM evaluator (see SubjectPolicy). It knows only what
// ccoctl writes: Allow statements for sts:AssumeRoleWithWebIdentity whose
// Principal.Federated is an oidc-provider ARN, with StringEquals or
// StringLike conditions on <issuer-host>:sub and <issuer-host>:aud. It
// ignores Deny statements and every other condition operator and key, and
// says so.
type trustPolicyReader struct {
	file       string
	statements []trustStatement
}

type trustStatement struct {
	Sid       string                                `json:"Sid"`
	Effect    string                                `json:"Effect"`
	Action    stringList                            `json:"Action"`
	Principal json.RawMessage                       `json:"Principal"`
	Condition map[string]map[string]json.RawMessage `json:"Condition"`
}

// parseTrustPolicy reads a trust policy document: the document itself, as
// an object or URL-encoded string, or `aws iam get-role` output.
func parseTrustPolicy(file string, data []byte) (*trustPolicyReader, error) {
	data = bytes.TrimSpace(data)
	var role struct {
		Role *struct {
			AssumeRolePolicyDocument json.RawMessage
		}
	}
	if err := json.Unmarshal(data, &role); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	if role.Role != nil {
		data = bytes.TrimSpace(role.Role.AssumeRolePolicyDocument)
	}
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, err
		}
		if dec, err := url.QueryUnescape(s); err == nil {
			s = dec
		}
		data = []byte(s)
	}
	var doc struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("reading the policy document: %w", err)
	}
	if len(doc.Statement) == 0 {
		return nil, errors.New("no Statement: want a trust policy (AssumeRolePolicyDocument)")
	}
	var sts []trustStatement
	if bytes.HasPrefix(bytes.TrimSpace(doc.Statement), []byte("{")) {
		var one trustStatement
		if err := json.Unmarshal(doc.Statement, &one); err != nil {
			return nil, fmt.Errorf("reading Statement: %w", err)
		}
		sts = []trustStatement{one}
	} else if err := json.Unmarshal(doc.Statement, &sts); err != nil {
		return nil, fmt.Errorf("reading Statement: %w", err)
	}
	return &trustPolicyReader{file: file, statements: sts}, nil
}

func (r *trustPolicyReader) Admits(issuer, sub string, aud []string) (bool, string) {
	host := oidc.IssuerHost(issuer)
	var admitted []string
	var ignored []string
	for i, s := range r.statements {
		name := s.Sid
		if name == "" {
			name = fmt.Sprintf("#%d", i)
		}
		if !strings.EqualFold(s.Effect, "Allow") {
			ignored = append(ignored, fmt.Sprintf("statement %s (%s)", name, s.Effect))
			continue
		}
		if !matchAny(s.Action, "sts:AssumeRoleWithWebIdentity") {
			continue
		}
		if fed := federated(s.Principal); !strings.HasSuffix(fed, ":oidc-provider/"+host) {
			if fed != "" {
				admitted = append(admitted, fmt.Sprintf("statement %s trusts %s, not this issuer", name, fed))
			}
			continue
		}
		subs, subOK := conditionValues(s.Condition, host+":sub")
		auds, audOK := conditionValues(s.Condition, host+":aud")
		for op := range s.Condition {
			if !strings.EqualFold(op, "StringEquals") && !strings.EqualFold(op, "StringLike") {
				ignored = append(ignored, fmt.Sprintf("condition %s of statement %s", op, name))
			}
		}
		if subOK && !anyMatch(subs, []string{sub}) {
			admitted = append(admitted, fmt.Sprintf("statement %s admits sub %s", name, strings.Join(subs, ", ")))
			continue
		}
		if audOK && !anyMatch(auds, aud) {
			admitted = append(admitted, fmt.Sprintf("statement %s admits aud %s, the token has %s", name, strings.Join(auds, ", "), strings.Join(aud, ",")))
			continue
		}
		detail := fmt.Sprintf("statement %s of %s admits sub %s", name, r.file, sub)
		if !subOK {
			detail = fmt.Sprintf("statement %s of %s admits any sub from this issuer (no %s:sub condition)", name, r.file, host)
		}
		return true, detail + ignoredNote(ignored)
	}
	if len(admitted) == 0 {
		return false, fmt.Sprintf("no statement of %s lets oidc-provider/%s call sts:AssumeRoleWithWebIdentity", r.file, host) + ignoredNote(ignored)
	}
	sort.Strings(admitted)
	return false, fmt.Sprintf("%s does not admit sub %s: %s", r.file, sub, strings.Join(admitted, "; ")) + ignoredNote(ignored)
}

func ignoredNote(ignored []string) string {
	if len(ignored) == 0 {
		return ""
	}
	return " (not read by the temporary trust-policy reader: " + strings.Join(ignored, ", ") + ")"
}

// federated is Principal.Federated (the first, when a list).
func federated(raw json.RawMessage) string {
	var p struct {
		Federated stringList
	}
	if json.Unmarshal(raw, &p) != nil || len(p.Federated) == 0 {
		return ""
	}
	return p.Federated[0]
}

// conditionValues gathers the values of key under StringEquals and
// StringLike.
func conditionValues(cond map[string]map[string]json.RawMessage, key string) ([]string, bool) {
	var out []string
	found := false
	for op, keys := range cond {
		if !strings.EqualFold(op, "StringEquals") && !strings.EqualFold(op, "StringLike") {
			continue
		}
		for k, raw := range keys {
			if !strings.EqualFold(k, key) {
				continue
			}
			var vs stringList
			if json.Unmarshal(raw, &vs) == nil {
				out = append(out, vs...)
				found = true
			}
		}
	}
	sort.Strings(out)
	return out, found
}

// anyMatch reports whether any value matches any pattern ('*' and '?' as
// StringLike; StringEquals values hold none in practice).
func anyMatch(patterns, values []string) bool {
	for _, v := range values {
		if matchAny(patterns, v) {
			return true
		}
	}
	return false
}

// matchAny reports whether any pattern matches s, with the evaluator's
// action matcher.
func matchAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if policy.MatchAction(p, s) {
			return true
		}
	}
	return false
}

// stringList is an element written as one string or a list of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = stringList{one}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return errors.New("want a string or a list of strings")
	}
	*l = list
	return nil
}

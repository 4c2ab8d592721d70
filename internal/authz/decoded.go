package authz

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ScopePolicyIssuer is the principal value a decoded message gives a
// statement of the caller's permissions boundary.
const ScopePolicyIssuer = "SCOPE_POLICY_ISSUER"

// Decoded is the JSON `aws sts decode-authorization-message` decodes.
type Decoded struct {
	Allowed           bool `json:"allowed"`
	ExplicitDeny      bool `json:"explicitDeny"`
	MatchedStatements struct {
		Items []DecodedStatement `json:"items"`
	} `json:"matchedStatements"`
	Failures struct {
		Items []json.RawMessage `json:"items"`
	} `json:"failures"`
	Context struct {
		Principal struct {
			ID  string `json:"id"`
			ARN string `json:"arn"`
		} `json:"principal"`
		Action     string `json:"action"`
		Resource   string `json:"resource"`
		Conditions struct {
			Items []struct {
				Key    string    `json:"key"`
				Values valueList `json:"values"`
			} `json:"items"`
		} `json:"conditions"`
	} `json:"context"`
}

// DecodedStatement is one of matchedStatements.items.
type DecodedStatement struct {
	StatementID     string          `json:"statementId"`
	Effect          string          `json:"effect"`
	Principals      valueList       `json:"principals"`
	PrincipalGroups valueList       `json:"principalGroups"`
	Actions         valueList       `json:"actions"`
	Resources       valueList       `json:"resources"`
	Conditions      json.RawMessage `json:"conditions"`
}

// valueList is the decoded message's {"items":[{"value":"x"}]}.
type valueList struct {
	Items []struct {
		Value string `json:"value"`
	} `json:"items"`
}

func (l valueList) strings() []string {
	out := make([]string, 0, len(l.Items))
	for _, it := range l.Items {
		out = append(out, it.Value)
	}
	return out
}

// ErrTruncated is returned for JSON that ends before it is complete.
var ErrTruncated = errors.New("the JSON ends early (is the file cut?)")

// ParseDecoded reads a decoded message, or the output of `aws sts
// decode-authorization-message` that carries one as a string.
func ParseDecoded(data []byte) (*Decoded, error) {
	var wrap struct {
		DecodedMessage *string `json:"DecodedMessage"`
	}
	if err := unmarshal(data, &wrap); err != nil {
		return nil, err
	}
	if wrap.DecodedMessage != nil {
		data = []byte(*wrap.DecodedMessage)
		var d Decoded
		if err := unmarshal(data, &d); err != nil {
			return nil, fmt.Errorf("reading DecodedMessage: %w", err)
		}
		return &d, nil
	}
	var d Decoded
	if err := unmarshal(data, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// unmarshal is json.Unmarshal that tells a cut document from a bad one.
func unmarshal(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset >= int64(len(bytes.TrimRight(data, " \t\r\n"))) ||
		strings.Contains(err.Error(), "unexpected end of JSON input") {
		return ErrTruncated
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("field %s: want %s, got %s", te.Field, te.Type, te.Value)
	}
	return fmt.Errorf("not valid JSON: %w", err)
}

// statementSource says which policy a matched DENY statement came from.
func statementSource(s DecodedStatement, caller Principal) string {
	principals := s.Principals.strings()
	for _, v := range principals {
		if v == ScopePolicyIssuer {
			return CauseBoundary
		}
	}
	id := caller.uniqueID()
	for _, v := range principals {
		if v != "" && (v == id || v == caller.ARN || v == caller.ID) {
			return CauseExplicitDeny
		}
	}
	// A statement that names neither the caller nor its boundary comes
	// from a policy over the account: the organization's.
	return CauseSCP
}

// explain classifies a decoded message.
func (d *Decoded) explain() *Result {
	r := &Result{Source: SourceDecoded}
	r.Principal = ParsePrincipal(d.Context.Principal.ARN)
	r.Principal.ID = d.Context.Principal.ID
	r.Action = d.Context.Action
	r.Resource = d.Context.Resource
	if !strings.Contains(r.Action, ":") && r.Action != "" {
		if svc := arnService(r.Resource); svc != "" {
			r.Notes = append(r.Notes, fmt.Sprintf("the message names the action %q without its service; %s: is taken from the resource ARN", r.Action, svc))
			r.Action = svc + ":" + r.Action
		}
	}
	for _, c := range d.Context.Conditions.Items {
		r.Context = append(r.Context, ContextEntry{Key: c.Key, Values: c.Values.strings()})
	}
	for _, f := range d.Failures.Items {
		var s string
		if json.Unmarshal(f, &s) != nil {
			s = compact(f)
		}
		r.Failures = append(r.Failures, s)
	}
	var denySources []string
	allowMatched := false
	for _, s := range d.MatchedStatements.Items {
		st := Statement{
			ID:         s.StatementID,
			Effect:     strings.ToUpper(s.Effect),
			Principals: s.Principals.strings(),
			Actions:    s.Actions.strings(),
			Resources:  s.Resources.strings(),
		}
		if c := compact(s.Conditions); c != "" && c != `{"items":[]}` && c != "null" {
			st.Conditions = c
		}
		if st.Effect == "DENY" {
			st.Policy = statementSource(s, r.Principal)
			denySources = append(denySources, st.Policy)
			if st.Policy == CauseSCP {
				r.Notes = append(r.Notes, fmt.Sprintf("DENY statement %q names neither the caller nor its permissions boundary: "+
					"read as a service control policy (a resource policy's Deny reads the same)", st.ID))
			}
		} else {
			allowMatched = true
		}
		r.Statements = append(r.Statements, st)
	}
	switch {
	case d.Allowed:
		r.Decision = DecisionAllowed
	case d.ExplicitDeny || len(denySources) > 0:
		r.Decision = DecisionExplicitDeny
		if len(denySources) > 0 {
			r.Cause = denySources[0]
		} else {
			r.Notes = append(r.Notes, "explicitDeny is true but the message names no DENY statement")
		}
	case allowMatched:
		r.Decision = DecisionImplicitDeny
		r.Notes = append(r.Notes, "a statement allows the action, yet it was refused: a permissions boundary, "+
			"a service control policy or a session policy does not allow it")
	default:
		r.Decision = DecisionImplicitDeny
		r.Cause = CauseIdentityPolicy
	}
	return r
}

// arnService is the service of an ARN ("ec2" of arn:aws:ec2:...).
func arnService(arn string) string {
	parts := strings.SplitN(arn, ":", 4)
	if len(parts) < 4 || parts[0] != "arn" {
		return ""
	}
	return parts[2]
}

func compact(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

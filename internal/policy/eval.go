package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Effects of a statement.
const (
	Allow = "Allow"
	Deny  = "Deny"
)

// Statement is one IAM policy statement. Conditions and resources cannot be
// decided from CloudTrail; they are kept so a report can say that coverage
// depends on them.
type Statement struct {
	Sid         string                    `json:"Sid,omitempty"`
	Effect      string                    `json:"Effect"`
	Action      StringList                `json:"Action,omitempty"`
	NotAction   StringList                `json:"NotAction,omitempty"`
	Resource    StringList                `json:"Resource,omitempty"`
	NotResource StringList                `json:"NotResource,omitempty"`
	Condition   map[string]map[string]any `json:"Condition,omitempty"`
}

// Conditional reports whether the statement applies only under a condition
// or to some resources: a Condition, a NotResource, or a Resource other than
// "*". An empty Resource counts as "*" (CredentialsRequests often omit it).
func (s *Statement) Conditional() bool {
	if len(s.Condition) > 0 || len(s.NotResource) > 0 {
		return true
	}
	for _, r := range s.Resource {
		if r != "*" {
			return true
		}
	}
	return false
}

// Validate checks what IAM itself would refuse: an unknown effect, both or
// neither of Action and NotAction.
func (s *Statement) Validate() error {
	if !strings.EqualFold(s.Effect, Allow) && !strings.EqualFold(s.Effect, Deny) {
		return fmt.Errorf("effect %q: want Allow or Deny", s.Effect)
	}
	switch {
	case len(s.Action) > 0 && len(s.NotAction) > 0:
		return errors.New("both Action and NotAction set")
	case len(s.Action) == 0 && len(s.NotAction) == 0:
		return errors.New("neither Action nor NotAction set")
	}
	return nil
}

func (s *Statement) isAllow() bool { return strings.EqualFold(s.Effect, Allow) }

// covers reports whether the statement applies to action, and the Action
// pattern that made it apply ("" for a NotAction statement).
func (s *Statement) covers(action string) (pattern string, ok bool) {
	if len(s.NotAction) > 0 {
		_, excluded := MatchAny(s.NotAction, action)
		return "", !excluded
	}
	return MatchAny(s.Action, action)
}

// StringList is an IAM field that may be written as one string or a list.
type StringList []string

// UnmarshalJSON accepts "x", ["x", "y"] and null.
func (l *StringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = StringList{s}
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return errors.New("want a string or a list of strings")
	}
	*l = ss
	return nil
}

// Document is an IAM policy document. Statement may be written as one
// object or a list; an empty document ({}) has no statements.
type Document struct {
	Version   string      `json:"Version,omitempty"`
	Statement []Statement `json:"Statement"`
}

// UnmarshalJSON accepts Statement as an object or a list.
func (d *Document) UnmarshalJSON(b []byte) error {
	var raw struct {
		Version   string          `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	d.Version = raw.Version
	d.Statement = nil
	st := bytes.TrimSpace(raw.Statement)
	switch {
	case len(st) == 0 || string(st) == "null":
	case st[0] == '{':
		var s Statement
		if err := json.Unmarshal(st, &s); err != nil {
			return fmt.Errorf("Statement: %w", err)
		}
		d.Statement = []Statement{s}
	default:
		if err := json.Unmarshal(st, &d.Statement); err != nil {
			return fmt.Errorf("Statement: %w", err)
		}
	}
	return nil
}

// ParseError is a policy document that could not be read. Line is 1-based,
// 0 when unknown.
type ParseError struct {
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return e.Err.Error()
}

func (e *ParseError) Unwrap() error { return e.Err }

// ParseDocument reads a JSON policy document and validates its statements.
// Errors are *ParseError and carry the line when it is known.
func ParseDocument(data []byte) (*Document, error) {
	var raw struct {
		Version   string          `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return nil, &ParseError{Line: errorLine(data, err, dec.InputOffset()), Err: err}
	}
	if dec.More() {
		return nil, &ParseError{Line: lineAt(data, dec.InputOffset()), Err: errors.New("data after the policy document")}
	}
	var d Document
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, &ParseError{Line: badStatementLine(data, raw.Statement), Err: err}
	}
	for i := range d.Statement {
		if err := d.Statement[i].Validate(); err != nil {
			return nil, &ParseError{Line: statementLine(data, i), Err: fmt.Errorf("statement %d: %w", i+1, err)}
		}
	}
	return &d, nil
}

// badStatementLine finds the line of the first statement that does not
// decode, refined by the offset of a type error inside it.
func badStatementLine(data, statements []byte) int {
	var list []json.RawMessage
	if err := json.Unmarshal(statements, &list); err != nil {
		list = []json.RawMessage{statements}
	}
	for i, el := range list {
		var st Statement
		err := json.Unmarshal(el, &st)
		if err == nil {
			continue
		}
		line := statementLine(data, i)
		var te *json.UnmarshalTypeError
		if line > 0 && errors.As(err, &te) && te.Offset > 0 && te.Offset <= int64(len(el)) {
			line += bytes.Count(el[:te.Offset], []byte{'\n'})
		}
		return line
	}
	return 0
}

// errorLine finds the line of a JSON decoding error.
func errorLine(data []byte, err error, fallback int64) int {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return lineAt(data, se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return lineAt(data, te.Offset)
	}
	return lineAt(data, fallback)
}

func lineAt(data []byte, off int64) int {
	if off < 0 {
		return 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

// statementLine returns the line where the i-th element of the Statement
// list starts, or 0. It re-reads the document token by token, which only
// happens for a document already found invalid.
func statementLine(data []byte, i int) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return 0
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return 0
		}
		if k != "Statement" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return 0
			}
			continue
		}
		off := dec.InputOffset()
		t, err := dec.Token()
		if err != nil {
			return 0
		}
		if t != json.Delim('[') {
			rest := data[off:]
			skip := len(rest) - len(bytes.TrimLeft(rest, ": \t\r\n"))
			return lineAt(data, off+int64(skip))
		}
		for n := 0; dec.More(); n++ {
			start := dec.InputOffset()
			if n == i {
				// InputOffset is before the separator and whitespace.
				rest := data[start:]
				skip := len(rest) - len(bytes.TrimLeft(rest, ", \t\r\n"))
				return lineAt(data, start+int64(skip))
			}
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return 0
			}
		}
		return 0
	}
	return 0
}

// Set is a list of statements evaluated together, as IAM evaluates the
// policies attached to one identity.
type Set struct {
	Statements []Statement
}

// StatementMatch names a statement that applied to an action.
type StatementMatch struct {
	// Index is the statement's position in Set.Statements.
	Index int
	// Pattern is the Action pattern that matched; empty for a NotAction
	// statement, which applies to everything it does not list.
	Pattern string
	// Conditional is the statement's Conditional().
	Conditional bool
}

// Decision is what a Set says about one action.
type Decision struct {
	// Allowed is true when some Allow statement covers the action and no
	// unconditional Deny does.
	Allowed bool
	// AllowedBy lists every Allow statement that covers the action.
	AllowedBy []StatementMatch
	// DeniedBy lists every Deny statement that covers the action (by Action,
	// or by not listing it in NotAction).
	DeniedBy []StatementMatch
	// ExcludedBy lists Allow statements with NotAction that would have
	// applied but list the action.
	ExcludedBy []int
	// Conditional is true when the outcome depends on what CloudTrail cannot
	// show: every allowing statement has a condition or a specific resource,
	// or a conditional Deny may apply.
	Conditional bool
	// Denied is true when an unconditional Deny covers the action.
	Denied bool
}

// Evaluate decides action against the set. Action is compared
// case-insensitively with the patterns.
func (s *Set) Evaluate(action string) Decision {
	var d Decision
	unconditionalAllow := false
	conditionalDeny := false
	for i := range s.Statements {
		st := &s.Statements[i]
		pattern, ok := st.covers(action)
		if !ok {
			if st.isAllow() && len(st.NotAction) > 0 {
				d.ExcludedBy = append(d.ExcludedBy, i)
			}
			continue
		}
		m := StatementMatch{Index: i, Pattern: pattern, Conditional: st.Conditional()}
		if st.isAllow() {
			d.AllowedBy = append(d.AllowedBy, m)
			if !m.Conditional {
				unconditionalAllow = true
			}
			continue
		}
		d.DeniedBy = append(d.DeniedBy, m)
		if m.Conditional {
			conditionalDeny = true
		} else {
			d.Denied = true
		}
	}
	d.Allowed = len(d.AllowedBy) > 0 && !d.Denied
	d.Conditional = d.Allowed && (!unconditionalAllow || conditionalDeny)
	return d
}

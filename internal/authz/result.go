package authz

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Sources of a Result.
const (
	SourceDecoded    = "decoded-message"   // aws sts decode-authorization-message
	SourceMessage    = "error-message"     // a plain error message
	SourceCloudTrail = "cloudtrail-record" // one CloudTrail record's errorCode and errorMessage
)

// MaxInput bounds what Parse reads: an encoded message is at most 10,240
// characters and a decoded one a few kilobytes.
const MaxInput = 1 << 20

// cloudTrailCut is about where CloudTrail cuts an errorMessage.
const cloudTrailCut = 1024

// Result is what a refusal says, classified.
type Result struct {
	Source    string    `json:"source"`
	ErrorCode string    `json:"errorCode,omitempty"`
	Principal Principal `json:"principal"`
	Action    string    `json:"action,omitempty"`
	Resource  string    `json:"resource,omitempty"`
	// Decision is one of the Decision* constants.
	Decision string `json:"decision"`
	// Cause is one of the Cause* constants, or empty when the input does
	// not say.
	Cause string `json:"cause,omitempty"`
	// Suspected is set when Cause is a likely explanation, not a fact.
	Suspected  bool           `json:"suspected,omitempty"`
	Statements []Statement    `json:"matchedStatements,omitempty"`
	Context    []ContextEntry `json:"context,omitempty"`
	Failures   []string       `json:"failures,omitempty"`
	// Encoded describes an encoded authorization failure message the input
	// carries (not the message itself, which is long and opaque).
	Encoded *Encoded `json:"encodedMessage,omitempty"`
	// Notes say what was inferred and how.
	Notes []string `json:"notes,omitempty"`
}

// Statement is a matched statement of a decoded message.
type Statement struct {
	ID     string `json:"statementId"`
	Effect string `json:"effect"`
	// Policy is, for a DENY, the cause it stands for: permissions-boundary,
	// explicit-deny (an identity-based policy) or scp.
	Policy     string   `json:"policy,omitempty"`
	Principals []string `json:"principals"`
	Actions    []string `json:"actions"`
	Resources  []string `json:"resources"`
	Conditions string   `json:"conditions,omitempty"`
}

// ContextEntry is one condition key of the request and its values.
type ContextEntry struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

// Encoded describes an encoded authorization failure message.
type Encoded struct {
	Length    int  `json:"length"`
	Truncated bool `json:"truncated"`
}

// Parse reads a refusal in any of the forms the package doc lists. Errors
// say what is wrong with the input; they never quote it.
func Parse(data []byte) (*Result, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, errors.New("empty input")
	}
	if len(data) > MaxInput {
		return nil, fmt.Errorf("input over %d bytes: not an authorization message", MaxInput)
	}
	if !utf8.Valid(data) {
		return nil, errors.New("input is not UTF-8 text")
	}
	if data[0] == '{' {
		return parseJSON(data)
	}
	if data[0] == '[' {
		return nil, errors.New("a JSON array: want one object (a decoded message or a CloudTrail record) or an error message")
	}
	m := ParseMessage(string(data))
	if !m.Known() {
		return nil, errors.New("neither JSON nor an AWS authorization error message (want the output of " +
			"aws sts decode-authorization-message, or a message such as \"User: ... is not authorized to perform: ...\")")
	}
	return m.result(SourceMessage), nil
}

func parseJSON(data []byte) (*Result, error) {
	var probe map[string]json.RawMessage
	if err := unmarshal(data, &probe); err != nil {
		return nil, err
	}
	switch {
	case probe["DecodedMessage"] != nil, probe["allowed"] != nil, probe["explicitDeny"] != nil, probe["context"] != nil:
		d, err := ParseDecoded(data)
		if err != nil {
			return nil, err
		}
		return d.explain(), nil
	case probe["errorMessage"] != nil || probe["errorCode"] != nil:
		var rec struct {
			ErrorCode    string `json:"errorCode"`
			ErrorMessage string `json:"errorMessage"`
			EventSource  string `json:"eventSource"`
			EventName    string `json:"eventName"`
			UserIdentity struct {
				ARN         string `json:"arn"`
				PrincipalID string `json:"principalId"`
			} `json:"userIdentity"`
		}
		if err := unmarshal(data, &rec); err != nil {
			return nil, err
		}
		m := ParseMessage(rec.ErrorMessage)
		if m.ErrorCode == "" {
			m.ErrorCode = rec.ErrorCode
		}
		r := m.result(SourceCloudTrail)
		if r.Principal.ARN == "" && rec.UserIdentity.ARN != "" {
			r.Principal = ParsePrincipal(rec.UserIdentity.ARN)
		}
		if r.Principal.ID == "" {
			r.Principal.ID = rec.UserIdentity.PrincipalID
		}
		if !m.Known() {
			r.Notes = append(r.Notes, "the record's errorMessage names no action or cause")
		}
		return r, nil
	}
	return nil, errors.New("JSON holds neither DecodedMessage, a decoded message (allowed, explicitDeny, context) " +
		"nor a CloudTrail record (errorCode, errorMessage)")
}

// result turns a plain message into a Result.
func (m Message) result(source string) *Result {
	r := &Result{
		Source:    source,
		ErrorCode: m.ErrorCode,
		Principal: ParsePrincipal(m.Principal),
		Action:    m.Action,
		Resource:  m.Resource,
		Decision:  m.Decision(),
		Cause:     m.Cause,
		Suspected: m.Suspected,
	}
	if m.Encoded != "" || m.Truncated {
		r.Encoded = &Encoded{Length: len(m.Encoded), Truncated: m.Truncated}
	}
	if m.Encoded != "" && !m.Truncated && m.textLen >= cloudTrailCut-24 && m.textLen <= cloudTrailCut+8 {
		r.Notes = append(r.Notes, fmt.Sprintf("the message is %d characters long, about where CloudTrail cuts error messages: "+
			"if decoding fails, the encoded message was cut", m.textLen))
	}
	if m.Principal == "" {
		r.Principal = Principal{}
	}
	return r
}

package authz

import (
	"strings"
)

// Message is what a plain error message says, as CloudTrail's errorMessage
// or an SDK's error text carries it. Fields the message does not name are
// empty.
type Message struct {
	// ErrorCode is the code when the text carries one, as in "An error
	// occurred (AccessDenied) when calling ..." or "UnauthorizedOperation: ...".
	ErrorCode string
	// Principal is the ARN after "User: ".
	Principal string
	// Action is the action after "not authorized to perform", as written.
	Action string
	// Resource is the ARN after "on resource: ", unquoted.
	Resource string
	// Cause is one of the Cause* constants, or empty.
	Cause string
	// Explicit is set when the message says "with an explicit deny".
	Explicit bool
	// Suspected is set when the cause is a guess: the bare "You are not
	// authorized to perform this operation." suggests a VPC endpoint policy.
	Suspected bool
	// Encoded is the encoded authorization failure message, if any.
	Encoded string
	// Truncated is set when Encoded was cut (CloudTrail cuts error messages
	// over about 1,024 characters and ends them with "...").
	Truncated bool

	textLen int // of the whole message, to tell a cut that left no mark
}

// Phrases of AWS's messages, lower case.
const (
	phrasePerform     = "not authorized to perform"
	phraseOnResource  = " on resource: "
	phraseUser        = "user: "
	phraseEncoded     = "encoded authorization failure message:"
	phraseBareRefusal = "you are not authorized to perform this operation"
)

// encodedAlphabet is what an encoded authorization message is written in.
func encodedChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// ParseMessage reads an error message. It never fails: a text that says
// nothing known gives a Message with only empty fields (see Message.Known).
func ParseMessage(text string) Message {
	m := Message{textLen: len(text)}
	lower := asciiLower(text)
	m.ErrorCode = errorCodeOf(text)

	if i := strings.Index(lower, phraseUser); i >= 0 {
		rest := text[i+len(phraseUser):]
		if j := strings.Index(lower[i+len(phraseUser):], " is not authorized"); j >= 0 {
			m.Principal = strings.TrimSpace(rest[:j])
		}
	}
	// "You are not authorized to perform this operation." may come first;
	// the action is the first word after the phrase that has a service.
	for from := 0; m.Action == ""; {
		i := strings.Index(lower[from:], phrasePerform)
		if i < 0 {
			break
		}
		from += i + len(phrasePerform)
		rest := strings.TrimLeft(text[from:], ": ")
		if j := strings.IndexAny(rest, " ,;\"'\n\t"); j >= 0 {
			rest = rest[:j]
		}
		rest = strings.TrimRight(rest, ".")
		if strings.Contains(rest, ":") {
			m.Action = rest
		}
	}
	if i := strings.Index(lower, phraseOnResource); i >= 0 {
		rest := text[i+len(phraseOnResource):]
		end := len(rest)
		lr := lower[i+len(phraseOnResource):]
		for _, stop := range []string{" because ", " with an explicit deny", "\n"} {
			if j := strings.Index(lr, stop); j >= 0 && j < end {
				end = j
			}
		}
		m.Resource = strings.Trim(strings.TrimSpace(rest[:end]), "\"'")
		m.Resource = strings.TrimRight(m.Resource, ".")
	}
	if i := strings.Index(lower, phraseEncoded); i >= 0 {
		rest := strings.TrimLeft(text[i+len(phraseEncoded):], " ")
		j := 0
		for j < len(rest) && encodedChar(rest[j]) {
			j++
		}
		m.Encoded = rest[:j]
		after := rest[j:]
		m.Truncated = strings.HasPrefix(after, "...") || strings.HasPrefix(after, "…") || m.Encoded == ""
	}

	cause, explicit, named := classify(lower)
	m.Explicit = explicit
	switch {
	case named:
		m.Cause = cause
	case m.Encoded != "" || strings.Contains(lower, phraseEncoded):
		m.Cause = CauseEncoded
		if m.Truncated {
			m.Cause = CauseEncodedTruncated
		}
	case strings.Contains(lower, "not authorized to perform sts:assumerolewithwebidentity"):
		m.Cause = CauseTrustPolicy
	case strings.Contains(lower, "couldn't retrieve verification key"),
		strings.Contains(lower, "invalididentitytoken"),
		strings.Contains(lower, "incorrect token audience"):
		m.Cause = CauseWebIdentityAuth
	case strings.Contains(lower, phraseBareRefusal):
		m.Cause = CauseVPCEndpoint
		m.Suspected = true
	}
	return m
}

// Known reports whether the message said anything ParseMessage understood.
func (m Message) Known() bool {
	return m.Cause != "" || m.Action != "" || m.Principal != "" || m.Explicit
}

// Decision is what the message says of the evaluation.
func (m Message) Decision() string {
	switch {
	case m.Explicit:
		return DecisionExplicitDeny
	case m.Cause != "" && !m.Suspected && m.Cause != CauseEncoded && m.Cause != CauseEncodedTruncated &&
		m.Cause != CauseTrustPolicy && m.Cause != CauseWebIdentityAuth:
		return DecisionImplicitDeny
	}
	return DecisionUnknown
}

// errorCodeOf finds the error code in the SDK forms "An error occurred
// (Code) when calling ..." (Python, the AWS CLI) and "Code: message"
// (Go), or the CloudTrail code spelled out in the text.
func errorCodeOf(text string) string {
	if i := strings.Index(text, "An error occurred ("); i >= 0 {
		rest := text[i+len("An error occurred ("):]
		if j := strings.IndexByte(rest, ')'); j > 0 && isCode(rest[:j]) {
			return rest[:j]
		}
	}
	for _, code := range []string{"Client.UnauthorizedOperation", "UnauthorizedOperation", "AccessDeniedException",
		"AccessDenied", "Client.InvalidIdentityToken", "InvalidIdentityToken", "UnauthorizedAccess"} {
		if strings.Contains(text, code+":") || strings.Contains(text, "("+code+")") {
			return code
		}
	}
	return ""
}

func isCode(s string) bool {
	for i := 0; i < len(s); i++ {
		if !encodedChar(s[i]) && s[i] != '.' {
			return false
		}
	}
	return s != ""
}

// asciiLower lower-cases ASCII letters only, so that byte offsets found in
// the result are offsets in s (strings.ToLower may change lengths), and a
// slice of the result from an offset is the lowered slice of s from it.
// One allocation, none when s has no upper-case letter.
func asciiLower(s string) string {
	i := 0
	for i < len(s) && !('A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

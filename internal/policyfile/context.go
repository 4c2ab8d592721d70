package policyfile

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// ContextEntry is one AWS CLI ContextEntry (--context-entries of aws iam
// simulate-custom-policy).
type ContextEntry struct {
	Name   string   `json:"ContextKeyName"`
	Values []string `json:"ContextKeyValues"`
	Type   string   `json:"ContextKeyType"`
}

// contextTypes are the AWS CLI's ContextKeyType values, each with the
// check its values must pass.
var contextTypes = map[string]func(string) bool{
	"string":  func(string) bool { return true },
	"numeric": func(s string) bool { _, err := strconv.ParseFloat(s, 64); return err == nil },
	"boolean": func(s string) bool { return strings.EqualFold(s, "true") || strings.EqualFold(s, "false") },
	"ip": func(s string) bool {
		if _, err := netip.ParseAddr(s); err == nil {
			return true
		}
		_, err := netip.ParsePrefix(s)
		return err == nil
	},
	"binary": func(s string) bool { _, err := base64.StdEncoding.DecodeString(s); return err == nil },
	"date": func(s string) bool {
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			return true
		}
		for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02"} {
			if _, err := time.Parse(l, s); err == nil {
				return true
			}
		}
		return false
	},
}

// Check validates an entry against its type. An entry without a type is a
// string (stringList with several values).
func (e *ContextEntry) Check() error {
	if e.Name == "" {
		return errors.New("no ContextKeyName")
	}
	t := e.Type
	if t == "" {
		t = "string"
		if len(e.Values) > 1 {
			t = "stringList"
		}
	}
	base, list := strings.CutSuffix(t, "List")
	ok := contextTypes[base]
	if ok == nil {
		return fmt.Errorf("ContextKeyType %q: want string, numeric, boolean, ip, binary or date, or one of them with List", e.Type)
	}
	if !list && len(e.Values) > 1 {
		return fmt.Errorf("ContextKeyType %s takes one value, not %d (use %sList)", t, len(e.Values), t)
	}
	for _, v := range e.Values {
		if !ok(v) {
			return fmt.Errorf("%q is not a %s value", v, base)
		}
	}
	return nil
}

// IsJSONEntry reports whether a --context-entries value is JSON (a list or
// one entry) or file://FILE rather than the shorthand.
func IsJSONEntry(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "file://") || strings.HasPrefix(s, "[") || strings.HasPrefix(s, "{")
}

var shorthandKeys = []string{"ContextKeyName", "ContextKeyValues", "ContextKeyType"}

// ParseShorthand reads the AWS CLI shorthand of one entry:
// ContextKeyName=k,ContextKeyValues=v1,v2,ContextKeyType=stringList.
// A value may be quoted ("a,b" or 'a,b') to hold a comma, and the list may
// be bracketed ([v1,v2]).
func ParseShorthand(s string) (ContextEntry, error) {
	var e ContextEntry
	toks, err := splitShorthand(s)
	if err != nil {
		return e, err
	}
	field := ""
	seen := map[string]bool{}
	for _, t := range toks {
		if k, v, ok := strings.Cut(t.text, "="); ok && isShorthandKey(k) {
			if seen[k] {
				return e, fmt.Errorf("%s given twice", k)
			}
			seen[k] = true
			field = k
			t.text = v
			if v == "" && k == "ContextKeyValues" {
				continue
			}
		} else if field != "ContextKeyValues" {
			return e, fmt.Errorf("unexpected %q (want %s=...)", t.text, strings.Join(shorthandKeys, "=, "))
		}
		v := unquote(t.text)
		switch field {
		case "ContextKeyName":
			e.Name = v
		case "ContextKeyType":
			e.Type = v
		case "ContextKeyValues":
			v = strings.TrimSuffix(strings.TrimPrefix(v, "["), "]")
			if v != "" || t.quoted {
				e.Values = append(e.Values, unquote(v))
			}
		}
	}
	if !seen["ContextKeyName"] {
		return e, errors.New("no ContextKeyName=")
	}
	if !seen["ContextKeyValues"] {
		return e, errors.New("no ContextKeyValues=")
	}
	return e, nil
}

func isShorthandKey(k string) bool {
	for _, x := range shorthandKeys {
		if k == x {
			return true
		}
	}
	return false
}

type shortTok struct {
	text   string
	quoted bool
}

// splitShorthand splits on commas outside quotes.
func splitShorthand(s string) ([]shortTok, error) {
	var out []shortTok
	var cur strings.Builder
	quote := byte(0)
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			cur.WriteByte(c)
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote, quoted = c, true
			cur.WriteByte(c)
		case c == ',':
			out = append(out, shortTok{text: cur.String(), quoted: quoted})
			cur.Reset()
			quoted = false
		default:
			cur.WriteByte(c)
		}
	}
	if quote != 0 {
		return nil, errors.New("unterminated quote")
	}
	return append(out, shortTok{text: cur.String(), quoted: quoted}), nil
}

// unquote removes the quotes around a whole value or after "key=".
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// ParseEntries parses the shorthand values of --context-entries (the JSON
// ones and file:// are read by Load), so that a command can refuse a bad
// one before any I/O. Errors are usage errors.
func ParseEntries(values []string) ([]ContextEntry, error) {
	var out []ContextEntry
	for _, e := range values {
		if IsJSONEntry(e) {
			continue
		}
		ce, err := ParseShorthand(e)
		if err != nil {
			return nil, exit.Errorf(exit.Usage, "--context-entries %q: %v", e, err)
		}
		if err := ce.Check(); err != nil {
			return nil, exit.Errorf(exit.Usage, "--context-entries %q: %v", e, err)
		}
		out = append(out, ce)
	}
	return out, nil
}

// LoadContext gathers every entry: the shorthand ones ParseEntries parsed
// and the JSON ones of values (inline or file://), in the order given, as
// a request context (key -> values). A key given twice is an error; errors
// are usage errors.
func LoadContext(values []string, shorthand []ContextEntry) (map[string][]string, error) {
	entries := append([]ContextEntry{}, shorthand...)
	for _, raw := range values {
		if !IsJSONEntry(raw) {
			continue
		}
		src := "--context-entries"
		data := []byte(strings.TrimSpace(raw))
		if name, ok := strings.CutPrefix(string(data), "file://"); ok {
			b, err := os.ReadFile(name)
			if err != nil {
				return nil, exit.Errorf(exit.Usage, "reading context entries: %w", err)
			}
			data, src = b, name
		}
		var list []ContextEntry
		trimmed := strings.TrimSpace(string(data))
		if strings.HasPrefix(trimmed, "{") {
			var one ContextEntry
			if err := strictJSON([]byte(trimmed), &one); err != nil {
				return nil, exit.Errorf(exit.Usage, "reading context entries %s: %v", src, err)
			}
			list = []ContextEntry{one}
		} else if err := strictJSON(data, &list); err != nil {
			return nil, exit.Errorf(exit.Usage, "reading context entries %s: %v (want a JSON list of {ContextKeyName, ContextKeyValues, ContextKeyType})", src, err)
		}
		for i := range list {
			if err := list[i].Check(); err != nil {
				return nil, exit.Errorf(exit.Usage, "reading context entries %s: entry %d: %v", src, i, err)
			}
		}
		entries = append(entries, list...)
	}
	if len(entries) == 0 {
		return nil, nil
	}
	out := make(map[string][]string, len(entries))
	first := map[string]string{}
	for _, e := range entries {
		l := strings.ToLower(e.Name)
		if prev, dup := first[l]; dup {
			return nil, exit.Errorf(exit.Usage, "--context-entries: %s given twice (also as %s)", e.Name, prev)
		}
		first[l] = e.Name
		vals := e.Values
		if vals == nil {
			vals = []string{}
		}
		out[e.Name] = vals
	}
	return out, nil
}

func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON value")
	}
	return nil
}

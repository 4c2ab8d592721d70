package policy

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// jkind is the kind of a JSON value read by readJSON.
type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

func (k jkind) String() string {
	return [...]string{"null", "a boolean", "a number", "a string", "a list", "an object"}[k]
}

// jvalue is one JSON value with the byte offset where it starts, so that a
// policy error can name its line. Object members keep their order.
type jvalue struct {
	kind jkind
	off  int
	text string // string value, number literal, "true"/"false"
	list []jvalue
	keys []jmember
}

type jmember struct {
	name string
	off  int
	val  jvalue
}

// maxDepth bounds nesting; no policy needs more than a handful of levels and
// the bound keeps hostile input from exhausting the stack.
const maxDepth = 64

// jsonError is a syntax error at a byte offset.
type jsonError struct {
	off int
	msg string
}

func (e *jsonError) Error() string { return e.msg }

// readJSON parses exactly one JSON value (surrounded by optional white
// space). It is a small recursive-descent reader because encoding/json does
// not say where a value starts, and every policy error names a line.
func readJSON(data []byte) (jvalue, error) {
	if !utf8.Valid(data) {
		return jvalue{}, &jsonError{off: firstInvalidUTF8(data), msg: "not valid UTF-8"}
	}
	r := jreader{data: data}
	r.space()
	v, err := r.value(0)
	if err != nil {
		return jvalue{}, err
	}
	r.space()
	if r.pos < len(r.data) {
		return jvalue{}, r.fail("data after the JSON value")
	}
	return v, nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

type jreader struct {
	data []byte
	pos  int
}

func (r *jreader) fail(format string, args ...any) error {
	return &jsonError{off: r.pos, msg: fmt.Sprintf(format, args...)}
}

func (r *jreader) space() {
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

func (r *jreader) value(depth int) (jvalue, error) {
	if depth > maxDepth {
		return jvalue{}, r.fail("nested deeper than %d levels", maxDepth)
	}
	if r.pos >= len(r.data) {
		return jvalue{}, r.fail("unexpected end of input")
	}
	start := r.pos
	switch c := r.data[r.pos]; {
	case c == '{':
		return r.object(depth)
	case c == '[':
		return r.array(depth)
	case c == '"':
		s, err := r.str()
		return jvalue{kind: jString, off: start, text: s}, err
	case c == 't':
		return r.literal("true", jBool)
	case c == 'f':
		return r.literal("false", jBool)
	case c == 'n':
		return r.literal("null", jNull)
	case c == '-' || (c >= '0' && c <= '9'):
		return r.number()
	default:
		return jvalue{}, r.fail("unexpected character %q", rune(c))
	}
}

func (r *jreader) literal(word string, k jkind) (jvalue, error) {
	start := r.pos
	if len(r.data)-r.pos < len(word) || string(r.data[r.pos:r.pos+len(word)]) != word {
		return jvalue{}, r.fail("invalid literal")
	}
	r.pos += len(word)
	return jvalue{kind: k, off: start, text: word}, nil
}

func (r *jreader) number() (jvalue, error) {
	start := r.pos
	digits := func() int {
		n := 0
		for r.pos < len(r.data) && r.data[r.pos] >= '0' && r.data[r.pos] <= '9' {
			r.pos++
			n++
		}
		return n
	}
	if r.data[r.pos] == '-' {
		r.pos++
	}
	if r.pos < len(r.data) && r.data[r.pos] == '0' {
		r.pos++
	} else if digits() == 0 {
		return jvalue{}, r.fail("invalid number")
	}
	if r.pos < len(r.data) && r.data[r.pos] == '.' {
		r.pos++
		if digits() == 0 {
			return jvalue{}, r.fail("invalid number")
		}
	}
	if r.pos < len(r.data) && (r.data[r.pos] == 'e' || r.data[r.pos] == 'E') {
		r.pos++
		if r.pos < len(r.data) && (r.data[r.pos] == '+' || r.data[r.pos] == '-') {
			r.pos++
		}
		if digits() == 0 {
			return jvalue{}, r.fail("invalid number")
		}
	}
	return jvalue{kind: jNumber, off: start, text: string(r.data[start:r.pos])}, nil
}

// str reads a JSON string; the common case without escapes is a plain copy.
func (r *jreader) str() (string, error) {
	start := r.pos
	r.pos++ // opening quote
	escaped := false
	for r.pos < len(r.data) {
		c := r.data[r.pos]
		switch {
		case c == '"':
			r.pos++
			raw := r.data[start:r.pos]
			if !escaped {
				return string(raw[1 : len(raw)-1]), nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				r.pos = start
				return "", r.fail("invalid string escape")
			}
			return s, nil
		case c == '\\':
			escaped = true
			r.pos += 2
		case c < 0x20:
			return "", r.fail("control character in string")
		default:
			r.pos++
		}
	}
	r.pos = start
	return "", r.fail("unterminated string")
}

func (r *jreader) array(depth int) (jvalue, error) {
	v := jvalue{kind: jArray, off: r.pos}
	r.pos++
	r.space()
	if r.pos < len(r.data) && r.data[r.pos] == ']' {
		r.pos++
		return v, nil
	}
	for {
		r.space()
		el, err := r.value(depth + 1)
		if err != nil {
			return jvalue{}, err
		}
		v.list = append(v.list, el)
		r.space()
		if r.pos >= len(r.data) {
			return jvalue{}, r.fail("unterminated list")
		}
		switch r.data[r.pos] {
		case ',':
			r.pos++
		case ']':
			r.pos++
			return v, nil
		default:
			return jvalue{}, r.fail("want , or ] in a list")
		}
	}
}

func (r *jreader) object(depth int) (jvalue, error) {
	v := jvalue{kind: jObject, off: r.pos}
	r.pos++
	r.space()
	if r.pos < len(r.data) && r.data[r.pos] == '}' {
		r.pos++
		return v, nil
	}
	for {
		r.space()
		if r.pos >= len(r.data) || r.data[r.pos] != '"' {
			return jvalue{}, r.fail("want a member name in quotes")
		}
		koff := r.pos
		name, err := r.str()
		if err != nil {
			return jvalue{}, err
		}
		r.space()
		if r.pos >= len(r.data) || r.data[r.pos] != ':' {
			return jvalue{}, r.fail("want : after a member name")
		}
		r.pos++
		r.space()
		val, err := r.value(depth + 1)
		if err != nil {
			return jvalue{}, err
		}
		v.keys = append(v.keys, jmember{name: name, off: koff, val: val})
		r.space()
		if r.pos >= len(r.data) {
			return jvalue{}, r.fail("unterminated object")
		}
		switch r.data[r.pos] {
		case ',':
			r.pos++
		case '}':
			r.pos++
			return v, nil
		default:
			return jvalue{}, r.fail("want , or } in an object")
		}
	}
}

// scalarText is the text IAM compares for a condition value: a string as it
// is, a number or boolean as written.
func (v *jvalue) scalarText() (string, bool) {
	switch v.kind {
	case jString, jNumber, jBool:
		return v.text, true
	}
	return "", false
}

// lineOf is the 1-based line of byte offset off.
func lineOf(data []byte, off int) int {
	l, _ := lineCol(data, off)
	return l
}

// lineCol is the 1-based line and column (in bytes) of byte offset off.
func lineCol(data []byte, off int) (line, col int) {
	if off > len(data) {
		off = len(data)
	}
	line, start := 1, 0
	for i, c := range data[:off] {
		if c == '\n' {
			line++
			start = i + 1
		}
	}
	return line, off - start + 1
}

// quoteKey renders a path component for an object member name that is not
// a plain identifier.
func quoteKey(name string) string {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ':' || c == '/' || c == '-' || c == '_') {
			return strconv.Quote(name)
		}
	}
	return name
}

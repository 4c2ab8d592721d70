package trailgen

import (
	"strconv"
	"unicode/utf8"
)

// obj is a JSON object that keeps its keys in the order they were written.
// requestParameters and responseElements differ per API and mimic AWS's key
// order, which a struct per API would make unwieldy and a map would scramble.
type obj []kv

type kv struct {
	k string
	v any
}

// arr is a JSON array of mixed values.
type arr []any

// MarshalJSON implements json.Marshaler.
func (o obj) MarshalJSON() ([]byte, error) { return appendValue(nil, o), nil }

// MarshalJSON implements json.Marshaler.
func (a arr) MarshalJSON() ([]byte, error) { return appendValue(nil, a), nil }

// appendValue appends the JSON encoding of the few value types the request
// and response builders use. Anything else is a programming error.
func appendValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendString(b, v)
	case bool:
		return strconv.AppendBool(b, v)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case obj:
		b = append(b, '{')
		for i, f := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, f.k)
			b = append(b, ':')
			b = appendValue(b, f.v)
		}
		return append(b, '}')
	case arr:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, e)
		}
		return append(b, ']')
	case []string:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, e)
		}
		return append(b, ']')
	}
	panic("trailgen: cannot encode value of this type")
}

// appendString appends s as a JSON string. Like CloudTrail it does not
// escape HTML characters.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				switch c {
				case '\n':
					b = append(b, '\\', 'n')
				case '\t':
					b = append(b, '\\', 't')
				case '\r':
					b = append(b, '\\', 'r')
				default:
					b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
				}
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

package trailgen

import (
	"strconv"

	"github.com/cloud-credentials-insights/cci/internal/jsonout"
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

// appendString appends s as a JSON string, without HTML escaping (as
// CloudTrail writes them).
func appendString(b []byte, s string) []byte { return jsonout.AppendString(b, s) }

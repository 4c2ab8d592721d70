package ctjson

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// RawJSON is the text of a JSON value kept undecoded, as in the input
// (null and absent values are ""). The fast path aliases the decoder's
// buffer, like every other string of a Record: clone before keeping.
type RawJSON string

// UnmarshalJSON keeps the value's text (the slow path, sonic).
func (r *RawJSON) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*r = ""
		return nil
	}
	*r = RawJSON(b)
	return nil
}

// raw keeps the text of the value at b[i] in dst and returns the index
// after it.
func (rec *fastRec) raw(b []byte, i int, dst *RawJSON) (int, fastStatus) {
	end, st := skipValue(b, i, &rec.idx)
	if st != fastOK {
		return end, st
	}
	if end-i == 4 && string(b[i:end]) == "null" {
		return end, fastOK
	}
	*dst = RawJSON(unsafe.String(unsafe.SliceData(b[i:]), end-i))
	return end, fastOK
}

// ResourceARNs calls f with the ARN of each entry of a record's resources
// array, in order, nothing when r is not such an array. The ARNs alias r
// when they hold no escapes, so a refused record's resources cost no
// allocation; a value with an escape, or a shape the scan does not know,
// goes through encoding/json.
func ResourceARNs(r RawJSON, f func(arn string)) {
	if r == "" {
		return
	}
	if arns, ok := scanARNs(string(r)); ok {
		for len(arns) > 0 {
			var arn string
			if arn, arns = nextARN(arns); arn == "" {
				break
			}
			f(arn)
		}
		return
	}
	var rs []struct {
		ARN string `json:"ARN"`
	}
	if json.Unmarshal([]byte(r), &rs) != nil {
		return
	}
	for _, x := range rs {
		if x.ARN != "" {
			f(x.ARN)
		}
	}
}

// scanARNs checks that s is an array of flat objects whose members are
// strings without escapes (CloudTrail's resources[]) and that each key ARN
// appears once per object. It returns s itself for nextARN; ok is false
// for anything else.
func scanARNs(s string) (string, bool) {
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '[' {
		return "", false
	}
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == ']' {
		return "", skipSpace(s, i+1) == len(s)
	}
	for {
		if i >= len(s) || s[i] != '{' {
			return "", false
		}
		i = skipSpace(s, i+1)
		arns := 0
		if i < len(s) && s[i] == '}' {
			i++
		} else {
			for {
				key, j, ok := plainString(s, i)
				if !ok {
					return "", false
				}
				j = skipSpace(s, j)
				if j >= len(s) || s[j] != ':' {
					return "", false
				}
				j = skipSpace(s, j+1)
				if _, j, ok = plainString(s, j); !ok {
					return "", false
				}
				if key == "ARN" {
					arns++
				} else if strings.EqualFold(key, "ARN") {
					return "", false // encoding/json would fold it: let it decide
				}
				j = skipSpace(s, j)
				if j >= len(s) {
					return "", false
				}
				if s[j] == '}' {
					i = j + 1
					break
				}
				if s[j] != ',' {
					return "", false
				}
				i = skipSpace(s, j+1)
			}
		}
		if arns > 1 {
			return "", false
		}
		i = skipSpace(s, i)
		if i >= len(s) {
			return "", false
		}
		if s[i] == ']' {
			if skipSpace(s, i+1) != len(s) {
				return "", false
			}
			return s, true
		}
		if s[i] != ',' {
			return "", false
		}
		i = skipSpace(s, i+1)
	}
}

// nextARN returns the next non-empty "ARN" value of an input scanARNs
// accepted and the rest after it ("" when none is left).
func nextARN(s string) (string, string) {
	for {
		k := strings.Index(s, `"ARN"`)
		if k < 0 {
			return "", ""
		}
		// Keys and values alternate and hold no quotes: "ARN" followed by a
		// colon is a key.
		j := skipSpace(s, k+5)
		if j >= len(s) || s[j] != ':' {
			s = s[k+5:]
			continue
		}
		v, end, _ := plainString(s, skipSpace(s, j+1))
		s = s[end:]
		if v != "" {
			return v, s
		}
		if s == "" {
			return "", ""
		}
	}
}

// plainString reads the JSON string at s[i] when it has no escape or
// control character and is valid UTF-8.
func plainString(s string, i int) (string, int, bool) {
	if i >= len(s) || s[i] != '"' {
		return "", i, false
	}
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			v := s[i+1 : j]
			// encoding/json replaces invalid UTF-8 byte by byte: let it.
			return v, j + 1, utf8.ValidString(v)
		case c == '\\' || c < 0x20:
			return "", i, false
		}
	}
	return "", i, false
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// AuthenticationMethod returns additionalEventData.AuthenticationMethod
// (S3 writes QueryString for a presigned URL, AuthHeader otherwise).
func AuthenticationMethod(r RawJSON) string {
	if r == "" {
		return ""
	}
	var d struct {
		AuthenticationMethod string `json:"AuthenticationMethod"`
	}
	if json.Unmarshal([]byte(r), &d) != nil {
		return ""
	}
	return d.AuthenticationMethod
}

package ctjson

import (
	"encoding/json"
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

// Package ctjson decodes CloudTrail JSON streams into the few record
// fields cci reads, fast and in bounded memory.
//
// A stream is a delivery file ({"Records":[...]}), a lookup-events answer
// ({"Events":[{"CloudTrailEvent":"..."}]}), a top-level array, or JSON Lines
// of records or EventBridge envelopes. Decoder.Next walks it item by item:
//
//	scanner (scan.go)        splits the stream into items without decoding
//	                         them; memory is bounded by the largest item
//	fast path (decode_fast)  decodes a plain record in one pass over the
//	                         buffer, using the quote and backslash bitmaps
//	                         of the classifier (classify*.go, AVX2 on amd64)
//	slow path (record.go)    anything the fast path declines: sonic, with
//	                         the envelope and digest rules
//
// Both paths give the same Record for every input (the differential tests
// and fuzz targets hold them to it).
package ctjson

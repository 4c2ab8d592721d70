//go:build !amd64

package ctjson

// classifyBlocks writes the raw maps of the whole 64-byte blocks of src to
// quotes and slashes, a little-endian word per block, and returns the OR
// of the backslash words.
func classifyBlocks(src, quotes, slashes []byte) uint64 {
	return classifyGeneric(src, quotes, slashes)
}

// classifyAll is classifyBlocks that also writes the maps of '{' or '['
// and of '}' or ']' to opens and closes, in the same pass over src.
func classifyAll(src, quotes, slashes, opens, closes []byte) uint64 {
	return classifyAllGeneric(src, quotes, slashes, opens, closes)
}

// UseAVX2 does nothing off amd64: the portable classifier is the only one.
func UseAVX2(bool) (restore func()) { return func() {} }

// HasAVX2 reports whether the AVX2 classifier is in use: never, off amd64.
func HasAVX2() bool { return false }

// simdLevel names a classifier; off amd64 there is only the portable one.
type simdLevel uint8

const simdNone simdLevel = 0

var simdBest = simdNone

// useSIMD does nothing off amd64.
func useSIMD(simdLevel) (restore func()) { return func() {} }

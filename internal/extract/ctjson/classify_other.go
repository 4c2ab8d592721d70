//go:build !amd64

package ctjson

// classifyBlocks writes the raw maps of the whole 64-byte blocks of src to
// quotes and slashes, a little-endian word per block, and returns the OR
// of the backslash words.
func classifyBlocks(src, quotes, slashes []byte) uint64 {
	return classifyGeneric(src, quotes, slashes)
}

// classifyBraceBlocks writes the maps of '{' or '[' and of '}' or ']' of
// the whole 64-byte blocks of src to opens and closes.
func classifyBraceBlocks(src, opens, closes []byte) { classifyBracesGeneric(src, opens, closes) }

// UseAVX2 does nothing off amd64: the portable classifier is the only one.
func UseAVX2(bool) (restore func()) { return func() {} }

// HasAVX2 reports whether the AVX2 classifier is in use: never, off amd64.
func HasAVX2() bool { return false }

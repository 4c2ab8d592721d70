//go:build !amd64

package extract

// classifyBlocks writes the raw maps of the whole 64-byte blocks of src to
// quotes and slashes, a little-endian word per block, and returns the OR
// of the backslash words.
func classifyBlocks(src, quotes, slashes []byte) uint64 {
	return classifyGeneric(src, quotes, slashes)
}

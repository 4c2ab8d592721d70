//go:build !(amd64 || arm64 || ppc64le || riscv64 || loong64)

package gunzip

import (
	"encoding/binary"
	"unsafe"
)

// The fast loop's memory access where words may be big-endian or must be
// aligned: byte by byte. The callers keep every access inside its buffer
// (see huff).

// load64 returns the eight bytes at p+i as a little-endian word.
func load64(p unsafe.Pointer, i int) uint64 {
	return binary.LittleEndian.Uint64(unsafe.Slice((*byte)(unsafe.Add(p, i)), 8))
}

// copy16 copies the sixteen bytes at p+src to p+dst, which do not overlap.
func copy16(p unsafe.Pointer, dst, src int) {
	copy(unsafe.Slice((*byte)(unsafe.Add(p, dst)), 16), unsafe.Slice((*byte)(unsafe.Add(p, src)), 16))
}

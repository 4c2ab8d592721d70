//go:build amd64 || arm64 || ppc64le || riscv64 || loong64

package gunzip

import "unsafe"

// The fast loop's memory access, on little-endian architectures that
// allow unaligned words: one load or store each. The callers keep every
// access inside its buffer (see huff).

// load64 returns the eight bytes at p+i as a little-endian word.
func load64(p unsafe.Pointer, i int) uint64 { return *(*uint64)(unsafe.Add(p, i)) }

// copy16 copies the sixteen bytes at p+src to p+dst, which do not overlap.
func copy16(p unsafe.Pointer, dst, src int) {
	*(*[2]uint64)(unsafe.Add(p, dst)) = *(*[2]uint64)(unsafe.Add(p, src))
}

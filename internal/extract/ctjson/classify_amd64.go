package ctjson

// hasAVX2 says whether the CPU and the OS support AVX2: CPUID leaf 7 for
// the instructions, and XGETBV for the OS saving the YMM registers.
var hasAVX2 = detectAVX2()

func detectAVX2() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const osxsave, avx = 1 << 27, 1 << 28
	if ecx1&osxsave == 0 || ecx1&avx == 0 {
		return false
	}
	if xcr0, _ := xgetbv0(); xcr0&6 != 6 { // XMM and YMM state
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0
}

// classifyAVX2 is classifyBlocks for blocks 64-byte blocks at src
// (classify_amd64.s).
//
//go:noescape
func classifyAVX2(src *byte, blocks int, quotes, slashes *byte) (anySlash uint64)

// classifyBracesAVX2 is classifyBraceBlocks for blocks 64-byte blocks at
// src (classify_amd64.s).
//
//go:noescape
func classifyBracesAVX2(src *byte, blocks int, opens, closes *byte)

// classifyBraceBlocks writes the maps of '{' or '[' and of '}' or ']' of
// the whole 64-byte blocks of src to opens and closes.
func classifyBraceBlocks(src, opens, closes []byte) {
	n := len(src) / 64
	if n == 0 {
		return
	}
	if !hasAVX2 {
		classifyBracesGeneric(src, opens, closes)
		return
	}
	_, _ = opens[8*n-1], closes[8*n-1]
	classifyBracesAVX2(&src[0], n, &opens[0], &closes[0])
}

// cpuid and xgetbv0 run the instructions of the same names (XGETBV with
// ECX=0: the register states the OS saves).
func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

func xgetbv0() (eax, edx uint32)

// classifyBlocks writes the raw maps of the whole 64-byte blocks of src to
// quotes and slashes, a little-endian word per block, and returns the OR
// of the backslash words.
func classifyBlocks(src, quotes, slashes []byte) uint64 {
	n := len(src) / 64
	if n == 0 {
		return 0
	}
	if !hasAVX2 {
		return classifyGeneric(src, quotes, slashes)
	}
	_, _ = quotes[8*n-1], slashes[8*n-1]
	return classifyAVX2(&src[0], n, &quotes[0], &slashes[0])
}

// UseAVX2 switches the AVX2 classifier off (or back on, where the CPU has
// it) until restore is called. It exists so that the tests can run the
// portable classifier on machines that would never take it; nothing else
// calls it, and no decoding may run concurrently with it.
func UseAVX2(on bool) (restore func()) {
	old := hasAVX2
	hasAVX2 = on && detectAVX2()
	return func() { hasAVX2 = old }
}

// HasAVX2 reports whether the AVX2 classifier is in use.
func HasAVX2() bool { return hasAVX2 }

package ctjson

// simdLevel is the widest classifier the CPU and the OS support.
type simdLevel uint8

const (
	simdNone   simdLevel = iota // the portable classifier (classify.go)
	simdAVX2                    // 32-byte compares, VPMOVMSKB
	simdAVX512                  // 64-byte compares into mask registers
)

// simd is the classifier in use: the best one detected, unless a test
// asked for another (useSIMD).
var simd, simdBest = detectSIMD(), detectSIMD()

// detectSIMD asks CPUID leaf 7 for the instructions (AVX2; AVX-512 F and
// BW) and XGETBV for the OS saving their registers (YMM; opmask and ZMM).
func detectSIMD() simdLevel {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return simdNone
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const osxsave, avx = 1 << 27, 1 << 28
	if ecx1&osxsave == 0 || ecx1&avx == 0 {
		return simdNone
	}
	xcr0, _ := xgetbv0()
	if xcr0&6 != 6 { // XMM and YMM state
		return simdNone
	}
	_, ebx7, _, _ := cpuid(7, 0)
	const avx2, avx512f, avx512bw = 1 << 5, 1 << 16, 1 << 30
	if ebx7&avx2 == 0 {
		return simdNone
	}
	if ebx7&avx512f != 0 && ebx7&avx512bw != 0 && xcr0&0xe0 == 0xe0 { // opmask, ZMM0-15 upper halves, ZMM16-31
		return simdAVX512
	}
	return simdAVX2
}

// classifyAVX2 and classifyAVX512 are classifyBlocks for blocks 64-byte
// blocks at src; classify4AVX2 and classify4AVX512 are classifyAll
// (classify_amd64.s).
//
//go:noescape
func classifyAVX2(src *byte, blocks int, quotes, slashes *byte) (anySlash uint64)

//go:noescape
func classifyAVX512(src *byte, blocks int, quotes, slashes *byte) (anySlash uint64)

//go:noescape
func classify4AVX2(src *byte, blocks int, quotes, slashes, opens, closes *byte) (anySlash uint64)

//go:noescape
func classify4AVX512(src *byte, blocks int, quotes, slashes, opens, closes *byte) (anySlash uint64)

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
	switch simd {
	case simdAVX512:
		_, _ = quotes[8*n-1], slashes[8*n-1]
		return classifyAVX512(&src[0], n, &quotes[0], &slashes[0])
	case simdAVX2:
		_, _ = quotes[8*n-1], slashes[8*n-1]
		return classifyAVX2(&src[0], n, &quotes[0], &slashes[0])
	}
	return classifyGeneric(src, quotes, slashes)
}

// classifyAll is classifyBlocks that also writes the maps of '{' or '['
// and of '}' or ']' to opens and closes, in the same pass over src.
func classifyAll(src, quotes, slashes, opens, closes []byte) uint64 {
	n := len(src) / 64
	if n == 0 {
		return 0
	}
	switch simd {
	case simdAVX512:
		_, _, _, _ = quotes[8*n-1], slashes[8*n-1], opens[8*n-1], closes[8*n-1]
		return classify4AVX512(&src[0], n, &quotes[0], &slashes[0], &opens[0], &closes[0])
	case simdAVX2:
		_, _, _, _ = quotes[8*n-1], slashes[8*n-1], opens[8*n-1], closes[8*n-1]
		return classify4AVX2(&src[0], n, &quotes[0], &slashes[0], &opens[0], &closes[0])
	}
	return classifyAllGeneric(src, quotes, slashes, opens, closes)
}

// useSIMD switches to the classifier of level l, or the best the machine
// has when it has not l, until restore is called. It exists so that the
// tests can run every classifier the machine has; no decoding may run
// concurrently with it.
func useSIMD(l simdLevel) (restore func()) {
	old := simd
	simd = min(l, simdBest)
	return func() { simd = old }
}

// UseAVX2 switches the SIMD classifiers off (or back on, where the CPU has
// them) until restore is called. It exists so that the tests can run the
// portable classifier on machines that would never take it; nothing else
// calls it, and no decoding may run concurrently with it.
func UseAVX2(on bool) (restore func()) {
	if on {
		return useSIMD(simdAVX512)
	}
	return useSIMD(simdNone)
}

// HasAVX2 reports whether a SIMD classifier (AVX2 or AVX-512) is in use.
func HasAVX2() bool { return simd != simdNone }

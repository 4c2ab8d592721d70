package ctjson

import "testing"

// Every test runs the best classifier of the machine. Run the decoder's
// differential tests with each narrower one too (AVX2 and the portable
// one on an AVX-512 machine), so that every path is tested on the
// machines that have it.
func TestDecoderNarrowerSIMD(t *testing.T) {
	names := map[simdLevel]string{simdNone: "portable", simdAVX2: "AVX2"}
	for l := simdNone; l < simdBest; l++ {
		t.Run(names[l], func(t *testing.T) {
			defer useSIMD(l)()
			t.Run("FastMatchesSonic", TestFastMatchesSonic)
			t.Run("DecoderPathsAgree", TestDecoderPathsAgree)
			t.Run("DropMatchesFull", TestDropMatchesFull)
			t.Run("Classify", TestClassify)
		})
	}
}

package ctjson

import "testing"

// On a machine without AVX2 the portable classifier does the work. Run the
// decoder's differential tests that way too, so both paths are tested on
// every amd64 machine that runs the suite.
func TestDecoderWithoutAVX2(t *testing.T) {
	if !hasAVX2 {
		t.Skip("no AVX2 here: every test already runs the portable path")
	}
	defer UseAVX2(false)()
	t.Run("FastMatchesSonic", TestFastMatchesSonic)
	t.Run("DecoderPathsAgree", TestDecoderPathsAgree)
	t.Run("Classify", TestClassify)
}

package extract

import (
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/extract/ctjson"
)

// On a machine without AVX2 the portable classifier does the work. Run the
// worker's differential and golden tests that way too, so both paths are
// tested on every amd64 machine that runs the suite.
func TestDecoderWithoutAVX2(t *testing.T) {
	if !ctjson.HasAVX2() {
		t.Skip("no AVX2 here: every test already runs the portable path")
	}
	defer ctjson.UseAVX2(false)()
	if ctjson.HasAVX2() {
		t.Fatal("UseAVX2(false) left AVX2 on")
	}
	t.Run("FastObjectsMatchSlow", TestFastObjectsMatchSlow)
	t.Run("GoldenSample", TestGoldenSample)
}

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/trailgen"
)

// TestFloor checks that the floor decompresses every log object and
// nothing else: the JSON bytes the generator wrote, digest left out.
func TestFloor(t *testing.T) {
	dir := t.TempDir()
	st, err := trailgen.Write(t.Context(), dir, trailgen.BenchConfig(3000))
	if err != nil {
		t.Fatal(err)
	}
	if st.Digests == 0 {
		t.Fatal("the trail has no digest: the test would not show that digests are left out")
	}
	for _, own := range []bool{false, true} {
		for _, jobs := range []int{1, 3} {
			n, err := floor(dir, jobs, own)
			if err != nil {
				t.Fatalf("floor(jobs=%d, own inflater %v): %v", jobs, own, err)
			}
			if n != st.JSONBytes {
				t.Errorf("floor(jobs=%d, own inflater %v) read %d bytes of JSON, the generator wrote %d", jobs, own, n, st.JSONBytes)
			}
		}
	}
	// Not a gzip object: the floor must fail on it rather than skip it.
	bad := filepath.Join(dir, "AWSLogs", "junk.json.gz")
	if err := os.WriteFile(bad, []byte("not gzip"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, own := range []bool{false, true} {
		if _, err := floor(dir, 2, own); err == nil {
			t.Errorf("floor (own inflater %v) accepted an object that is not gzip", own)
		}
	}
}

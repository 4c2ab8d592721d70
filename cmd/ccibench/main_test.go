package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// TestUsage runs ccibench's main in a child process: a bad -inflater, or
// -floor with a command, is a usage error (exit 2), not a measurement.
func TestUsage(t *testing.T) {
	if args := os.Getenv("CCIBENCH_TEST_ARGS"); args != "" {
		os.Args = append([]string{"ccibench"}, strings.Fields(args)...)
		main()
		return
	}
	dir := t.TempDir()
	for _, args := range []string{
		"-o " + filepath.Join(dir, "r") + " -floor " + dir + " -inflater zlib",
		"-o " + filepath.Join(dir, "r") + " -floor " + dir + " -- true",
	} {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestUsage$")
		cmd.Env = append(os.Environ(), "CCIBENCH_TEST_ARGS="+args)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), "usage: ccibench") {
			t.Errorf("ccibench %s: %v, %q; want exit 2 with the usage", args, err, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "r")); err == nil {
		t.Error("a usage error wrote a result file")
	}
}

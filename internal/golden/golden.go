// Package golden compares what a test produced with a golden file beside
// the test's package, and rewrites the file when the package's tests run
// with -update. Each package with golden tests defines that flag and
// passes its value; `make golden` runs -update on exactly those packages.
package golden

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/diff"
)

// Check compares got with the file at path and reports a difference as a
// unified diff. With update it writes got to path instead.
func Check(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the package's tests with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (check, then run the package's tests with -update to accept):\n%s", path, diff.Diff("want", want, "got", got))
	}
}

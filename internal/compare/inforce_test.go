package compare

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// TestAuthorizationDetailsBadInput: a broken --authorization-details file
// is a usage error naming the file.
func TestAuthorizationDetailsBadInput(t *testing.T) {
	dir := t.TempDir()
	truncated := filepath.Join(dir, "truncated.json")
	if err := os.WriteFile(truncated, []byte(`{"RoleDetailList": [{"RoleName": "x"`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, file, want string }{
		{"truncated", truncated, "truncated.json"},
		{"missing", filepath.Join(dir, "nope.json"), "nope.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{EventsPath: "testdata/causes/events.json", CredentialsRequestsPath: credreqs, ClusterName: "lab",
				Output: t.TempDir(), AuthorizationDetails: []string{tc.file}}
			err := Run(context.Background(), opts, io.Discard, io.Discard)
			if exit.Code(err) != exit.Usage || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v (exit %d), want a usage error naming %s", err, exit.Code(err), tc.want)
			}
		})
	}
}

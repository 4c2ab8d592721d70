package generate_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/compare"
	"github.com/cloud-credentials-insights/cci/internal/extract"
)

const (
	trails   = "../../testdata/trails"
	credreqs = "../../testdata/credreqs"
)

// compareOpts are the README's flags for the sample trail's mint-mode
// cluster.
func compareOpts(events, requests, out string) compare.Options {
	return compare.Options{
		EventsPath:              events,
		CredentialsRequestsPath: requests,
		Output:                  out,
		ClusterName:             "ci-op-abc",
		InstallerUserName:       "ci-op-abc-installer",
		InstallerRequestsFile:   "../../testdata/installer/aws-permissions-policy-creds.derived-minimal-mint.json",
		Format:                  compare.FormatJSON,
	}
}

// sampleRun extracts the sample trail and compares it as the README does,
// in-process; it returns the directory holding events.json and
// compiled_users.json.
func sampleRun(t *testing.T) string {
	t.Helper()
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := extract.Run(context.Background(), extract.Options{EventsPaths: []string{trails}, Output: out, Quiet: true}, &stdout, &stderr); err != nil {
		t.Fatalf("extract: %v\n%s", err, stderr.String())
	}
	if err := compare.Run(context.Background(), compareOpts(filepath.Join(out, "events.json"), credreqs, out), &stdout, &stderr); err != nil {
		t.Fatalf("compare: %v\n%s", err, stderr.String())
	}
	return out
}

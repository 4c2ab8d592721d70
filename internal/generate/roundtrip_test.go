package generate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/compare"
	"github.com/cloud-credentials-insights/cci/internal/generate"
)

func readReport(t *testing.T, dir string) *compiled {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, compare.CompiledUsersFile))
	if err != nil {
		t.Fatal(err)
	}
	var rep compiled
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	return &rep
}

// compiled is the part of compiled_users.json the round trip checks.
type compiled struct {
	Users map[string]json.RawMessage `json:"users"`
}

func (c *compiled) requestUsers(t *testing.T) map[string]compare.User {
	t.Helper()
	out := map[string]compare.User{}
	for name, raw := range c.Users {
		var u compare.User
		if json.Unmarshal(raw, &u) != nil || u.Target != "credentials-request" {
			continue
		}
		out[name] = u
	}
	return out
}

// TestRoundTrip generates CredentialsRequests from compare's output on the
// sample trail (generate --format credentials-request, with and without
// --collapse, and compare's own suggested/), compares again against them,
// and wants every identity matched again with 0 missing and 0 extra:
// what remains is unsupportedCheck.
func TestRoundTrip(t *testing.T) {
	dir := sampleRun(t)
	before := readReport(t, dir).requestUsers(t)
	if len(before) < 7 {
		t.Fatalf("first compare matched %d identities to requests, want the sample's 7", len(before))
	}
	missingBefore := 0
	for _, u := range before {
		missingBefore += len(u.Diff.Missing) + len(u.Diff.Extra)
	}
	if missingBefore == 0 {
		t.Fatal("the first compare found nothing missing or extra: the round trip would prove nothing")
	}
	gen := func(t *testing.T, collapse bool) string {
		out := t.TempDir()
		opts := generate.Options{EventsPath: dir, Compiled: filepath.Join(dir, compare.CompiledUsersFile),
			CredentialsRequestsPath: credreqs, Format: generate.FormatCredentialsRequest, Collapse: collapse, Output: out}
		var stdout, stderr bytes.Buffer
		if err := generate.Run(context.Background(), opts, &stdout, &stderr); err != nil {
			t.Fatalf("generate: %v\n%s", err, stderr.String())
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		requests func(t *testing.T) string
	}{
		{"generate", func(t *testing.T) string { return gen(t, false) }},
		{"generate-collapse", func(t *testing.T) string { return gen(t, true) }},
		{"compare-suggested", func(t *testing.T) string { return filepath.Join(dir, generate.SuggestedDir) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requests := tc.requests(t)
			out := t.TempDir()
			var stdout, stderr bytes.Buffer
			if err := compare.Run(context.Background(), compareOpts(filepath.Join(dir, "events.json"), requests, out), &stdout, &stderr); err != nil {
				t.Fatalf("second compare: %v\n%s", err, stderr.String())
			}
			after := readReport(t, out).requestUsers(t)
			for name, u0 := range before {
				u, ok := after[name]
				if !ok {
					t.Errorf("%s: matched %s before, nothing after", name, u0.CredRequestRef)
					continue
				}
				if len(u.Diff.Missing) > 0 || len(u.Diff.Extra) > 0 {
					t.Errorf("%s: missing %v, extra %v; want none", name, u.Diff.Missing, u.Diff.Extra)
				}
				for _, p := range u.Diff.UnsupportedCheck {
					if u.Diff.Reasons[p] == "" {
						t.Errorf("%s: unsupportedCheck %s without a reason", name, p)
					}
				}
			}
		})
	}
}

// TestDeterministic runs generate twice on the sample trail, in both
// formats, and wants the same bytes.
func TestDeterministic(t *testing.T) {
	dir := sampleRun(t)
	for _, format := range []string{generate.FormatIAMPolicy, generate.FormatCredentialsRequest} {
		var outs [2]string
		for i := range outs {
			var stdout, stderr bytes.Buffer
			opts := generate.Options{EventsPath: dir, Compiled: filepath.Join(dir, compare.CompiledUsersFile), Format: format, Collapse: true}
			if err := generate.Run(context.Background(), opts, &stdout, &stderr); err != nil {
				t.Fatal(err)
			}
			outs[i] = stdout.String()
		}
		if outs[0] != outs[1] || len(outs[0]) < 1000 {
			t.Errorf("%s: two runs differ (or wrote %d bytes)", format, len(outs[0]))
		}
	}
}

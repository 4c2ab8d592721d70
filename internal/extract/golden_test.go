package extract

import (
	"bytes"
	"encoding/json"
	"flag"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/golden"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/policy"
)

var update = flag.Bool("update", false, "rewrite golden files")

// trails is the project's sample trail directory, relative to this package.
const trails = "../../testdata/trails"

// TestGoldenSample runs extract over testdata/trails and compares every
// output file with testdata/golden/sample. Regenerate with
// `go test ./internal/extract -run Golden -update` and review the diff.
func TestGoldenSample(t *testing.T) {
	if _, err := os.Stat(trails); err != nil {
		t.Fatalf("sample trail missing: %v", err)
	}
	res := runOpts(t, Options{EventsPaths: []string{trails}, Jobs: 4}, filepath.Join(t.TempDir(), "out"))
	if res.err != nil {
		t.Fatalf("Run: %v\n%s", res.err, res.stderr)
	}
	dir := filepath.Join("testdata", "golden", "sample")
	for _, name := range []string{events.EventsFile, events.FileStatusFile, events.SummaryFile} {
		golden.Check(t, filepath.Join(dir, name), res.raw[name], *update)
	}
}

// TestSampleActionsAreCanonical checks the acceptance rule of the mapping:
// every action extract emits for the sample is an IAM action as AWS spells
// it (calls that need no permission and have no action are the only
// exception, and are marked permissionless), and the calls that used to be
// mis-named come out right.
func TestSampleActionsAreCanonical(t *testing.T) {
	res := runOpts(t, Options{EventsPaths: []string{trails}, Jobs: 2, IncludeServicePrincipals: true}, filepath.Join(t.TempDir(), "out"))
	if res.err != nil {
		t.Fatal(res.err)
	}
	seen := map[string]bool{}
	for name, id := range res.events {
		for action, a := range id.Events {
			seen[action] = true
			canon, ok := policy.Canonical(action)
			if a.Unmapped {
				t.Errorf("%s: %s is unmapped (events %v)", name, action, a.EventNames)
				continue
			}
			if a.Permissionless && !ok {
				// Console sign-in events are recorded calls that need no
				// permission and have no IAM action (signin:ConsoleLogin).
				continue
			}
			if !ok || canon != action {
				t.Errorf("%s: %q is not a canonical IAM action (canonical %q)", name, action, canon)
			}
		}
	}
	for _, want := range []string{"tag:GetResources", "s3:PutEncryptionConfiguration", "s3:GetObject", "lambda:CreateFunction", "cloudwatch:GetMetricData", "s3:PutLifecycleConfiguration", "kms:ReEncryptFrom"} {
		if !seen[want] {
			t.Errorf("the sample produced no %s", want)
		}
	}
	for action := range seen {
		if strings.HasPrefix(action, "tagging:") || strings.HasPrefix(action, "monitoring:") || action == "s3:HeadObject" || action == "s3:PutBucketEncryption" || strings.HasSuffix(action, "20150331") {
			t.Errorf("raw event name %q leaked into actions", action)
		}
	}
}

// TestSampleDeterministicAcrossJobs: the sample gives byte-identical output
// with one worker and with eight.
func TestSampleDeterministicAcrossJobs(t *testing.T) {
	one := runOpts(t, Options{EventsPaths: []string{trails}, Jobs: 1}, filepath.Join(t.TempDir(), "out"))
	eight := runOpts(t, Options{EventsPaths: []string{trails}, Jobs: 8}, filepath.Join(t.TempDir(), "out"))
	for _, name := range []string{events.EventsFile, events.FileStatusFile, events.SummaryFile} {
		if len(one.raw[name]) == 0 || !bytes.Equal(one.raw[name], eight.raw[name]) {
			t.Errorf("%s differs between --jobs 1 and --jobs 8", name)
		}
	}
}

// TestSampleFilteredDeterministicAcrossJobs: with a principal filter (the
// decoder drops records early) the sample gives byte-identical output with
// one worker and with eight, and the same identities as the unfiltered run.
func TestSampleFilteredDeterministicAcrossJobs(t *testing.T) {
	all := runOpts(t, Options{EventsPaths: []string{trails}, Jobs: 2}, filepath.Join(t.TempDir(), "out"))
	names := slices.Sorted(maps.Keys(all.events))
	prefixes := []string{names[0], names[len(names)/2]}
	opts := Options{EventsPaths: []string{trails}, PrincipalNames: prefixes}
	opts.Jobs = 1
	one := runOpts(t, opts, filepath.Join(t.TempDir(), "out"))
	opts.Jobs = 8
	eight := runOpts(t, opts, filepath.Join(t.TempDir(), "out"))
	for _, name := range []string{events.EventsFile, events.FileStatusFile, events.SummaryFile} {
		if len(one.raw[name]) == 0 || !bytes.Equal(one.raw[name], eight.raw[name]) {
			t.Errorf("%s differs between --jobs 1 and --jobs 8", name)
		}
	}
	if len(one.events) != len(prefixes) {
		t.Fatalf("filtered run kept %d identities, want %d", len(one.events), len(prefixes))
	}
	for name, id := range one.events {
		a, _ := json.Marshal(id)
		b, _ := json.Marshal(all.events[name])
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from the unfiltered run:\n%s\n%s", name, a, b)
		}
	}
}

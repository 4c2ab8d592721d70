package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/extract/source"
)

// A run stopped by a signal before it read anything still writes its three
// files, says so in summary.json, and returns the signal's error.
func TestInterruptWritesPartial(t *testing.T) {
	in := writeFiles(t, map[string][]byte{"a.json": records(t, rec(nil))})
	out := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(exit.Signal(syscall.SIGTERM))
	var stderr bytes.Buffer
	err := Run(ctx, Options{EventsPaths: []string{in}, Output: out, Jobs: 1}, io.Discard, &stderr)
	if exit.Code(err) != exit.Terminated || err.Error() != "interrupted by SIGTERM" {
		t.Fatalf("Run = %v (code %d), want interrupted by SIGTERM (143)", err, exit.Code(err))
	}
	if !strings.Contains(stderr.String(), "cci: warning: interrupted by SIGTERM: wrote the ") {
		t.Errorf("stderr = %q", stderr.String())
	}
	var sum events.Summary
	readJSON(t, filepath.Join(out, events.SummaryFile), &sum)
	if !sum.Interrupted {
		t.Errorf("summary.json has no \"interrupted\": true: %+v", sum)
	}
	for _, name := range []string{events.EventsFile, events.FileStatusFile} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("%s not written: %v", name, err)
		}
	}
}

// cancellingSource serves "mem://a.json" and then "mem://b.json", whose
// opening stops the run as a signal would: a is finished, b in flight.
type cancellingSource struct {
	memSource
	cancel context.CancelCauseFunc
}

func (s *cancellingSource) List(ctx context.Context, _ source.ListOptions, fn func(source.Object) error) error {
	for _, name := range []string{"mem://a.json", "mem://b.json"} {
		if err := fn(source.Object{Name: name, Size: -1}); err != nil {
			return err
		}
	}
	return nil
}

func (s *cancellingSource) Open(ctx context.Context, obj source.Object) (io.ReadCloser, error) {
	if obj.Name == "mem://b.json" {
		s.cancel(exit.Signal(syscall.SIGINT))
		return nil, context.Cause(ctx)
	}
	return s.memSource.Open(ctx, obj)
}

func TestInterruptKeepsFinishedObjects(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	src := &cancellingSource{memSource: memSource{objects: map[string][]byte{"mem://a.json": records(t, rec(nil))}}, cancel: cancel}
	r := newRunner(Options{Jobs: 1, MaxRecordBytes: DefaultMaxRecordBytes, Output: t.TempDir()}, []source.Source{src})
	if err := r.pass(ctx); err == nil {
		t.Fatal("pass after a signal returned no error")
	}
	sum, err := r.write(true)
	if err != nil {
		t.Fatal(err)
	}
	if sum.ObjectsByResult[events.ResultSuccess] != 1 || sum.ObjectsByResult[events.ResultInterrupted] != 1 || sum.RecordsProcessed != 1 || !sum.Interrupted {
		t.Errorf("summary = %+v, want a success, an interrupted, 1 record kept", sum)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// The output directory is checked before anything is listed.
func TestOutputNotWritable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes anywhere")
	}
	in := writeFiles(t, map[string][]byte{"a.json": records(t, rec(nil))})
	ro := t.TempDir()
	if err := os.Chmod(ro, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(ro, 0o700)
	err := Run(context.Background(), Options{EventsPaths: []string{in}, Output: ro, Jobs: 1}, io.Discard, io.Discard)
	if exit.Code(err) != exit.Runtime || !strings.Contains(err.Error(), ro) || !strings.Contains(err.Error(), "not writable") {
		t.Errorf("Run into a read-only directory = %v", err)
	}
}

// Every run that keeps nothing says why on stderr, and --fail-on empty
// turns it into exit 3.
func TestNothingAnalysed(t *testing.T) {
	ct := records(t, rec(map[string]any{"userIdentity": iamUser("ci-op-abc-installer")}), rec(map[string]any{"userIdentity": iamUser("ci-op-abd-machine-api")}))
	for _, tc := range []struct {
		name  string
		files map[string][]byte
		opts  Options
		want  string
	}{
		{"empty directory", map[string][]byte{}, Options{}, "nothing analysed: no object found in "},
		{"no CloudTrail", map[string][]byte{"README": []byte("hello"), "package.json": []byte(`{"name":"x"}`)}, Options{},
			"holds a CloudTrail record (1 not CloudTrail: no records, 1 not CloudTrail: not JSON)"},
		{"principal", map[string][]byte{"a.json": ct}, Options{PrincipalPrefixes: []string{"ci-op-abz"}},
			"2 records read, none kept: no record matched --principal-prefix ci-op-abz; identities seen: ci-op-abc-installer, ci-op-abd-machine-api"},
		{"window", map[string][]byte{"a.json": ct}, Options{Since: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)},
			"2 records outside --since 2030-01-01T00:00:00Z (records seen from "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := writeFiles(t, tc.files)
			if err := os.MkdirAll(in, 0o755); err != nil {
				t.Fatal(err)
			}
			opts := tc.opts
			opts.EventsPaths, opts.Jobs = []string{in}, 2
			res := runOpts(t, opts, filepath.Join(t.TempDir(), "out"))
			if res.err != nil {
				t.Fatalf("Run = %v", res.err)
			}
			if !strings.Contains(res.stderr, "cci: warning: ") || !strings.Contains(res.stderr, tc.want) {
				t.Errorf("stderr = %q, want a warning with %q", res.stderr, tc.want)
			}
			opts.FailOn = []string{FailEmpty}
			res = runOpts(t, opts, filepath.Join(t.TempDir(), "out"))
			if exit.Code(res.err) != exit.Findings {
				t.Errorf("--fail-on empty: Run = %v, want exit 3", res.err)
			}
		})
	}
	// A run that keeps something neither warns nor fails.
	in := writeFiles(t, map[string][]byte{"a.json": ct})
	res := runOpts(t, Options{EventsPaths: []string{in}, Jobs: 1, FailOn: []string{FailAll}}, filepath.Join(t.TempDir(), "out"))
	if res.err != nil || strings.Contains(res.stderr, "nothing analysed") {
		t.Errorf("Run = %v, stderr %q", res.err, res.stderr)
	}
}

func TestClosestNames(t *testing.T) {
	seen := map[string]struct{}{"zeta": {}, "ci-op-abc-installer": {}, "ci-op-xyz-aws": {}, "other": {}}
	got := closestNames(seen, []string{"ci-op-abd"}, 2)
	want := []string{"ci-op-abc-installer", "ci-op-xyz-aws", "..."}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("closestNames = %v, want %v", got, want)
	}
}

// The same records given twice (two overlapping sources, or one source
// holding a lookup-events copy and JSON Lines of them) count once.
func TestDedupe(t *testing.T) {
	r1 := rec(map[string]any{"eventID": "e-1"})
	r2 := rec(map[string]any{"eventID": "e-2", "eventName": "DescribeRegions"})
	a := writeFiles(t, map[string][]byte{"a.json": records(t, r1, r2)})
	b := writeFiles(t, map[string][]byte{"sub/b.jsonl": lines(t, r1, r2)})
	one := runOpts(t, Options{EventsPaths: []string{a}, Jobs: 2}, filepath.Join(t.TempDir(), "out"))
	two := runOpts(t, Options{EventsPaths: []string{a, b}, Jobs: 2}, filepath.Join(t.TempDir(), "out"))
	if one.err != nil || two.err != nil {
		t.Fatal(one.err, two.err)
	}
	if got := two.action(t, "alice", "ec2:DescribeInstances").Count; got != 1 {
		t.Errorf("two sources: count = %d, want 1", got)
	}
	if two.summary.DuplicateRecords != 2 || !bytes.Equal(one.raw[events.EventsFile], two.raw[events.EventsFile]) {
		t.Errorf("two sources: %d duplicates, events.json same as one source: %v", two.summary.DuplicateRecords,
			bytes.Equal(one.raw[events.EventsFile], two.raw[events.EventsFile]))
	}
	// One source with both copies: only --dedupe drops them.
	both := writeFiles(t, map[string][]byte{"a.json": records(t, r1, r2), "b.jsonl": lines(t, r1, r2)})
	plain := runOpts(t, Options{EventsPaths: []string{both}, Jobs: 2}, filepath.Join(t.TempDir(), "out"))
	deduped := runOpts(t, Options{EventsPaths: []string{both}, Jobs: 2, Dedupe: true}, filepath.Join(t.TempDir(), "out"))
	if got := plain.action(t, "alice", "ec2:DescribeInstances").Count; got != 2 {
		t.Errorf("one source without --dedupe: count = %d, want 2", got)
	}
	if got := deduped.action(t, "alice", "ec2:DescribeInstances").Count; got != 1 {
		t.Errorf("--dedupe: count = %d, want 1", got)
	}
}

// An object named like CloudTrail that is neither gzip nor JSON is an
// error; a README stays skipped.
func TestCorruptDelivery(t *testing.T) {
	res := runFiles(t, map[string][]byte{
		"AWSLogs/123456789012/CloudTrail/us-east-1/2024/09/20/123456789012_CloudTrail_us-east-1_20240920T0245Z_abc.json.gz": []byte("\x00\x01garbage"),
		"README":  []byte("# notes"),
		"ok.json": records(t, rec(nil)),
	}, Options{Jobs: 1})
	if exit.Code(res.err) != exit.Partial {
		t.Errorf("Run = %v, want exit 4", res.err)
	}
	if st := res.status(t, "_abc.json.gz"); st.Result != events.ResultError {
		t.Errorf("corrupt delivery: %+v", st)
	}
	if st := res.status(t, "README"); st.Result != events.ResultSkipped {
		t.Errorf("README: %+v", st)
	}
}

// The output directory inside the input tree is never read: two runs give
// the same files, whether the output is a subdirectory or the tree itself.
func TestOutputInsideInput(t *testing.T) {
	for _, sub := range []string{"cci", ""} {
		t.Run("output="+sub, func(t *testing.T) {
			in := writeFiles(t, map[string][]byte{"a.json": records(t, rec(nil))})
			out := filepath.Join(in, sub)
			first := runOpts(t, Options{EventsPaths: []string{in}, Jobs: 1}, out)
			second := runOpts(t, Options{EventsPaths: []string{in}, Jobs: 1}, out)
			if first.err != nil || second.err != nil {
				t.Fatal(first.err, second.err)
			}
			sameOutputs(t, "second run", second.raw, first.raw)
			if first.summary.Objects != 1 {
				t.Errorf("objects = %d, want 1", first.summary.Objects)
			}
		})
	}
}

// Symlinked directories are followed; a loop is one skipped entry.
func TestSymlinks(t *testing.T) {
	base := t.TempDir()
	in := filepath.Join(base, "in")
	other := writeFiles(t, map[string][]byte{"b.json": records(t, rec(map[string]any{"userIdentity": iamUser("bob")}))})
	for _, d := range []string{in} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(in, "a.json"), records(t, rec(nil)), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"linked": other, "loop": in, "loop2": ".."} {
		if err := os.Symlink(target, filepath.Join(in, link)); err != nil {
			t.Skip("no symlinks:", err)
		}
	}
	res := runOpts(t, Options{EventsPaths: []string{in}, Jobs: 1}, filepath.Join(base, "out"))
	if res.err != nil {
		t.Fatal(res.err)
	}
	res.action(t, "bob", "ec2:DescribeInstances")
	res.action(t, "alice", "ec2:DescribeInstances")
	for _, l := range []string{"loop", "loop2"} {
		if st := res.status(t, "/"+l); st.Result != events.ResultSkipped || !strings.HasPrefix(st.Error, "symlink loop") {
			t.Errorf("%s: %+v", l, st)
		}
	}
	if res.summary.Objects != 4 {
		t.Errorf("objects = %d, want 4 (a, linked/b, loop, loop2)", res.summary.Objects)
	}
}

func TestValidateRanges(t *testing.T) {
	base := Options{EventsPaths: []string{"in"}, Output: "out"}
	for _, tc := range []struct {
		name string
		edit func(*Options)
		want string // "" means valid
	}{
		{"defaults", func(*Options) {}, ""},
		{"delivery slack 0 is valid", func(o *Options) { o.DeliverySlack = 0 }, ""},
		{"negative slack", func(o *Options) { o.DeliverySlack = -time.Second }, "--delivery-slack -1s: want 0s or more"},
		{"negative wait timeout", func(o *Options) { o.WaitTimeout = -time.Minute }, "--wait-timeout -1m0s: want 0s or more"},
		{"negative concurrency", func(o *Options) { o.S3Concurrency = -1 }, "--s3-concurrency -1: want 1 or more"},
		{"negative jobs", func(o *Options) { o.Jobs = -2 }, "--jobs -2: want 0 (one per CPU) or more"},
		{"quiet and progress", func(o *Options) { o.Quiet, o.Progress = true, true }, "--quiet and --progress conflict"},
		{"fail-on empty", func(o *Options) { o.FailOn = []string{"empty"} }, ""},
		{"fail-on all", func(o *Options) { o.FailOn = []string{"all"} }, ""},
		{"fail-on unknown", func(o *Options) { o.FailOn = []string{"missing"} }, `--fail-on "missing": want a comma list of empty, or all`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := base
			tc.edit(&o)
			err := o.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate = %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || exit.Code(err) != exit.Usage):
				t.Errorf("Validate = %v, want a usage error with %q", err, tc.want)
			}
			if tc.want == "" && tc.name == "delivery slack 0 is valid" && o.DeliverySlack != 0 {
				t.Errorf("DeliverySlack 0 became %s", o.DeliverySlack)
			}
		})
	}
}

package extract

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/extract/source"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// rec builds one CloudTrail record as JSON. Fields in extra override the
// defaults; a nil value deletes the field.
func rec(extra map[string]any) map[string]any {
	r := map[string]any{
		"eventVersion": "1.09",
		"userIdentity": map[string]any{
			"type":        "IAMUser",
			"principalId": "AIDAEXAMPLE",
			"arn":         "arn:aws:iam::123456789012:user/alice",
			"accountId":   "123456789012",
			"userName":    "alice",
		},
		"eventTime":          "2024-09-20T02:45:12Z",
		"eventSource":        "ec2.amazonaws.com",
		"eventName":          "DescribeInstances",
		"awsRegion":          "us-east-1",
		"sourceIPAddress":    "198.51.100.7",
		"userAgent":          "aws-sdk-go/1.0",
		"requestParameters":  map[string]any{"instancesSet": map[string]any{}},
		"responseElements":   nil,
		"eventType":          "AwsApiCall",
		"recipientAccountId": "123456789012",
		"eventCategory":      "Management",
	}
	for k, v := range extra {
		if v == nil {
			delete(r, k)
			continue
		}
		r[k] = v
	}
	return r
}

func iamUser(name string) map[string]any {
	return map[string]any{"type": "IAMUser", "principalId": "AIDA" + name, "arn": "arn:aws:iam::123456789012:user/" + name, "accountId": "123456789012", "userName": name}
}

func assumedRole(role, session string) map[string]any {
	return map[string]any{
		"type": "AssumedRole", "principalId": "AROA:" + session,
		"arn":       "arn:aws:sts::123456789012:assumed-role/" + role + "/" + session,
		"accountId": "123456789012",
		"sessionContext": map[string]any{"sessionIssuer": map[string]any{
			"type": "Role", "principalId": "AROA", "arn": "arn:aws:iam::123456789012:role/" + role, "accountId": "123456789012", "userName": role,
		}},
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func records(t testing.TB, rs ...map[string]any) []byte {
	t.Helper()
	return mustJSON(t, map[string]any{"Records": rs})
}

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type result struct {
	events   map[string]*events.Identity
	statuses []events.FileStatus
	summary  *events.Summary
	raw      map[string][]byte // file name -> bytes as written
	stderr   string
	err      error
}

// runFiles writes files into a temporary directory and runs extract on it.
func runFiles(t *testing.T, files map[string][]byte, opts Options) result {
	t.Helper()
	in := writeFiles(t, files)
	if len(opts.EventsPaths) == 0 {
		opts.EventsPaths = []string{in}
	}
	return runOpts(t, opts, filepath.Join(t.TempDir(), "out"))
}

// writeFiles writes files under a new temporary directory and returns it.
func writeFiles(t *testing.T, files map[string][]byte) string {
	t.Helper()
	in := filepath.Join(t.TempDir(), "in")
	for name, b := range files {
		p := filepath.Join(in, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return in
}

func runOpts(t *testing.T, opts Options, out string) result {
	t.Helper()
	opts.Output = out
	var stdout, stderr bytes.Buffer
	err := Run(context.Background(), opts, &stdout, &stderr)
	res := result{stderr: stderr.String(), err: err, raw: map[string][]byte{}}
	if stdout.Len() > 0 {
		t.Errorf("extract wrote to stdout: %q", stdout.String())
	}
	for name, v := range map[string]any{events.EventsFile: &res.events, events.FileStatusFile: &res.statuses, events.SummaryFile: &res.summary} {
		b, rerr := os.ReadFile(filepath.Join(out, name))
		if rerr != nil {
			if err == nil {
				t.Fatalf("reading %s: %v", name, rerr)
			}
			continue
		}
		res.raw[name] = b
		if jerr := json.Unmarshal(b, v); jerr != nil {
			t.Fatalf("%s is not valid JSON: %v", name, jerr)
		}
	}
	return res
}

// status returns the status of the object whose name ends with suffix.
func (r result) status(t *testing.T, suffix string) events.FileStatus {
	t.Helper()
	for _, st := range r.statuses {
		if len(st.File) >= len(suffix) && st.File[len(st.File)-len(suffix):] == suffix {
			return st
		}
	}
	t.Fatalf("no file_status entry for %s in %+v", suffix, r.statuses)
	return events.FileStatus{}
}

func (r result) action(t *testing.T, identity, action string) *events.Action {
	t.Helper()
	id, ok := r.events[identity]
	if !ok {
		t.Fatalf("identity %q not in events.json (have %v)", identity, keys(r.events))
	}
	a, ok := id.Events[action]
	if !ok {
		t.Fatalf("identity %q has no action %q (have %v)", identity, action, keys(id.Events))
	}
	return a
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func lines(t testing.TB, rs ...map[string]any) []byte {
	var b bytes.Buffer
	for _, r := range rs {
		b.Write(mustJSON(t, r))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

var _ = fmt.Sprintf

type readCloser = io.ReadCloser

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// memSource serves objects from memory; tests and benchmarks use it.
type memSource struct {
	objects map[string][]byte
}

// List lists in name order, as the real sources list in an order of
// their own that is the same from run to run.
func (s *memSource) List(_ context.Context, opts source.ListOptions, fn func(source.Object) error) error {
	for _, name := range slices.Sorted(maps.Keys(s.objects)) {
		if !source.InWindow(name, opts) {
			continue
		}
		if err := fn(source.Object{Name: name, Size: int64(len(s.objects[name]))}); err != nil {
			return err
		}
	}
	return nil
}

func (s *memSource) Open(_ context.Context, obj source.Object) (io.ReadCloser, error) {
	b, ok := s.objects[obj.Name]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

// sameOutputs reports every output file that differs between two runs, or
// that only one of them wrote.
func sameOutputs(t *testing.T, label string, got, want map[string][]byte) {
	t.Helper()
	for name, b := range got {
		if w, ok := want[name]; !ok || !bytes.Equal(b, w) {
			t.Errorf("%s: %s differs", label, name)
		}
	}
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("%s: %s missing", label, name)
		}
	}
}

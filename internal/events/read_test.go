package events

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadIdentitiesNamesOtherFiles(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"events", `{"a": {"provider": "AWS", "name": "a", "events": {"ec2:DescribeInstances": {"count": 1}}}, "b": null}`, ""},
		{"empty", `{}`, ""},
		{"file_status", `[{"file": "x.json.gz", "cloud_provider": "AWS", "result": "success", "stat": {"total": 1}}]`, "this is a file_status.json written by cci extract"},
		{"summary", `{"objects": 1, "objectsByResult": {}, "records": 3, "dataEventSources": []}`, "this is a summary.json written by cci extract"},
		{"compiled_users", `{"cluster": {"source": "flags"}, "problems": [], "summary": {}, "requestsWithoutIdentity": [], "users": {}}`, "this is a compiled_users.json written by cci compare"},
		{"diff", `{"a-x7k2p-ingress-abcde": {"missing": [], "extra": ["x:Y"], "unsupportedCheck": []}}`, "this is a compiled_users.diff.json written by cci compare"},
		{"credentials_requests", `{"00.yaml": {"kind": "CredentialsRequest", "spec": {}}}`, "this is a credentials_requests.json"},
		{"cloudtrail", `{"Records": []}`, "this is a CloudTrail log file"},
		{"no events key", `{"a": {"name": "a"}}`, `an entry has no "events" object`},
		{"not json", `nope`, "not an events.json: invalid character"},
		{"array of numbers", `[1, 2]`, "not an events.json: json: cannot unmarshal array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "in.json")
			if err := os.WriteFile(path, []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			ids, err := ReadIdentities(path)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(tt.data, `"a"`) && (ids["a"] == nil || ids["a"].Events["ec2:DescribeInstances"].Count != 1) {
					t.Errorf("%+v", ids)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("err = %v, want one naming %s with %q", err, path, tt.want)
			}
		})
	}
}

func TestEventsPath(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := EventsPath(dir); err == nil || !strings.Contains(err.Error(), "a directory without events.json") {
		t.Errorf("empty directory: %v", err)
	}
	ev := filepath.Join(dir, EventsFile)
	if err := os.WriteFile(ev, []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{dir, ev} {
		file, sumDir, err := EventsPath(in)
		if err != nil || file != ev || sumDir != dir {
			t.Errorf("EventsPath(%q) = %q, %q, %v; want %q, %q", in, file, sumDir, err, ev, dir)
		}
	}
}

// FuzzRecognise checks that Recognise and ReadIdentities never panic and
// that an input ReadIdentities accepts is never named as another kind.
func FuzzRecognise(f *testing.F) {
	for _, s := range []string{`{}`, `[{"file":"x","result":"success","stat":{}}]`, `{"a":{"missing":[],"extra":[]}}`,
		`{"objects":1,"records":2,"dataEventSources":[]}`, `{"a":{"events":{}}}`, `null`, `[`} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		kind := Recognise(data)
		path := filepath.Join(dir, "in.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadIdentities(path)
		if kind != "" && err == nil && !strings.Contains(kind, "manifest") && !strings.Contains(kind, "credentials_requests") {
			t.Fatalf("accepted as events.json, yet recognised as %s", kind)
		}
	})
}

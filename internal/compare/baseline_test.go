package compare

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

func TestParseIgnore(t *testing.T) {
	tests := []struct {
		name, in string
		want     []baselineEntry
		wantErr  string
	}{
		{name: "entries and comments", in: "# accepted\n\nopenshift-ingress route53:GetChange  # ticket 12\n" +
			"ci-op-abc-x7k2p-master-role ec2:* exp:2027-01-31\n00.yaml#2 *\n",
			want: []baselineEntry{
				{Subjects: []string{"openshift-ingress"}, Action: "route53:GetChange", Source: "f:3"},
				{Subjects: []string{"ci-op-abc-x7k2p-master-role"}, Action: "ec2:*", Source: "f:4", Expires: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)},
				{Subjects: []string{"00.yaml#2"}, Action: "*", Source: "f:5"},
			}},
		{name: "empty", in: "", want: nil},
		{name: "one field", in: "openshift-ingress\n", wantErr: "f:1: want IDENTITY-OR-REQUEST ACTION"},
		{name: "not an action", in: "a GetChange\n", wantErr: `f:1: "GetChange": want an IAM action`},
		{name: "bad date", in: "a s3:GetObject exp:31/01/2027\n", wantErr: "want a date like exp:2027-01-31"},
		{name: "two dates", in: "a s3:GetObject exp:2027-01-31 exp:2027-02-01\n", wantErr: "exp: given twice"},
		{name: "stray field", in: "a s3:GetObject because\n", wantErr: `"because": want only exp:YYYY-MM-DD`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseIgnore("f", []byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var plain []baselineEntry
			for _, e := range got {
				plain = append(plain, *e)
			}
			if !reflect.DeepEqual(plain, tt.want) {
				t.Errorf("got %+v\nwant %+v", plain, tt.want)
			}
		})
	}
}

// FuzzParseIgnore checks that the ignore-file parser never panics and that
// every entry it returns is usable: a subject, an action, a source line.
func FuzzParseIgnore(f *testing.F) {
	f.Add("# c\nopenshift-ingress route53:GetChange exp:2027-01-31\n")
	f.Add("a *\n\n  b s3:* # x\n")
	f.Add("a s3:X exp:2027-13-40\n")
	f.Fuzz(func(t *testing.T, in string) {
		entries, err := parseIgnore("f", []byte(in))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f:") {
				t.Fatalf("error does not name file and line: %v", err)
			}
			return
		}
		for _, e := range entries {
			if len(e.Subjects) != 1 || e.Subjects[0] == "" || e.Action == "" || !strings.HasPrefix(e.Source, "f:") {
				t.Fatalf("bad entry %+v", e)
			}
			if e.matches(&finding{}) {
				t.Fatalf("%+v matches an empty finding", e)
			}
		}
	})
}

// runBaseline runs mint-short with --fail-on all (but empty) and a
// baseline, returning the exit code, the report and stderr.
func runBaseline(t *testing.T, events string, opts Options) (int, *Report, string) {
	t.Helper()
	opts.EventsPath = filepath.Join("testdata", events, "events.json")
	opts.CredentialsRequestsPath = credreqs
	opts.Output = t.TempDir()
	var stderr bytes.Buffer
	err := Run(context.Background(), opts, &bytes.Buffer{}, &stderr)
	data, rerr := os.ReadFile(filepath.Join(opts.Output, CompiledUsersFile))
	if rerr != nil {
		t.Fatalf("%v (run: %v)", rerr, err)
	}
	var rep Report
	var raw struct {
		Baselined []Baselined `json:"baselined"`
		Summary   Summary     `json:"summary"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	rep.Baselined, rep.Summary = raw.Baselined, raw.Summary
	msg := stderr.String()
	if err != nil {
		msg += "error: " + err.Error()
	}
	return exit.Code(err), &rep, msg
}

func TestBaseline(t *testing.T) {
	defer func(f func() time.Time) { now = f }(now)
	now = func() time.Time { return time.Date(2027, 1, 31, 12, 0, 0, 0, time.UTC) }
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	accepted := write("accepted.txt", "# what mint-short is known to lack\n"+
		"openshift-ingress route53:GetChange\n"+
		"0000_30_machine-api-operator_00_credentials-request.yaml ec2:DescribeInstanceTypeOfferings exp:2027-02-01\n")
	expired := write("expired.txt", "openshift-ingress route53:GetChange\n"+
		"openshift-machine-api-aws ec2:DescribeInstanceTypeOfferings exp:2027-01-31\n")
	wildcard := write("wildcard.txt", "openshift-ingress *\nopenshift-machine-api-aws ec2:Describe*\n")

	// A diff.json of mint-short as baseline of another cluster's run
	// (mint-20char: other identity names, the same requests).
	prev := t.TempDir()
	if err := Run(context.Background(), Options{EventsPath: "testdata/mint-short/events.json", CredentialsRequestsPath: credreqs,
		ClusterName: "ci-op-abc", Output: prev}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	diffJSON := filepath.Join(prev, CompiledUsersDiffFile)
	compiled := filepath.Join(prev, CompiledUsersFile)

	tests := []struct {
		name          string
		events        string
		opts          Options
		want          int
		baselined     int
		stderr        string
		notInStderr   string
		wantBaselined *Baselined
	}{
		{name: "no baseline fails", events: "mint-short", opts: Options{ClusterName: "ci-op-abc", FailOn: []string{"missing,denied"}}, want: exit.Findings},
		{name: "accepted findings pass", events: "mint-short", opts: Options{ClusterName: "ci-op-abc", FailOn: []string{"missing,denied"}, Baseline: accepted},
			want: exit.OK, baselined: 3},
		{name: "missing accepted", events: "mint-short", opts: Options{ClusterName: "ci-op-abc", FailOn: []string{"missing,denied,extra"}, Baseline: accepted},
			want: exit.Findings, baselined: 3, stderr: "84 extra", notInStderr: "missing", wantBaselined: &Baselined{Kind: "missing", Identity: "ci-op-abc-x7k2p-openshift-ingress-b4k9z",
				CredRequestRef: "00-ingress-credentials-request.yaml", Action: "route53:GetChange", Source: accepted + ":2"}},
		{name: "expired entry fails again", events: "mint-short", opts: Options{ClusterName: "ci-op-abc", FailOn: []string{"missing"}, Baseline: expired},
			want: exit.Findings, baselined: 1, stderr: "cci: warning: baseline " + expired + ":2: openshift-machine-api-aws ec2:DescribeInstanceTypeOfferings expired on 2027-01-31; it no longer applies"},
		{name: "wildcards", events: "mint-short", opts: Options{ClusterName: "ci-op-abc", FailOn: []string{"missing,denied"}, Baseline: wildcard},
			want: exit.OK, baselined: 9},
		{name: "diff.json of another cluster", events: "mint-20char", opts: Options{ClusterName: "ci-op-twentycharname", FailOn: []string{"missing,extra"}, Baseline: diffJSON},
			// 57 of the 74 extra were extra in mint-short too, matched by
			// credRequestRef; the other 17 are new.
			want: exit.Findings, baselined: 57, stderr: "--fail-on findings: 17 extra"},
		{name: "compiled_users.json accepts everything", events: "mint-short", opts: Options{ClusterName: "ci-op-abc", FailOn: []string{"all"}, Baseline: compiled},
			want: exit.OK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, rep, stderr := runBaseline(t, tt.events, tt.opts)
			if code != tt.want {
				t.Errorf("exit %d, want %d\n%s", code, tt.want, stderr)
			}
			if tt.baselined > 0 && (rep.Summary.Baselined != tt.baselined || len(rep.Baselined) != tt.baselined) {
				t.Errorf("baselined %d (%+v), want %d", rep.Summary.Baselined, rep.Baselined, tt.baselined)
			}
			if tt.stderr != "" && !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
			}
			if tt.notInStderr != "" && strings.Contains(stderr, tt.notInStderr) {
				t.Errorf("stderr has %q:\n%s", tt.notInStderr, stderr)
			}
			if tt.wantBaselined != nil && (len(rep.Baselined) == 0 || rep.Baselined[0] != *tt.wantBaselined) {
				t.Errorf("baselined %+v, want first %+v", rep.Baselined, *tt.wantBaselined)
			}
		})
	}
}

func TestBaselineBadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "b.txt")
	if err := os.WriteFile(p, []byte("ok s3:GetObject\nbroken\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	err := Run(context.Background(), Options{EventsPath: "testdata/mint-short/events.json", CredentialsRequestsPath: credreqs, Output: out, Baseline: p},
		&bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), p+":2: want IDENTITY-OR-REQUEST ACTION") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("outputs written despite a broken baseline")
	}
}

// FuzzParseBaselineJSON checks that the JSON baselines never panic and
// that their entries name a subject and an action.
func FuzzParseBaselineJSON(f *testing.F) {
	f.Add(`{"a": {"credRequestRef": "00.yaml", "missing": ["x:Y"], "extra": []}}`)
	f.Add(`{"users": {"a": {"diff": {"missing": ["x:Y"]}, "denied": [{"action": "x:Z"}]}, "unknown": ["u"]}, "requestsWithoutIdentity": ["r"]}`)
	f.Add(`{"users": null}`)
	f.Fuzz(func(t *testing.T, in string) {
		entries, err := parseBaselineJSON("f", []byte(in))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f:") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, e := range entries {
			if len(e.Subjects) != 1 || e.Action == "" || len(e.Kinds) != 1 || e.Source != "f" {
				t.Fatalf("bad entry %+v", e)
			}
		}
	})
}

package simulate

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/policyfile"
)

var update = flag.Bool("update", false, "rewrite golden files")

const doc = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Run", "Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"},
    {"Sid": "Grants", "Effect": "Allow", "Action": ["kms:CreateGrant", "kms:ListGrants"], "Resource": "*",
     "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}}
  ]
}`

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPolicyFileForms(t *testing.T) {
	dir := t.TempDir()
	quoted, _ := json.Marshal(doc)
	forms := map[string]string{
		"document.json":    doc,
		"version.json":     `{"PolicyVersion": {"Document": ` + doc + `, "VersionId": "v1", "IsDefaultVersion": true}}`,
		"version-enc.json": `{"PolicyVersion": {"Document": "` + url.PathEscape(doc) + `", "VersionId": "v1"}}`,
		"version-str.json": `{"PolicyVersion": {"Document": ` + string(quoted) + `}}`,
		"describe.json":    `{"Policy": {"PolicySummary": {"Name": "FullAccess", "Type": "SERVICE_CONTROL_POLICY"}, "Content": ` + string(quoted) + `}}`,
		"role-policy.json": `{"RoleName": "r", "PolicyName": "inline", "PolicyDocument": ` + doc + `}`,
	}
	wantID := map[string]string{"describe.json": "FullAccess", "role-policy.json": "inline"}
	for name, content := range forms {
		t.Run(name, func(t *testing.T) {
			p := write(t, dir, name, content)
			for _, arg := range []string{p, "file://" + p} {
				opts := Options{PolicyFiles: []string{arg}, Actions: []string{"ec2:RunInstances,kms:CreateGrant"}}
				if err := opts.Validate(); err != nil {
					t.Fatal(err)
				}
				resp, err := Simulate(context.Background(), &opts)
				if err != nil {
					t.Fatal(err)
				}
				r := resp.EvaluationResults
				if len(r) != 2 || r[0].EvalDecision != "allowed" || r[1].EvalDecision != "implicitDeny" {
					t.Fatalf("results %+v", r)
				}
				id := wantID[name]
				if id == "" {
					id = name
				}
				if got := r[0].MatchedStatements[0].SourcePolicyID; got != id {
					t.Errorf("SourcePolicyId %q, want %q", got, id)
				}
			}
		})
	}
}

func TestBadPolicyLine(t *testing.T) {
	dir := t.TempDir()
	bad := strings.Replace(doc, `"Effect": "Allow", "Action": ["kms`, `"Effect": "allow", "Action": ["kms`, 1)
	for name, content := range map[string]string{
		"plain.json":   bad,
		"wrapped.json": "{\n\"PolicyVersion\": {\n\"Document\": " + bad + "}}",
	} {
		t.Run(name, func(t *testing.T) {
			p := write(t, dir, name, content)
			opts := Options{PolicyFiles: []string{p}, Actions: []string{"a:b"}}
			if err := opts.Validate(); err != nil {
				t.Fatal(err)
			}
			_, err := Simulate(context.Background(), &opts)
			line := 5
			if name == "wrapped.json" {
				line = 7
			}
			want := fmt.Sprintf("line %d: Statement[1].Effect:", line)
			if exit.Code(err) != exit.Usage || err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("error %v (code %d), want %q and code 2", err, exit.Code(err), want)
			}
		})
	}
}

func TestContextJSON(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "ctx.json", `[{"ContextKeyName":"aws:SourceIp","ContextKeyValues":["10.0.0.1"],"ContextKeyType":"ip"},
	 {"ContextKeyName":"aws:TagKeys","ContextKeyValues":["a","b"],"ContextKeyType":"stringList"}]`)
	bad := write(t, dir, "bad.json", `[{"ContextKeyName":"aws:SourceIp","ContextKeyValues":["x"],"ContextKeyType":"ip"}]`)
	unknown := write(t, dir, "unknown.json", `[{"Name":"aws:SourceIp"}]`)
	tests := []struct {
		entries []string
		want    string
		wantErr string
	}{
		{entries: []string{"file://" + p}, want: "map[aws:SourceIp:[10.0.0.1] aws:TagKeys:[a b]]"},
		{entries: []string{`{"ContextKeyName":"k","ContextKeyValues":["v"],"ContextKeyType":"string"}`, "ContextKeyName=j,ContextKeyValues=w"}, want: "map[j:[w] k:[v]]"},
		{entries: []string{"file://" + bad}, wantErr: "entry 0: \"x\" is not a ip value"},
		{entries: []string{"file://" + unknown}, wantErr: "unknown field"},
		{entries: []string{"file://" + p, "ContextKeyName=AWS:SOURCEIP,ContextKeyValues=10.0.0.2,ContextKeyType=ip"}, wantErr: "given twice"},
		{entries: []string{"file://" + filepath.Join(dir, "none.json")}, wantErr: "no such file"},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			opts := Options{Actions: []string{"a:b"}, ContextEntries: tt.entries}
			if err := opts.Validate(); err != nil {
				t.Fatal(err)
			}
			got, err := policyfile.LoadContext(opts.ContextEntries, opts.shorthand)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || exit.Code(err) != exit.Usage {
					t.Fatalf("error %v, want %q (code 2)", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != tt.want {
				t.Fatalf("%v, want %s", got, tt.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		opts    Options
		wantErr string
	}{
		{Options{}, "--action-names is required"},
		{Options{Actions: []string{" , "}}, "--action-names is required"},
		{Options{Actions: []string{"a:b"}, Format: "yaml"}, "--format"},
		{Options{Actions: []string{"a:b"}, FailOn: []string{"missing"}}, "--fail-on"},
		{Options{Actions: []string{"a:b"}, ResourceOwner: "12"}, "--resource-owner"},
		{Options{Actions: []string{"a:b"}, PolicyFiles: []string{"file://"}}, "empty file name"},
		{Options{Actions: []string{"a:b"}, Resources: []string{""}}, "empty value"},
		{Options{Actions: []string{"a:b"}, ContextEntries: []string{"ContextKeyName=k,ContextKeyValues=x,ContextKeyType=numeric"}}, "not a numeric value"},
		{Options{Actions: []string{"a:b,c:d"}, Format: "JSON", FailOn: []string{"denied"}}, ""},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			err := tt.opts.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(tt.opts.Actions) != 2 || tt.opts.Format != FormatJSON || tt.opts.Resources[0] != "*" {
					t.Fatalf("normalised %+v", tt.opts)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || exit.Code(err) != exit.Usage {
				t.Fatalf("error %v, want %q (code 2)", err, tt.wantErr)
			}
		})
	}
}

// TestRunGolden runs one simulation with every policy type, in both
// formats, twice: the output is byte-identical and matches the golden
// files (go test ./internal/simulate -update rewrites them).
func TestRunGolden(t *testing.T) {
	dir := "testdata/golden"
	opts := Options{
		PolicyFiles:    []string{dir + "/identity.json"},
		BoundaryFiles:  []string{dir + "/boundary.json"},
		SCPLevels:      []string{dir + "/scp/root", dir + "/scp/account.json"},
		ResourcePolicy: dir + "/bucket.json",
		Actions:        []string{"s3:GetObject,s3:PutObject", "kms:CreateGrant", "ec2:RunInstances"},
		Resources:      []string{"arn:aws:s3:::amzn-bucket/home/alice/x", "*"},
		CallerARN:      "arn:aws:iam::111122223333:user/alice",
		ContextEntries: []string{"ContextKeyName=aws:SecureTransport,ContextKeyValues=true,ContextKeyType=boolean"},
	}
	for _, format := range []string{FormatTable, FormatJSON} {
		t.Run(format, func(t *testing.T) {
			o := opts
			o.Format = format
			var out, out2, errb bytes.Buffer
			if err := Run(context.Background(), o, &out, &errb); err != nil {
				t.Fatal(err)
			}
			if err := Run(context.Background(), o, &out2, &bytes.Buffer{}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), out2.Bytes()) {
				t.Fatal("two runs differ")
			}
			got := out.String() + "-- stderr --\n" + errb.String()
			golden := filepath.Join("testdata", "run."+format+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("output differs from %s (go test -update rewrites it):\n%s", golden, diffLines(string(want), got))
			}
		})
	}
}

func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var sb strings.Builder
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			fmt.Fprintf(&sb, "line %d:\n- %s\n+ %s\n", i+1, x, y)
		}
	}
	return sb.String()
}

func TestFailOn(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "p.json", doc)
	for _, tt := range []struct {
		actions []string
		code    int
	}{
		{[]string{"ec2:RunInstances"}, exit.OK},
		{[]string{"ec2:RunInstances", "kms:CreateGrant"}, exit.Findings},
	} {
		err := Run(context.Background(), Options{PolicyFiles: []string{p}, Actions: tt.actions, FailOn: []string{"denied"}}, &bytes.Buffer{}, &bytes.Buffer{})
		if exit.Code(err) != tt.code {
			t.Errorf("%v: exit %d (%v), want %d", tt.actions, exit.Code(err), err, tt.code)
		}
	}
}

// BenchmarkSimulate1000 simulates 1,000 actions against the machine-api
// policy: the figure behind "1,000 actions in well under a second".
func BenchmarkSimulate1000(b *testing.B) {
	dir := b.TempDir()
	p := filepath.Join(dir, "p.json")
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		b.Fatal(err)
	}
	var actions []string
	for i := 0; i < 1000; i++ {
		actions = append(actions, fmt.Sprintf("ec2:Action%d", i))
	}
	actions[0], actions[1] = "ec2:RunInstances", "kms:CreateGrant"
	opts := Options{PolicyFiles: []string{p}, Actions: actions, Format: FormatJSON}
	b.ReportAllocs()
	for b.Loop() {
		if err := Run(context.Background(), opts, discard{}, discard{}); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

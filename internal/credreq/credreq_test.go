package credreq

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const realDir = "../../testdata/credreqs"

func TestLoadRealManifests(t *testing.T) {
	res, err := Load(realDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 0 {
		t.Fatalf("problems: %v", res.Problems)
	}
	got := map[string]string{}
	for _, r := range res.Requests {
		got[r.Name] = r.Ref
	}
	want := map[string]string{
		"openshift-ingress":                             "00-ingress-credentials-request.yaml",
		"openshift-cluster-api-aws":                     "0000_30_cluster-api_01_credentials-request.yaml",
		"openshift-machine-api-aws":                     "0000_30_machine-api-operator_00_credentials-request.yaml",
		"openshift-image-registry":                      "01-registry-credentials-request.yaml",
		"openshift-cloud-network-config-controller-aws": "02-cncc-credentials.yaml",
		"aws-ebs-csi-driver-operator":                   "03_credentials_request_aws.yaml",
		"cloud-credential-operator-iam-ro":              "05-iam-ro-credentialsrequest.yaml",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("requests %v\nwant %v", got, want)
	}
	if res.OtherClouds == 0 {
		t.Error("no other-cloud documents counted")
	}
	for _, r := range res.Requests {
		if r.Name != "aws-ebs-csi-driver-operator" {
			continue
		}
		if r.SecretRef != (SecretRef{Name: "ebs-cloud-credentials", Namespace: "openshift-cluster-csi-drivers"}) {
			t.Errorf("secretRef %+v", r.SecretRef)
		}
		if len(r.Policy.Statements) != 3 || !r.Policy.Statements[2].HasCondition() {
			t.Errorf("statements %+v", r.Policy.Statements)
		}
		if r.Manifest["kind"] != "CredentialsRequest" {
			t.Errorf("manifest %v", r.Manifest)
		}
	}
}

func TestParseShapes(t *testing.T) {
	const aws = `
  kind: CredentialsRequest
  metadata: {name: %s}
  spec:
    secretRef: {name: s, namespace: n}
    providerSpec:
      kind: AWSProviderSpec
      statementEntries:
      - effect: Allow
        action: ec2:DescribeInstances
        resource: "*"
`
	list := `kind: List
items:
- kind: CredentialsRequest
  metadata: {name: one}
  spec:
    providerSpec:
      kind: AWSProviderSpec
      statementEntries:
      - {effect: Allow, action: ec2:DescribeInstances, resource: "*"}
- kind: ConfigMap
`
	multi := strings.ReplaceAll(aws, "%s", "two") + "---\n" + strings.ReplaceAll(aws, "%s", "three") +
		"---\nkind: CredentialsRequest\nmetadata: {name: gcp}\nspec: {providerSpec: {kind: GCPProviderSpec}}\n---\n"
	json := `{"kind": "CredentialsRequest", "metadata": {"name": "four"}, "spec": {"providerSpec": {"kind": "AWSProviderSpec", "statementEntries": [{"effect": "Allow", "action": ["s3:*"], "resource": "*"}]}}}`
	for _, tt := range []struct {
		name, data string
		want       []string
		other      int
	}{
		{"list", list, []string{"one"}, 0},
		{"multi", multi, []string{"two", "three"}, 1},
		{"json", json, []string{"four"}, 0},
		{"empty", "", nil, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reqs, other, problems := Parse("f.yaml", []byte(tt.data))
			if len(problems) > 0 {
				t.Fatalf("problems: %v", problems)
			}
			var names []string
			for _, r := range reqs {
				names = append(names, r.Name)
				if st := r.Policy.Statements[0]; st.Deny || len(st.Actions()) != 1 {
					t.Errorf("statement %+v", st)
				}
			}
			if !reflect.DeepEqual(names, tt.want) || other != tt.other {
				t.Errorf("got %v other=%d, want %v other=%d", names, other, tt.want, tt.other)
			}
		})
	}
}

func TestParseErrorsNameFileAndLine(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		line       int
		msg        string
	}{
		{"bad effect", "kind: CredentialsRequest\nmetadata: {name: x}\nspec:\n  providerSpec:\n    kind: AWSProviderSpec\n    statementEntries:\n    - effect: Allow\n      action: [a:b]\n      resource: \"*\"\n    - effect: Permit\n      action: [a:b]\n      resource: \"*\"\n", 10, `effect: "Permit"`},
		{"no action", "kind: CredentialsRequest\nmetadata: {name: x}\nspec:\n  providerSpec:\n    kind: AWSProviderSpec\n    statementEntries:\n    - effect: Allow\n      resource: \"*\"\n", 7, "no Action or NotAction"},
		{"type", "kind: CredentialsRequest\nmetadata: {name: x}\nspec:\n  providerSpec:\n    kind: AWSProviderSpec\n    statementEntries:\n    - effect: Allow\n      action: {a: b}\n      resource: \"*\"\n", 8, "want a string or a list of strings"},
		{"no name", "kind: CredentialsRequest\nspec:\n  providerSpec:\n    kind: AWSProviderSpec\n", 1, "metadata.name"},
		{"no providerSpec", "kind: CredentialsRequest\nmetadata: {name: x}\nspec: {}\n", 1, "no spec.providerSpec"},
		{"syntax", "kind: CredentialsRequest\nmetadata: {name: x\n", 0, "did not find"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reqs, _, problems := Parse("dir/f.yaml", []byte(tt.data))
			if len(reqs) != 0 || len(problems) != 1 {
				t.Fatalf("reqs %v problems %v", reqs, problems)
			}
			p := problems[0]
			if p.File != "dir/f.yaml" || (tt.line > 0 && p.Line != tt.line) || !strings.Contains(p.Error(), tt.msg) {
				t.Errorf("got %v (line %d), want line %d and %q", p, p.Line, tt.line, tt.msg)
			}
			if tt.line > 0 && !strings.HasPrefix(p.Error(), "dir/f.yaml:") {
				t.Errorf("error %q does not start with file:line", p.Error())
			}
		})
	}
}

// TestBillionLaughs checks that alias expansion is bounded: the document
// is refused as excessive aliasing instead of expanding to 10^9 nodes (an
// unbounded expansion would not return before go test's timeout; no
// timing assertion here).
func TestBillionLaughs(t *testing.T) {
	var b strings.Builder
	b.WriteString("kind: CredentialsRequest\nmetadata: {name: lol}\nspec:\n  secretRef: {name: s, namespace: n}\n  providerSpec:\n    kind: AWSProviderSpec\n    statementEntries:\n    - effect: Allow\n      action: [a:b]\n      resource: \"*\"\n")
	b.WriteString("  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		b.WriteString("  a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	reqs, _, problems := Parse("lol.yaml", []byte(b.String()))
	if len(reqs) != 0 || len(problems) != 1 || !strings.Contains(problems[0].Error(), "excessive aliasing") {
		t.Fatalf("reqs %v problems %v", reqs, problems)
	}
}

func TestLoadSkipsBrokenFilesOnly(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join(realDir, "00-ingress-credentials-request.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("sub/good.yml", string(good))
	write("bad.yaml", "kind: [\n")
	write("notes.txt", "kind: [\n")
	write(".hidden/bad.yaml", "kind: [\n")
	res, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Requests) != 1 || res.Requests[0].Ref != "sub/good.yml" {
		t.Errorf("requests %v", res.Requests)
	}
	if len(res.Problems) != 1 || res.Problems[0].File != "bad.yaml" {
		t.Errorf("problems %v", res.Problems)
	}
	if res.Files != 2 {
		t.Errorf("files %d, want 2", res.Files)
	}
}

func TestRefsOfSeveralRequestsInOneFile(t *testing.T) {
	dir := t.TempDir()
	doc := "kind: CredentialsRequest\nmetadata: {name: %s}\nspec: {providerSpec: {kind: AWSProviderSpec, statementEntries: [{effect: Allow, action: [a:b], resource: \"*\"}]}}\n"
	data := strings.ReplaceAll(doc, "%s", "a") + "---\n" + strings.ReplaceAll(doc, "%s", "b")
	if err := os.WriteFile(filepath.Join(dir, "two.yaml"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Requests) != 2 || res.Requests[0].Ref != "two.yaml#1" || res.Requests[1].Ref != "two.yaml#2" {
		t.Errorf("refs: %v %v", res.Requests[0].Ref, res.Requests[1].Ref)
	}
}

func TestPolicyFile(t *testing.T) {
	d, err := LoadPolicyFile("../../testdata/installer/aws-permissions-policy-creds.derived-minimal-mint.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Statements) != 11 {
		t.Errorf("%d statements, want 11", len(d.Statements))
	}
	for _, empty := range []string{"{}", "", " \n", `{"Version": "2012-10-17", "Statement": []}`} {
		d, err := ParsePolicy("p.json", []byte(empty))
		if err != nil || len(d.Statements) != 0 {
			t.Errorf("%q: %v %v", empty, d, err)
		}
	}
	_, err = ParsePolicy("p.json", []byte("{\n\"Statement\": [\n{\"Effect\": \"Allow\", \"Action\": [\"a:b\",], \"Resource\": \"*\"}\n]}"))
	var fe *FileError
	if !errors.As(err, &fe) || fe.Line != 3 || !strings.HasPrefix(err.Error(), "p.json:3: ") {
		t.Errorf("err = %v", err)
	}
}

func TestBuiltinInstanceRoles(t *testing.T) {
	roles := BuiltinInstanceRoles()
	var suffixes []string
	for _, r := range roles {
		suffixes = append(suffixes, r.Suffix)
		if len(r.Policy.Statements) == 0 {
			t.Errorf("%s has no statements", r.Key)
		}
	}
	if want := []string{"-bootstrap-role", "-master-role", "-worker-role"}; !reflect.DeepEqual(suffixes, want) {
		t.Errorf("suffixes %v, want %v", suffixes, want)
	}
	if _, err := ParseInstanceRoles("x.json", []byte(`{"master": {"PolicyDocument": {}}}`)); err == nil {
		t.Error("a key without <infraID> was accepted")
	}
}

// TestEntriesStrictness: statementEntries are read as strictly as IAM
// reads the policy CCO builds from them; a violation names the entry's
// line and skips the whole file.
func TestEntriesStrictness(t *testing.T) {
	const head = "kind: CredentialsRequest\nmetadata: {name: r}\nspec:\n  providerSpec:\n    kind: AWSProviderSpec\n    statementEntries:\n"
	tests := []struct {
		name, entries string
		want          string // "" = accepted; else the problem, from the line on
	}{
		{"valid", "    - {effect: Allow, action: [ec2:DescribeInstances], resource: \"*\"}\n", ""},
		{"deny", "    - {effect: Deny, action: [ec2:RunInstances], resource: \"*\"}\n", ""},
		{"action as string", "    - {effect: Allow, action: ec2:DescribeInstances, resource: \"*\"}\n", ""},
		{"resource ARN", "    - {effect: Allow, action: [s3:GetObject], resource: \"arn:aws:s3:::b/*\"}\n", ""},
		{"condition", "    - effect: Allow\n      action: [kms:CreateGrant]\n      resource: \"*\"\n      policyCondition:\n        Bool: {kms:GrantIsForAWSResource: true}\n", ""},
		{"effect lower case", "    - {effect: allow, action: [ec2:DescribeInstances], resource: \"*\"}\n",
			`7: credentials request "r": statementEntries[0].effect: "allow": want Allow or Deny (case-sensitive)`},
		{"effect unknown", "    - {effect: Allow, action: [a:b], resource: \"*\"}\n    - effect: Permit\n      action: [a:b]\n      resource: \"*\"\n",
			`8: credentials request "r": statementEntries[1].effect: "Permit": want Allow or Deny (case-sensitive)`},
		{"effect missing", "    - {action: [a:b], resource: \"*\"}\n", `7: credentials request "r": statementEntries[0]: no Effect element (want Allow or Deny)`},
		{"action missing", "    - effect: Allow\n      resource: \"*\"\n", `7: credentials request "r": statementEntries[0]: no Action or NotAction`},
		{"action empty", "    - {effect: Allow, action: [], resource: \"*\"}\n", `7: credentials request "r": statementEntries[0].action: empty list`},
		{"action malformed", "    - effect: Allow\n      action:\n      - ec2:DescribeInstances\n      - ec2:RunInstances,ec2:StopInstances\n      resource: \"*\"\n",
			`10: credentials request "r": statementEntries[0].action[1]: malformed action "ec2:RunInstances,ec2:StopInstances" (a list inside one string)`},
		{"resource missing", "    - {effect: Allow, action: [a:b]}\n", `7: credentials request "r": statementEntries[0]: no Resource or NotResource (IAM Policy needs one)`},
		{"resource malformed", "    - {effect: Allow, action: [a:b], resource: bucket}\n", `7: credentials request "r": statementEntries[0].resource: malformed resource "bucket" (want "*" or an ARN)`},
		{"condition operator", "    - effect: Allow\n      action: [a:b]\n      resource: \"*\"\n      policyCondition:\n        StringLikee: {aws:SourceIp: x}\n",
			`10: credentials request "r": statementEntries[0].policyCondition.StringLikee: unknown condition operator`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := head + tt.entries + "---\nkind: CredentialsRequest\nmetadata: {name: other}\nspec: {providerSpec: {kind: AWSProviderSpec, statementEntries: [{effect: Allow, action: [a:b], resource: \"*\"}]}}\n"
			reqs, _, problems := Parse("f.yaml", []byte(data))
			if tt.want == "" {
				if len(problems) > 0 || len(reqs) != 2 {
					t.Fatalf("reqs %d problems %v", len(reqs), problems)
				}
				return
			}
			if len(reqs) != 0 {
				t.Errorf("%d requests kept; the file should be skipped", len(reqs))
			}
			if len(problems) != 1 || !strings.HasPrefix(problems[0].Error(), "f.yaml:"+tt.want) {
				t.Fatalf("problems %v, want f.yaml:%s...", problems, tt.want)
			}
		})
	}
}

// TestPolicyFileStrictness: the installer policy and instance-role
// policies are identity policies read strictly.
func TestPolicyFileStrictness(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"valid", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:*"],"Resource":["*"]}]}`, ""},
		{"not action", `{"Statement":{"Effect":"Deny","NotAction":"iam:*","Resource":"*"}}`, ""},
		{"not resource", `{"Statement":{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"}}`, ""},
		{"effect case", "{\"Statement\":[\n{\"Effect\":\"allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\"}]}", `p.json:2: Statement[0].Effect: "allow": want Allow or Deny (case-sensitive)`},
		{"no action", "{\"Statement\":[\n{\"Effect\":\"Allow\",\"Resource\":\"*\"}]}", "p.json:2: Statement[0]: no Action or NotAction"},
		{"no resource", "{\"Statement\":[\n{\"Effect\":\"Allow\",\"Action\":\"ec2:*\"}]}", "p.json:2: Statement[0]: no Resource or NotResource (IAM Policy needs one)"},
		{"empty statement list", `{"Version":"2012-10-17","Statement":[]}`, ""},
		{"action and not action", "{\"Statement\":[\n{\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"NotAction\":\"iam:*\",\"Resource\":\"*\"}]}", "p.json:2: Statement[0].NotAction: a statement has Action or NotAction, not both"},
		{"malformed action", "{\"Statement\":[\n{\"Effect\":\"Allow\",\"Action\":\"s3:\",\"Resource\":\"*\"}]}", `p.json:2: Statement[0].Action: malformed action "s3:" (no action name)`},
		{"malformed resource", "{\"Statement\":[\n{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"bucket/*\"}]}", `p.json:2: Statement[0].Resource: malformed resource "bucket/*" (want "*" or an ARN)`},
		{"duplicate element", "{\"Statement\":[\n{\"Effect\":\"Allow\",\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}", "p.json:2: Statement[0].Effect: element given twice"},
		{"unknown element", "{\"Statement\":[\n{\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\",\n\"Comment\":\"x\"}]}", `p.json:3: Statement[0].Comment: unknown element`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePolicy("p.json", []byte(tt.doc))
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("err %v, want %s...", err, tt.want)
			}
		})
	}
	// Instance-role policies: the line is the file's.
	roles := "{\n\"<infraID>-master-role\": {\"PolicyDocument\": {\n\"Statement\": [\n{\"Effect\": \"Allow\", \"Action\": \"ec2:*\"}]}}}"
	_, err := ParseInstanceRoles("roles.json", []byte(roles))
	if want := `roles.json:4: role "<infraID>-master-role": Statement[0]: no Resource or NotResource`; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err %v, want %s...", err, want)
	}
}

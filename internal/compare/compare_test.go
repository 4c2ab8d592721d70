package compare

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"github.com/cloud-credentials-insights/cci/internal/golden"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Paths are relative to this package so that reports (which name their
// inputs) are the same on every machine.
const (
	credreqs  = "../../testdata/credreqs"
	installer = "../../testdata/installer/aws-permissions-policy-creds.derived-minimal-mint.json"
)

type goldenCase struct {
	name string
	opts Options
	// requests also checks credentials_requests.json (it only depends on
	// the manifests, so a few cases suffice).
	requests bool
	exit     int
}

var goldenCases = []goldenCase{
	{name: "mint-short", opts: Options{ClusterName: "ci-op-abc"}, requests: true},
	{name: "mint-20char", opts: Options{ClusterName: "ci-op-twentycharname"}},
	{name: "mint-long-inferred"},
	{name: "sts", opts: Options{ClusterName: "ci-sts-def"}},
	{name: "installer", opts: Options{InfraID: "ci-op-abc-x7k2p", InstallerUserName: "ci-op-abc-installer", InstallerRequestsFile: installer}},
	{name: "ambiguous", opts: Options{InfraID: "amb-x4k7p", CredentialsRequestsPath: "testdata/ambiguous/credreqs"}, requests: true},
	{name: "broken", opts: Options{
		ClusterName: "brk", CredentialsRequestsPath: "testdata/broken/credreqs",
		InstallerUserName: "brk-installer", InstallerRequestsFile: "testdata/broken/installer-policy.json",
	}, requests: true, exit: exit.Partial},
	// Nothing to compare: no empty table or sections, a warning.
	{name: "empty", opts: Options{ClusterName: "ci-op-abc"}},
	// The three causes with a remediation (extract's testdata/causes).
	{name: "causes", opts: Options{ClusterName: "lab", InstallerUserName: "lab-installer", InstallerRequestsFile: installer,
		AuthorizationDetails: []string{"testdata/causes/authorization-details.json"}}},
	{name: "lab-trail", opts: Options{Filters: map[string][]string{"cluster-name": {"lab-trail"}}}},
}

// TestGolden runs each case of testdata/ and compares every output with
// its golden file; -update rewrites them.
func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join("testdata", tc.name)
			opts := tc.opts
			opts.EventsPath = filepath.Join(dir, "events.json")
			if opts.CredentialsRequestsPath == "" {
				opts.CredentialsRequestsPath = credreqs
			}
			out := t.TempDir()
			opts.Output = out
			outputs := map[string][]byte{}
			for _, format := range []string{FormatTable, FormatMarkdown} {
				opts.Format = format
				var stdout, stderr bytes.Buffer
				err := Run(context.Background(), opts, &stdout, &stderr)
				if got := exit.Code(err); got != tc.exit {
					t.Fatalf("exit code %d (%v), want %d\nstderr:\n%s", got, err, tc.exit, stderr.String())
				}
				if format == FormatTable {
					outputs["stdout.txt"] = stdout.Bytes()
					outputs["stderr.txt"] = stderr.Bytes()
				} else {
					outputs["stdout.md"] = stdout.Bytes()
				}
			}
			files := []string{CompiledUsersFile, CompiledUsersDiffFile}
			if tc.requests {
				files = append(files, CredentialsRequestsFile)
			}
			for _, f := range files {
				data, err := os.ReadFile(filepath.Join(out, f))
				if err != nil {
					t.Fatal(err)
				}
				outputs[f] = data
			}
			for _, name := range sortedKeys(outputs) {
				checkGolden(t, filepath.Join(dir, "golden", name), outputs[name])
			}
		})
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	golden.Check(t, path, got, *update)
}

// TestOutputsDeterministic checks that two runs write identical bytes and
// that the JSON files end in a newline with 2-space indentation.
func TestOutputsDeterministic(t *testing.T) {
	run := func() map[string][]byte {
		out := t.TempDir()
		opts := Options{EventsPath: "testdata/mint-short/events.json", CredentialsRequestsPath: credreqs, Output: out, ClusterName: "ci-op-abc", Format: FormatJSON}
		var stdout, stderr bytes.Buffer
		if err := Run(context.Background(), opts, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		m := map[string][]byte{"stdout": stdout.Bytes()}
		for _, f := range []string{CompiledUsersFile, CompiledUsersDiffFile, CredentialsRequestsFile} {
			data, err := os.ReadFile(filepath.Join(out, f))
			if err != nil {
				t.Fatal(err)
			}
			m[f] = data
		}
		entries, _ := os.ReadDir(out)
		if len(entries) != 4 { // the three files and suggested/
			t.Errorf("output holds %d entries, want 4 (no temporary files left)", len(entries))
		}
		return m
	}
	a, b := run(), run()
	for k := range a {
		if !bytes.Equal(a[k], b[k]) {
			t.Errorf("%s differs between runs", k)
		}
		if !bytes.HasSuffix(a[k], []byte("}\n")) || !bytes.HasPrefix(a[k], []byte("{\n  \"")) {
			t.Errorf("%s: want 2-space indented JSON object with a trailing newline", k)
		}
	}
	if !bytes.Equal(a["stdout"], a[CompiledUsersFile]) {
		t.Error("--format json stdout differs from compiled_users.json")
	}
}

// labTrail runs the legacy lab-trail events and returns the parsed report.
func labTrail(t *testing.T, opts Options) map[string]json.RawMessage {
	t.Helper()
	opts.EventsPath = "testdata/lab-trail/events.json"
	opts.CredentialsRequestsPath = credreqs
	opts.Output = t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), opts, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	data, err := os.ReadFile(filepath.Join(opts.Output, CompiledUsersFile))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Users map[string]json.RawMessage `json:"users"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	return rep.Users
}

// TestLabTrailLegacy is the acceptance test of issue 3 over legacy events
// of cluster lab-trail (infra ID lab-trail-lxqrw).
func TestLabTrailLegacy(t *testing.T) {
	want := map[string]string{
		"lab-trail-lxqrw-openshift-image-registry-749dr":              "openshift-image-registry",
		"lab-trail-lxqrw-openshift-ingress-56v6s":                     "openshift-ingress",
		"lab-trail-lxqrw-openshift-machine-api-aws-s2nml":             "openshift-machine-api-aws",
		"lab-trail-lxqrw-aws-ebs-csi-driver-operator-jmrf2":           "aws-ebs-csi-driver-operator",
		"lab-trail-lxqrw-openshift-cloud-network-config-contro-85lxq": "openshift-cloud-network-config-controller-aws",
	}
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"filters", Options{Filters: map[string][]string{"cluster-name": {"lab-trail"}}}},
		{"cluster-name", Options{ClusterName: "lab-trail"}},
		{"infra-id", Options{InfraID: "lab-trail-lxqrw"}},
		{"inferred", Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			users := labTrail(t, tc.opts)
			for name, req := range want {
				var u User
				if err := json.Unmarshal(users[name], &u); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if u.CredRequest != req || u.MatchedBy != "mint-user-name" {
					t.Errorf("%s matched %q by %q, want %q by mint-user-name", name, u.CredRequest, u.MatchedBy, req)
				}
				if len(u.Diff.Missing) != 0 {
					t.Errorf("%s: missing %v, want none", name, u.Diff.Missing)
				}
			}
			get := func(name string) User {
				var u User
				if err := json.Unmarshal(users[name], &u); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				return u
			}
			// Legacy keys were normalised and are covered.
			registry := get("lab-trail-lxqrw-openshift-image-registry-749dr")
			for _, a := range []string{"s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration"} {
				if !slices.Contains(registry.Required, a) {
					t.Errorf("image registry: required %v lacks %s", registry.Required, a)
				}
			}
			if ingress := get("lab-trail-lxqrw-openshift-ingress-56v6s"); !slices.Contains(ingress.Required, "tag:GetResources") {
				t.Errorf("ingress: required %v lacks tag:GetResources", ingress.Required)
			}
			for _, name := range []string{"lab-trail-lxqrw-openshift-machine-api-aws-s2nml", "lab-trail-lxqrw-aws-ebs-csi-driver-operator-jmrf2"} {
				u := get(name)
				if !slices.Contains(u.Required, "kms:GenerateDataKeyWithoutPlaintext") {
					t.Errorf("%s: required %v lacks kms:GenerateDataKeyWithoutPlaintext", name, u.Required)
				}
				if !slices.Contains(u.Requested, "kms:GenerateDataKeyWithoutPlainText") {
					t.Errorf("%s: requested %v lacks the manifest's spelling", name, u.Requested)
				}
				if slices.Contains(u.Diff.Extra, "kms:GenerateDataKeyWithoutPlainText") {
					t.Errorf("%s: kms:GenerateDataKeyWithoutPlainText is used, not extra", name)
				}
				if !slices.Contains(u.Diff.Extra, "kms:ReEncrypt*") {
					t.Errorf("%s: extra %v lacks the unused kms:ReEncrypt* as written", name, u.Diff.Extra)
				}
				if !slices.Contains(u.CaseMismatch, CaseMismatch{Requested: "kms:GenerateDataKeyWithoutPlainText", Canonical: "kms:GenerateDataKeyWithoutPlaintext"}) {
					t.Errorf("%s: caseMismatch %v", name, u.CaseMismatch)
				}
			}
			// ec2:DescribeInstances is covered by the master role's ec2:Describe*.
			master := get("lab-trail-lxqrw-master-role")
			if master.MatchedBy != "instance-role-name" || len(master.Diff.Missing) != 0 {
				t.Errorf("master role: matched by %q, missing %v", master.MatchedBy, master.Diff.Missing)
			}
			if !slices.Contains(master.Requested, "ec2:Describe*") || slices.Contains(master.Diff.Extra, "ec2:Describe*") {
				t.Errorf("master role: ec2:Describe* is used by ec2:DescribeInstances: requested %v extra %v", master.Requested, master.Diff.Extra)
			}
		})
	}
}

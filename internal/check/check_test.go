package check

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/golden"
	"github.com/cloud-credentials-insights/cci/internal/oidc"
	"github.com/cloud-credentials-insights/cci/internal/oidc/oidctest"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const (
	account  = "testdata/account/"
	credreqs = "../../testdata/credreqs"
)

// baseOptions checks the real CredentialsRequests against the fixture
// account: two pages of authorization details (objects, then URL-encoded
// documents), the installer user, and the office address as context.
func baseOptions() Options {
	return Options{
		CredentialsRequestsPath: credreqs,
		AuthorizationDetails:    []string{account + "authorization-details-1.json", account + "authorization-details-2.json"},
		InstallerUserName:       "ocp-installer",
		InstallerRequestsFile:   account + "installer-requests.json",
		OIDCProvider:            account + "oidc-provider.json",
		ContextEntries:          []string{"ContextKeyName=aws:SourceIp,ContextKeyValues=198.51.100.7,ContextKeyType=ip"},
	}
}

func run(t *testing.T, opts Options) (stdout, stderr string, err error) {
	t.Helper()
	var out, errw bytes.Buffer
	err = Run(context.Background(), opts, &out, &errw)
	return out.String(), errw.String(), err
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name    string
		formats []string
		edit    func(*Options)
	}{
		{"account", []string{FormatTable, FormatJSON, FormatMarkdown}, func(*Options) {}},
		{"scp", []string{FormatTable}, func(o *Options) {
			o.SCPLevels = []string{account + "scp/root.json", account + "scp/ou", account + "scp/account.json"}
		}},
		{"endpoint", []string{FormatTable}, func(o *Options) { o.EndpointPolicy = account + "endpoint-policy.json" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, format := range tt.formats {
				opts := baseOptions()
				tt.edit(&opts)
				opts.Format = format
				stdout, stderr, err := run(t, opts)
				if err != nil {
					t.Fatalf("%v\n%s", err, stderr)
				}
				ext := map[string]string{FormatTable: ".txt", FormatJSON: ".json", FormatMarkdown: ".md"}[format]
				golden.Check(t, filepath.Join("testdata", "golden", tt.name+ext), []byte(stdout), *update)
			}
		})
	}
}

// TestEntryContext: the KMS grant entry is allowed only with the context
// its own policyCondition names; without it the blocker is the missing key.
func TestEntryContext(t *testing.T) {
	ctx, notes := entryContext(map[string]map[string]any{
		"Bool":                  {"kms:GrantIsForAWSResource": true},
		"StringLike":            {"aws:RequestTag/a": "x*y?"},
		"ForAnyValue:IpAddress": {"aws:SourceIp": []any{"10.1.2.3/16"}},
		"StringNotEquals":       {"aws:RequestedRegion": "eu-west-1"},
		"Null":                  {"aws:TagKeys": "false"},
		"NumericLessThan":       {"s3:max-keys": "10"},
		"StringEqualsIfExists":  {"ec2:InstanceType": []any{"m6i.xlarge", "m5.large"}},
	})
	if got := fmt.Sprint(ctx); got != "map[aws:RequestTag/a:[xxyx] aws:SourceIp:[10.1.0.0] ec2:InstanceType:[m6i.xlarge] kms:GrantIsForAWSResource:[true]]" {
		t.Errorf("context %s", got)
	}
	if len(notes) != 2 || !strings.Contains(notes[0], "aws:TagKeys present") || !strings.Contains(notes[1], "s3:max-keys") {
		t.Errorf("notes %q", notes)
	}

	opts := baseOptions()
	if err := opts.Validate(); err != nil {
		t.Fatal(err)
	}
	c := &checker{opts: &opts, scpNames: map[string]int{}}
	c.account = policy.NewAccountDetails()
	for _, f := range opts.AuthorizationDetails {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		page, err := policy.ParseAccountDetails(b)
		if err != nil {
			t.Fatal(err)
		}
		c.account.Merge(page)
	}
	ip, _, err := c.account.RolePolicies("mycluster-openshift-cluster-api-capa-manager-bootstrap-credentia")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		context map[string][]string
		want    string
		blocker string
	}{
		{"entry context", ctx, policy.Allowed, ""},
		{"no context", nil, policy.ImplicitDeny, BlockMissingContext},
		{"the key false", map[string][]string{"kms:GrantIsForAWSResource": {"false"}}, policy.ImplicitDeny, BlockIdentity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.result(c.set(ip), &policy.Request{Action: "kms:CreateGrant", Resource: "*", Context: tt.context})
			if r.Decision != tt.want || r.Blocker != tt.blocker {
				t.Errorf("%s blocked by %q (%s), want %s by %q", r.Decision, r.Blocker, r.Detail, tt.want, tt.blocker)
			}
			if tt.blocker == BlockMissingContext && fmt.Sprint(r.MissingContextValues) != "[kms:GrantIsForAWSResource]" {
				t.Errorf("missing %v", r.MissingContextValues)
			}
		})
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestInputErrors: unreadable inputs are usage errors (exit 2) naming the
// file; inputs that are read but partly unusable give a partial report
// (exit 4).
func TestInputErrors(t *testing.T) {
	dir := t.TempDir()
	page1, err := os.ReadFile(account + "authorization-details-1.json")
	if err != nil {
		t.Fatal(err)
	}
	truncated := writeFile(t, dir, "truncated.json", string(page1[:len(page1)/2]))
	notJSON := writeFile(t, dir, "text.json", "UserDetailList:\n- x\n")
	other := writeFile(t, dir, "role.json", `{"Role": {"RoleName": "r"}}`)
	tests := []struct {
		name string
		edit func(*Options)
		code int
		want string
	}{
		{"truncated", func(o *Options) { o.AuthorizationDetails = []string{truncated} }, exit.Usage,
			"reading authorization details " + truncated + ": line 169: the file ends inside a JSON value (truncated?)"},
		{"not JSON", func(o *Options) { o.AuthorizationDetails = []string{notJSON} }, exit.Usage, notJSON + ": line 1: not JSON"},
		{"other JSON", func(o *Options) { o.AuthorizationDetails = []string{other} }, exit.Usage, "want the output of aws iam get-account-authorization-details"},
		{"missing file", func(o *Options) { o.AuthorizationDetails = []string{filepath.Join(dir, "none.json")} }, exit.Usage, "no such file"},
		{"bad SCP", func(o *Options) { o.SCPLevels = []string{notJSON} }, exit.Usage, "reading policy " + notJSON},
		{"bad provider", func(o *Options) { o.OIDCProvider = other }, exit.Usage, "reading --oidc-provider " + other},
		{"no cluster", func(o *Options) {
			o.AuthorizationDetails = []string{writeFile(t, dir, "empty.json", `{"UserDetailList": [], "RoleDetailList": []}`)}
		}, exit.Usage, "give --cluster-name or --infra-id"},
		{"a page missing", func(o *Options) { o.AuthorizationDetails = o.AuthorizationDetails[:1] }, exit.Partial, "the last page is missing"},
		{"bad credreqs", func(o *Options) { o.CredentialsRequestsPath = filepath.Join(dir, "none") }, exit.Usage, "reading credentials requests"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := baseOptions()
			tt.edit(&opts)
			_, stderr, err := run(t, opts)
			if exit.Code(err) != tt.code || err == nil || !strings.Contains(err.Error()+stderr, tt.want) {
				t.Fatalf("error %v (code %d), stderr %q; want code %d and %q", err, exit.Code(err), stderr, tt.code, tt.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := func() Options {
		return Options{CredentialsRequestsPath: "d", AuthorizationDetails: []string{"f"}}
	}
	tests := []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"no requests", func(o *Options) { o.CredentialsRequestsPath = "" }, "--credentials-requests-path is required"},
		{"no details", func(o *Options) { o.AuthorizationDetails = nil }, "--authorization-details is required"},
		{"empty details", func(o *Options) { o.AuthorizationDetails = []string{"file://"} }, "empty file name"},
		{"mode", func(o *Options) { o.Mode = "manual" }, "--mode"},
		{"format", func(o *Options) { o.Format = "yaml" }, "--format"},
		{"fail-on", func(o *Options) { o.FailOn = []string{"denied,missing"} }, `--fail-on "missing"`},
		{"installer file alone", func(o *Options) { o.InstallerRequestsFile = "p.json" }, "needs --installer-user-name"},
		{"context", func(o *Options) { o.ContextEntries = []string{"ContextKeyName=k"} }, "--context-entries"},
		{"probe without provider", func(o *Options) { o.ProbeOIDC = true }, "--probe-oidc needs --oidc-provider"},
		{"probe timeout", func(o *Options) { o.ProbeTimeout = -1 }, "--probe-timeout"},
		{"valid", func(o *Options) { o.FailOn = []string{"all"}; o.Mode = "STS"; o.Format = "md" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ok()
			tt.edit(&o)
			err := o.Validate()
			if tt.want == "" {
				if err != nil || fmt.Sprint(o.FailOn) != "[absent denied source-restricted untrusted]" || o.Mode != ModeSTS || o.Format != FormatMarkdown {
					t.Fatalf("%v %+v", err, o)
				}
				return
			}
			if err == nil || exit.Code(err) != exit.Usage || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q (code 2)", err, tt.want)
			}
		})
	}
}

// TestFailOnAndOutput: --fail-on exits 3 on a finding it names, and
// check.json is the JSON report, byte for byte.
func TestFailOnAndOutput(t *testing.T) {
	tests := []struct {
		failOn []string
		code   int
		want   string
	}{
		{nil, exit.OK, ""},
		{[]string{"absent"}, exit.Findings, "--fail-on findings: 1 absent"},
		{[]string{"denied", "untrusted"}, exit.Findings, "--fail-on findings: 4 denied, 1 untrusted"},
		{[]string{"source-restricted"}, exit.Findings, "1 source-restricted"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.failOn), func(t *testing.T) {
			opts := baseOptions()
			opts.FailOn = tt.failOn
			opts.Output = t.TempDir()
			opts.Format = FormatJSON
			stdout, _, err := run(t, opts)
			if exit.Code(err) != tt.code || (tt.want != "" && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("error %v (code %d), want %d %q", err, exit.Code(err), tt.code, tt.want)
			}
			b, err := os.ReadFile(filepath.Join(opts.Output, CheckFile))
			if err != nil || string(b) != stdout {
				t.Fatalf("check.json differs from the JSON report (%v)", err)
			}
		})
	}
}

// TestMintMode: a minted user (mint naming) implements its request, and
// CCO's own iam:GetUser grant is checked on it.
func TestMintMode(t *testing.T) {
	dir := t.TempDir()
	user := "mycluster-x7k2p-openshift-machine-api-aws-b4c5d"
	details := writeFile(t, dir, "details.json", `{"UserDetailList": [{"UserName": "`+user+`", "Arn": "arn:aws:iam::123456789012:user/`+user+`",
	  "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": ["ec2:*", "elasticloadbalancing:*", "iam:PassRole", "iam:CreateServiceLinkedRole", "kms:*"], "Resource": "*"}]}}],
	  "GroupList": [], "AttachedManagedPolicies": []}], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}`)
	for _, mode := range []string{ModeAuto, ModeMint, ModeSTS} {
		t.Run(mode, func(t *testing.T) {
			opts := Options{CredentialsRequestsPath: credreqs + "/0000_30_machine-api-operator_00_credentials-request.yaml",
				AuthorizationDetails: []string{details}, InfraID: "mycluster-x7k2p", Mode: mode, Format: FormatJSON}
			if err := opts.Validate(); err != nil {
				t.Fatal(err)
			}
			rep, err := Check(context.Background(), &opts, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			id := rep.Identities[0]
			if mode == ModeSTS {
				if id.Kind != "" || fmt.Sprint(id.Findings) != "[absent]" || !strings.Contains(fmt.Sprint(id.LookedFor), "role mycluster-x7k2p-openshift-machine-api-aws-cloud-credentials") {
					t.Fatalf("sts mode found %+v", id)
				}
				return
			}
			if id.Kind != KindMintUser || id.Principal != user {
				t.Fatalf("identity %+v", id)
			}
			var getUser *Result
			for i := range id.Results {
				if id.Results[i].Action == "iam:GetUser" {
					getUser = &id.Results[i]
				}
			}
			if getUser == nil || getUser.Decision != policy.ImplicitDeny || getUser.Resource != "arn:aws:iam::123456789012:user/"+user {
				t.Fatalf("iam:GetUser on itself: %+v", getUser)
			}
		})
	}
}

// TestProbe: --probe-oidc reads the issuer's documents from a local
// server: public, then private (403).
func TestProbe(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	private := false
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if private {
			http.Error(w, "AccessDenied", http.StatusForbidden)
			return
		}
		switch r.URL.Path {
		case oidc.DiscoveryPath:
			fmt.Fprintf(w, `{"issuer": %q, "jwks_uri": %q}`, srv.URL, srv.URL+"/keys.json")
		case "/keys.json":
			w.Write(oidctest.JWKS("kid-a", &key.PublicKey))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	prov := writeFile(t, dir, "provider.json", `{"Url": "`+srv.URL+`", "ClientIDList": ["sts.amazonaws.com"]}`)
	for _, priv := range []bool{false, true} {
		t.Run(fmt.Sprint("private=", priv), func(t *testing.T) {
			private = priv
			opts := baseOptions()
			opts.OIDCProvider, opts.ProbeOIDC, opts.HTTPClient = prov, true, srv.Client()
			opts.Validate()
			rep, err := Check(context.Background(), &opts, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, ch := range rep.OIDC.Checks {
				got[ch.Name] = ch.OK
			}
			want := map[string]bool{"url": false, "audience": false, "public": true, "issuer": true}
			if priv {
				want = map[string]bool{"url": false, "audience": false, "public": false}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("checks %v, want %v", got, want)
			}
			// The trust policies name the fixture's provider, not this one.
			for _, id := range rep.Identities {
				for _, tr := range id.Trust {
					if tr.Decision == policy.Allowed {
						t.Errorf("%s trusted through the wrong provider: %s", tr.ServiceAccount, tr.Detail)
					}
				}
			}
		})
	}
}

// BenchmarkCheck runs the whole check of the fixture account (7 requests
// and the installer, about 150 evaluations).
func BenchmarkCheck(b *testing.B) {
	opts := baseOptions()
	opts.SCPLevels = []string{account + "scp/root.json", account + "scp/ou", account + "scp/account.json"}
	if err := opts.Validate(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Check(context.Background(), &opts, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

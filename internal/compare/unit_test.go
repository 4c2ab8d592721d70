package compare

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

func TestValidate(t *testing.T) {
	base := Options{EventsPath: "e.json", CredentialsRequestsPath: "d"}
	tests := []struct {
		name    string
		mod     func(*Options)
		wantErr string
		check   func(*testing.T, Options)
	}{
		{name: "defaults", check: func(t *testing.T, o Options) {
			if o.Format != FormatTable || len(o.FailOn) != 0 {
				t.Errorf("%+v", o)
			}
		}},
		{name: "no events", mod: func(o *Options) { o.EventsPath = "" }, wantErr: "--events-path"},
		{name: "no requests", mod: func(o *Options) { o.CredentialsRequestsPath = "" }, wantErr: "--credentials-requests-path"},
		{name: "bad format", mod: func(o *Options) { o.Format = "yaml" }, wantErr: "--format"},
		{name: "md", mod: func(o *Options) { o.Format = "md" }, check: func(t *testing.T, o Options) {
			if o.Format != FormatMarkdown {
				t.Error(o.Format)
			}
		}},
		{name: "fail-on list", mod: func(o *Options) { o.FailOn = []string{"missing,extra", "Missing", " unknown "} }, check: func(t *testing.T, o Options) {
			if !reflect.DeepEqual(o.FailOn, []string{"extra", "missing", "unknown"}) {
				t.Error(o.FailOn)
			}
		}},
		{name: "fail-on all", mod: func(o *Options) { o.FailOn = []string{"all"} }, check: func(t *testing.T, o Options) {
			if len(o.FailOn) != 6 {
				t.Error(o.FailOn)
			}
		}},
		{name: "fail-on empty, unmatched", mod: func(o *Options) { o.FailOn = []string{"unmatched", "EMPTY"} }, check: func(t *testing.T, o Options) {
			if !reflect.DeepEqual(o.FailOn, []string{"empty", "unmatched"}) {
				t.Error(o.FailOn)
			}
		}},
		{name: "junit over the baseline", mod: func(o *Options) { o.Baseline, o.JUnit = "b.txt", "b.txt" }, wantErr: "--junit b.txt: it is an input too"},
		{name: "bad fail-on", mod: func(o *Options) { o.FailOn = []string{"missing,typo"} }, wantErr: `"typo"`},
		{name: "filters", mod: func(o *Options) {
			o.Filters = map[string][]string{"cluster-name": {"lab-trail"}, "principal-prefix": {"x"}}
		}, check: func(t *testing.T, o Options) {
			if o.ClusterName != "lab-trail" {
				t.Error(o.ClusterName)
			}
		}},
		{name: "filters disagree", mod: func(o *Options) {
			o.ClusterName = "a"
			o.Filters = map[string][]string{"cluster-name": {"b"}}
		}, wantErr: "disagree"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := base
			if tt.mod != nil {
				tt.mod(&o)
			}
			err := o.Validate()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || exit.Code(err) != exit.Usage {
					t.Fatalf("err = %v (code %d), want usage error with %q", err, exit.Code(err), tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, o)
			}
		})
	}
}

func TestValidateBeforeIO(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	err := Run(context.Background(), Options{EventsPath: "does-not-exist.json", CredentialsRequestsPath: credreqs, Output: out, Format: "bogus"}, &bytes.Buffer{}, &bytes.Buffer{})
	if exit.Code(err) != exit.Usage {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("output directory created before validation")
	}
}

func TestFailOn(t *testing.T) {
	tests := []struct {
		name   string
		events string
		opts   Options
		want   int
	}{
		{"no fail-on", "mint-short", Options{ClusterName: "ci-op-abc"}, exit.OK},
		{"missing", "mint-short", Options{ClusterName: "ci-op-abc", FailOn: []string{"missing"}}, exit.Findings},
		{"denied", "mint-short", Options{ClusterName: "ci-op-abc", FailOn: []string{"denied"}}, exit.Findings},
		{"extra", "mint-short", Options{ClusterName: "ci-op-abc", FailOn: []string{"extra"}}, exit.Findings},
		{"unknown", "mint-short", Options{ClusterName: "ci-op-abc", FailOn: []string{"unknown"}}, exit.Findings},
		{"no missing in lab-trail", "lab-trail", Options{ClusterName: "lab-trail", FailOn: []string{"missing,denied,unknown"}}, exit.OK},
		{"ambiguous counts as unknown", "ambiguous", Options{InfraID: "amb-x4k7p", CredentialsRequestsPath: "testdata/ambiguous/credreqs", FailOn: []string{"unknown"}}, exit.Findings},
		{"unmatched", "mint-short", Options{ClusterName: "ci-op-abc", FailOn: []string{"unmatched"}}, exit.Findings},
		{"every request used", "mint-short", Options{ClusterName: "ci-op-abc", CredentialsRequestsPath: credreqs + "/00-ingress-credentials-request.yaml", FailOn: []string{"unmatched"}}, exit.OK},
		{"something compared", "mint-short", Options{ClusterName: "ci-op-abc", FailOn: []string{"empty"}}, exit.OK},
		{"nothing of the cluster", "mint-short", Options{ClusterName: "nosuch", FailOn: []string{"empty"}}, exit.Findings},
		{"all includes empty", "mint-short", Options{ClusterName: "nosuch", FailOn: []string{"all"}}, exit.Findings},
		{"partial wins over findings", "broken", Options{ClusterName: "brk", CredentialsRequestsPath: "testdata/broken/credreqs", FailOn: []string{"unknown"}}, exit.Partial},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			o.EventsPath = filepath.Join("testdata", tt.events, "events.json")
			if o.CredentialsRequestsPath == "" {
				o.CredentialsRequestsPath = credreqs
			}
			var stderr bytes.Buffer
			err := Run(context.Background(), o, &bytes.Buffer{}, &stderr)
			if got := exit.Code(err); got != tt.want {
				t.Errorf("exit %d (%v), want %d\n%s", got, err, tt.want, stderr.String())
			}
		})
	}
}

func runJSON(t *testing.T, o Options) *Report {
	t.Helper()
	o.Format = FormatJSON
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), o, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	var rep struct {
		Users map[string]json.RawMessage `json:"users"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	r := &Report{Users: Users{ByName: map[string]*User{}}}
	for k, v := range rep.Users {
		if k == "unknown" || k == "notFound" || k == "ambiguous" {
			var names []string
			if err := json.Unmarshal(v, &names); err != nil {
				t.Fatal(err)
			}
			if k == "unknown" {
				r.Users.Unknown = names
			}
			continue
		}
		var u User
		if err := json.Unmarshal(v, &u); err != nil {
			t.Fatal(err)
		}
		r.Users.ByName[k] = &u
	}
	return r
}

func TestInstallerWithoutPolicy(t *testing.T) {
	for _, file := range []string{"", "testdata/installer/empty-policy.json"} {
		rep := runJSON(t, Options{
			EventsPath: "testdata/installer/events.json", CredentialsRequestsPath: credreqs,
			InfraID: "ci-op-abc-x7k2p", InstallerUserName: "ci-op-abc-installer", InstallerRequestsFile: file,
		})
		u := rep.Users.ByName["ci-op-abc-installer"]
		if u == nil || u.Target != "installer" || len(u.Diff.Missing) != 0 || !strings.Contains(u.Msg, "not compared") || len(u.Required) == 0 {
			t.Errorf("%q: %+v", file, u)
		}
	}
}

func TestLegacyUnknownAndNotFoundAgree(t *testing.T) {
	rep := runJSON(t, Options{EventsPath: "testdata/mint-short/events.json", CredentialsRequestsPath: credreqs, ClusterName: "ci-op-abc"})
	if !reflect.DeepEqual(rep.Users.Unknown, []string{"ci-op-zzz-q2w4r-openshift-ingress-t5x7z"}) {
		t.Errorf("unknown %v", rep.Users.Unknown)
	}
	if u := rep.Users.ByName["ci-op-abc-x7k2p-openshift-image-registry-2w5qd"]; !reflect.DeepEqual(u.ImplicitlyAllowed, []string{"iam:GetUser"}) || len(u.Diff.Missing) != 0 {
		t.Errorf("minted user's own iam:GetUser: %+v", u)
	}
}

func TestNormaliseLegacy(t *testing.T) {
	got := normaliseLegacy(map[string]*events.Action{
		"tagging:GetResources":                {Count: 2},
		"s3:PutBucketLifecycle":               {Count: 1},
		"s3:PutLifecycleConfiguration":        {Count: 1},
		"kms:ReEncrypt":                       {Count: 3},
		"kms:GenerateDataKeyWithoutPlaintext": {Count: 1},
		"sts:GetCallerIdentity":               {Count: 1},
		"madeup:Thing":                        {Count: 1},
	})
	want := map[string]int64{
		"tag:GetResources": 2, "s3:PutLifecycleConfiguration": 2, "kms:ReEncryptFrom": 3, "kms:ReEncryptTo": 3,
		"kms:GenerateDataKeyWithoutPlaintext": 1, "sts:GetCallerIdentity": 1, "madeup:Thing": 1,
	}
	for k, n := range want {
		if got[k] == nil || got[k].Count != n {
			t.Errorf("%s: %+v, want count %d", k, got[k], n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d actions, want %d", len(got), len(want))
	}
	if !got["sts:GetCallerIdentity"].Permissionless || !got["madeup:Thing"].Unmapped {
		t.Error("markers lost")
	}
}

func TestUncheckable(t *testing.T) {
	noData := map[string]bool{}
	s3Data := map[string]bool{"s3.amazonaws.com": true}
	tests := []struct {
		pattern  string
		required []string
		data     map[string]bool
		want     string
	}{
		{"iam:PassRole", nil, noData, ReasonPassRole},
		{"iam:*", nil, noData, ReasonPassRole},
		{"ec2:CreateTags", []string{"ec2:RunInstances"}, noData, ReasonEC2Tags},
		{"ec2:CreateTags", []string{"ec2:CreateVolume"}, noData, ReasonEC2Tags},
		{"ec2:CreateTags", []string{"ec2:DescribeInstances"}, noData, ""},
		{"elasticloadbalancing:AddTags", []string{"elasticloadbalancing:CreateLoadBalancer"}, noData, ReasonELBTags},
		{"elasticloadbalancing:AddTags", nil, noData, ""},
		{"s3:GetObject", nil, noData, ReasonData},
		{"s3:GetObject", nil, s3Data, ""},
		{"s3:*Object", nil, noData, ReasonData},
		{"s3:CreateBucket", nil, noData, ""},
		{"lambda:InvokeFunction", nil, s3Data, ReasonData},
		{"kms:ReEncrypt*", nil, noData, ""},
	}
	for _, tt := range tests {
		got, ok := uncheckable(tt.pattern, tt.required, tt.data, nil)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("uncheckable(%q, %v, %v) = %q, %v; want %q", tt.pattern, tt.required, tt.data, got, ok, tt.want)
		}
	}
}

func TestDiffDenyAndNotAction(t *testing.T) {
	u := &User{}
	in := diffInput{
		obs: observed{required: []string{"ec2:DescribeInstances", "ec2:RunInstances", "iam:GetUser", "foo:Bar"}, unmapped: []string{"foo:Bar"}},
		policy: mustPolicy(t, `{"Statement":[
			{"Effect":"Allow","Action":"ec2:*","Resource":"*"},
			{"Effect":"Deny","Action":"ec2:RunInstances","Resource":"*"}]}`),
	}
	diff(u, in)
	if !reflect.DeepEqual(u.Diff.Missing, []string{"ec2:RunInstances", "iam:GetUser"}) {
		t.Errorf("missing %v", u.Diff.Missing)
	}
	if !reflect.DeepEqual(u.Excluded, []string{"ec2:RunInstances"}) {
		t.Errorf("excluded %v", u.Excluded)
	}
	if !reflect.DeepEqual(u.Diff.UnsupportedCheck, []string{"foo:Bar"}) || u.Diff.Reasons["foo:Bar"] != ReasonUnmapped {
		t.Errorf("unsupported %v %v", u.Diff.UnsupportedCheck, u.Diff.Reasons)
	}
	if len(u.Diff.Extra) != 0 || !reflect.DeepEqual(u.RequestedDeny, []string{"ec2:RunInstances"}) {
		t.Errorf("extra %v deny %v", u.Diff.Extra, u.RequestedDeny)
	}
	if !reflect.DeepEqual(u.SecurityAlerts, []string{"wildcard action: ec2:*"}) {
		t.Errorf("alerts %v", u.SecurityAlerts)
	}
}

// TestNothingCompared: each way of comparing nothing warns on stderr, and
// --fail-on empty turns it into exit 3.
func TestNothingCompared(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty/events.json", "{}\n")
	write("empty/summary.json", `{"objects": 2, "records": 40, "recordsProcessed": 0, "dataEventSources": []}`)
	noReqs := filepath.Join(dir, "noreqs")
	if err := os.MkdirAll(noReqs, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		opts   Options
		stderr string
		reason string
	}{
		{"empty events.json", Options{EventsPath: empty, CredentialsRequestsPath: credreqs},
			"cci: warning: " + empty + " holds no identities (extract kept 0 of 40 records; see summary.json): nothing was compared", "no identities in the events"},
		{"extract output directory", Options{EventsPath: filepath.Dir(empty), CredentialsRequestsPath: credreqs},
			"cci: warning: " + empty + " holds no identities", "no identities in the events"},
		{"no identity matched", Options{EventsPath: "testdata/mint-short/events.json", CredentialsRequestsPath: credreqs, ClusterName: "nosuch"},
			"cci: warning: no identity matched cluster nosuch: nothing was compared; identities seen: ci-op-abc-x7k2p-aws-ebs-csi-driver-operator-n5v2c, ", "no identity matched"},
		{"no credentials requests", Options{EventsPath: "testdata/mint-short/events.json", CredentialsRequestsPath: noReqs, ClusterName: "ci-op-abc"},
			"cci: warning: no AWS CredentialsRequests found in " + noReqs, "no AWS CredentialsRequest loaded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if err := Run(context.Background(), tt.opts, &bytes.Buffer{}, &stderr); err != nil {
				t.Fatalf("without --fail-on: %v", err)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr.String())
			}
			o := tt.opts
			o.FailOn = []string{"empty"}
			err := Run(context.Background(), o, &bytes.Buffer{}, &bytes.Buffer{})
			if exit.Code(err) != exit.Findings || !strings.Contains(err.Error(), "empty: "+tt.reason) {
				t.Errorf("--fail-on empty: %v (exit %d), want exit 3 saying %q", err, exit.Code(err), tt.reason)
			}
		})
	}
}

func mustPolicy(t *testing.T, doc string) *policy.Policy {
	t.Helper()
	p, err := policy.ParsePolicy([]byte(doc), policy.ParseOptions{Strictness: policy.Strict})
	if err != nil {
		t.Fatalf("ParsePolicy: %v", err)
	}
	return p
}

// TestDiffCoverage pins how the evaluator's answer for "some resource,
// conditions unknown" becomes covered, conditional, missing or excluded.
func TestDiffCoverage(t *testing.T) {
	const action = "kms:CreateGrant"
	tests := []struct {
		name                 string
		statements           string
		missing, conditional bool
		excluded             bool
		extra                []string
	}{
		{"plain allow", `{"Effect":"Allow","Action":"kms:CreateGrant","Resource":"*"}`, false, false, false, nil},
		{"wildcard allow", `{"Effect":"Allow","Action":"kms:*Grant","Resource":"*"}`, false, false, false, nil},
		{"allow with condition", `{"Effect":"Allow","Action":"kms:CreateGrant","Resource":"*","Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}}`, false, true, false, nil},
		{"allow on some resources", `{"Effect":"Allow","Action":"kms:CreateGrant","Resource":"arn:aws:kms:*:*:key/*"}`, false, true, false, nil},
		{"allow with NotResource", `{"Effect":"Allow","Action":"kms:CreateGrant","NotResource":"arn:aws:kms:*:*:key/secret"}`, false, true, false, nil},
		{"allow with NotResource star", `{"Effect":"Allow","Action":"kms:CreateGrant","NotResource":"*"}`, true, false, false, []string{"kms:CreateGrant"}},
		{"conditional and plain allow", `{"Effect":"Allow","Action":"kms:CreateGrant","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},
			{"Effect":"Allow","Action":"kms:Create*","Resource":"*"}`, false, false, false, nil},
		{"other action", `{"Effect":"Allow","Action":"kms:RevokeGrant","Resource":"*"}`, true, false, false, []string{"kms:RevokeGrant"}},
		{"deny", `{"Effect":"Allow","Action":"kms:*","Resource":"*"},{"Effect":"Deny","Action":"kms:CreateGrant","Resource":"*"}`, true, false, true, []string{"kms:*"}},
		{"deny NotAction", `{"Effect":"Allow","Action":"kms:*","Resource":"*"},{"Effect":"Deny","NotAction":"kms:Describe*","Resource":"*"}`, true, false, true, []string{"kms:*"}},
		{"allow NotAction excluding it", `{"Effect":"Allow","NotAction":"kms:*Grant","Resource":"*"}`, true, false, false, nil},
		{"allow NotAction", `{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`, false, false, false, nil},
		{"deny with condition", `{"Effect":"Allow","Action":"kms:*","Resource":"*"},{"Effect":"Deny","Action":"kms:CreateGrant","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, false, true, false, nil},
		{"deny on some resources", `{"Effect":"Allow","Action":"kms:*","Resource":"*"},{"Effect":"Deny","Action":"kms:CreateGrant","Resource":"arn:aws:kms:*:*:key/secret"}`, false, true, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := &User{}
			diff(u, diffInput{obs: observed{required: []string{action}}, policy: mustPolicy(t, `{"Statement":[`+tt.statements+`]}`)})
			if got := slices.Contains(u.Diff.Missing, action); got != tt.missing {
				t.Errorf("missing %v, want %v", u.Diff.Missing, tt.missing)
			}
			if got := slices.Contains(u.Conditional, action); got != tt.conditional {
				t.Errorf("conditional %v, want %v", u.Conditional, tt.conditional)
			}
			if got := slices.Contains(u.Excluded, action); got != tt.excluded {
				t.Errorf("excluded %v, want %v", u.Excluded, tt.excluded)
			}
			if !slices.Equal(u.Diff.Extra, tt.extra) && len(u.Diff.Extra)+len(tt.extra) > 0 {
				t.Errorf("extra %v, want %v", u.Diff.Extra, tt.extra)
			}
		})
	}
}

func TestNotEventsJSON(t *testing.T) {
	out := t.TempDir()
	if err := Run(context.Background(), Options{EventsPath: "testdata/mint-short/events.json", CredentialsRequestsPath: credreqs, ClusterName: "ci-op-abc", Output: out},
		&bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for file, kind := range map[string]string{CompiledUsersFile: "compiled_users.json", CompiledUsersDiffFile: "compiled_users.diff.json", CredentialsRequestsFile: "credentials_requests.json"} {
		path := filepath.Join(out, file)
		err := Run(context.Background(), Options{EventsPath: path, CredentialsRequestsPath: credreqs}, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "reading events "+path+": this is a "+kind) {
			t.Errorf("%s: %v", file, err)
		}
	}
}

// TestDataSourcesFor: without summary.json only the identity's own data
// events show which services logged them; with it, the trail's list does.
func TestDataSourcesFor(t *testing.T) {
	withData := &events.Identity{Events: map[string]*events.Action{"s3:GetObject": {Count: 1, DataEvent: true}}}
	without := &events.Identity{Events: map[string]*events.Action{"ec2:DescribeInstances": {Count: 1}}}
	trail := map[string]bool{"s3.amazonaws.com": true}
	tests := []struct {
		name    string
		summary bool
		id      *events.Identity
		want    bool // s3 counts as logging data events
	}{
		{"legacy, own data event", false, withData, true},
		{"legacy, another identity's data event", false, without, false},
		{"summary", true, without, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := &trailEvents{SummaryFound: tt.summary, DataEventSources: trail}
			if got := ev.dataSourcesFor(tt.id)["s3.amazonaws.com"]; got != tt.want {
				t.Errorf("s3 logged = %v, want %v", got, tt.want)
			}
			_, unchecked := uncheckable("s3:PutObject", nil, ev.dataSourcesFor(tt.id), nil)
			if unchecked == tt.want {
				t.Errorf("s3:PutObject unsupportedCheck = %v with data events logged = %v", unchecked, tt.want)
			}
		})
	}
}

// TestDataEventsPerBucket: with summary.json's dataEventBuckets, an unused
// S3 object action is extra only when the trail logged data events for a
// bucket its statement names; otherwise it is unsupportedCheck.
func TestDataEventsPerBucket(t *testing.T) {
	s3 := map[string]bool{"s3.amazonaws.com": true}
	tests := []struct {
		name      string
		statement string
		buckets   []string
		want      string // "extra", or the unsupportedCheck reason
	}{
		{"bucket logged", `{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::registry-abc/*"}`, []string{"other", "registry-abc"}, "extra"},
		{"bucket not logged", `{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::registry-abc/*"}`, []string{"bootstrap"}, ReasonS3Bucket},
		{"bucket pattern logged", `{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::registry-*/*"}`, []string{"registry-abc"}, "extra"},
		{"bucket-level action", `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::registry-abc"}`, []string{"registry-abc"}, "extra"},
		{"bucket-level action, other bucket", `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::registry-abc"}`, []string{"registry-abd"}, ReasonS3Bucket},
		{"any resource", `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`, []string{"bootstrap"}, "extra"},
		{"conditional allow on the bucket", `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`, []string{"b"}, "extra"},
		{"buckets unknown", `{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::registry-abc/*"}`, nil, "extra"},
		{"management action", `{"Effect":"Allow","Action":"s3:CreateBucket","Resource":"arn:aws:s3:::registry-abc"}`, []string{"bootstrap"}, "extra"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := &User{}
			pol := mustPolicy(t, `{"Statement":[`+tt.statement+`]}`)
			diff(u, diffInput{obs: observed{required: []string{"ec2:DescribeInstances"}}, policy: pol, dataSources: s3, dataBuckets: tt.buckets})
			requested := pol.Statements[0].Actions()[0]
			switch {
			case tt.want == "extra":
				if !slices.Equal(u.Diff.Extra, []string{requested}) {
					t.Errorf("extra %v unsupported %v, want %s extra", u.Diff.Extra, u.Diff.Reasons, requested)
				}
			default:
				if len(u.Diff.Extra) != 0 || u.Diff.Reasons[requested] != tt.want {
					t.Errorf("extra %v reasons %v, want %s unsupported: %s", u.Diff.Extra, u.Diff.Reasons, requested, tt.want)
				}
			}
		})
	}
}

func TestLoadEventsDataBuckets(t *testing.T) {
	for _, tt := range []struct {
		name, summary string
		want          []string
	}{
		{"listed", `{"dataEventSources":["s3.amazonaws.com"],"dataEventBuckets":["a","b"]}`, []string{"a", "b"}},
		{"older summary", `{"dataEventSources":["s3.amazonaws.com"]}`, nil},
		{"empty list", `{"dataEventSources":[],"dataEventBuckets":[]}`, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "events.json"), []byte(`{}`), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "summary.json"), []byte(tt.summary), 0o644); err != nil {
				t.Fatal(err)
			}
			ev, err := loadEvents(filepath.Join(dir, "events.json"))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ev.DataEventBuckets, tt.want) {
				t.Errorf("buckets %v, want %v", ev.DataEventBuckets, tt.want)
			}
		})
	}
}

package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/extract/source"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

func TestInputShapes(t *testing.T) {
	r1 := rec(nil)
	r2 := rec(map[string]any{"eventTime": "2024-09-20T03:00:00Z"})
	ctEvent := func(r map[string]any) map[string]any {
		return map[string]any{"EventId": "x", "EventName": "DescribeInstances", "CloudTrailEvent": string(mustJSON(t, r))}
	}
	envelope := func(r map[string]any) map[string]any {
		return map[string]any{"version": "0", "detail-type": "AWS API Call via CloudTrail", "source": "aws.ec2", "detail": r}
	}
	logstash := rec(map[string]any{"eventTime": nil, "@timestamp": "2024-09-20T03:00:00.123Z"})
	multi := append(gz(t, records(t, r1)), gz(t, records(t, r2))...)
	tests := []struct {
		name string
		data []byte
	}{
		{"records.json.gz", gz(t, records(t, r1, r2))},
		{"records.json", records(t, r1, r2)},
		{"records-no-ext", gz(t, records(t, r1, r2))},
		{"array.json", mustJSON(t, []any{r1, r2})},
		{"lines.jsonl", lines(t, r1, r2)},
		{"lookup-events.json", mustJSON(t, map[string]any{"Events": []any{ctEvent(r1), ctEvent(r2)}, "NextToken": "abc"})},
		{"lookup-events-lines.json", lines(t, ctEvent(r1), ctEvent(r2))},
		{"eventbridge.json", lines(t, envelope(r1), envelope(r2))},
		{"eventbridge-array.json", mustJSON(t, []any{envelope(r1), envelope(r2)})},
		{"logstash.json", lines(t, r1, logstash)},
		{"multi-member.json.gz", multi},
		{"bom.json", append([]byte("\xef\xbb\xbf"), records(t, r1, r2)...)},
		{"pretty.json", func() []byte {
			var b bytes.Buffer
			b.WriteString("{\n  \"Records\" : [\n")
			b.Write(mustJSON(t, r1))
			b.WriteString(" ,\n ")
			b.Write(mustJSON(t, r2))
			b.WriteString("\n ] , \"extra\": {\"Records\": 1}\n}\n")
			return b.Bytes()
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runFiles(t, map[string][]byte{tt.name: tt.data}, Options{Jobs: 1})
			if res.err != nil {
				t.Fatalf("Run: %v\n%s", res.err, res.stderr)
			}
			st := res.status(t, tt.name)
			if st.Result != events.ResultSuccess || st.Stat.Total != 2 || st.Stat.Processed != 2 {
				t.Errorf("status = %+v, want success with 2 records processed", st)
			}
			a := res.action(t, "alice", "ec2:DescribeInstances")
			if a.Count != 2 || a.FirstSeen != "2024-09-20T02:45:12Z" || a.LastSeen != "2024-09-20T03:00:00Z" {
				t.Errorf("action = %+v, want count 2 from 02:45:12 to 03:00:00", a)
			}
		})
	}
}

func TestIdentityTypes(t *testing.T) {
	webIdentity := rec(map[string]any{
		"eventSource": "sts.amazonaws.com", "eventName": "AssumeRoleWithWebIdentity",
		"userIdentity":      map[string]any{"type": "WebIdentityUser", "principalId": "arn:aws:iam::123456789012:oidc-provider/x-oidc.s3.us-east-1.amazonaws.com:openshift", "userName": "system:serviceaccount:openshift-image-registry:registry", "identityProvider": "arn:aws:iam::123456789012:oidc-provider/x"},
		"requestParameters": map[string]any{"roleArn": "arn:aws:iam::123456789012:role/sts-openshift-image-registry-installer-cloud-cre", "roleSessionName": "s"},
	})
	tests := []struct {
		name     string
		record   map[string]any
		identity string
		typ      string
		action   string
		service  bool
	}{
		{"iam user", rec(nil), "alice", "IAMUser", "ec2:DescribeInstances", false},
		{"iam user without userName", rec(map[string]any{"userIdentity": map[string]any{"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/path/to/bob"}}), "bob", "IAMUser", "ec2:DescribeInstances", false},
		{"assumed role", rec(map[string]any{"userIdentity": assumedRole("ci-master-role", "i-0abc")}), "ci-master-role", "AssumedRole", "ec2:DescribeInstances", false},
		{"assumed role from arn", rec(map[string]any{"userIdentity": map[string]any{"type": "AssumedRole", "arn": "arn:aws:sts::1:assumed-role/rolex/sess"}}), "rolex", "AssumedRole", "ec2:DescribeInstances", false},
		{"web identity", webIdentity, "sts-openshift-image-registry-installer-cloud-cre", "WebIdentityUser", "sts:AssumeRoleWithWebIdentity", false},
		{"federated", rec(map[string]any{"userIdentity": map[string]any{"type": "FederatedUser", "principalId": "1:fed", "arn": "arn:aws:sts::1:federated-user/fed", "sessionContext": map[string]any{"sessionIssuer": map[string]any{"type": "IAMUser", "userName": "parent"}}}}), "parent", "FederatedUser", "ec2:DescribeInstances", false},
		{"root", rec(map[string]any{"userIdentity": map[string]any{"type": "Root", "principalId": "123456789012", "arn": "arn:aws:iam::123456789012:root"}}), "root", "Root", "ec2:DescribeInstances", false},
		{"aws account", rec(map[string]any{"userIdentity": map[string]any{"type": "AWSAccount", "principalId": "AIDAOTHER", "accountId": "999999999999"}}), "AIDAOTHER", "AWSAccount", "ec2:DescribeInstances", false},
		{"saml", rec(map[string]any{"eventSource": "sts.amazonaws.com", "eventName": "AssumeRoleWithSAML", "userIdentity": map[string]any{"type": "SAMLUser", "userName": "jdoe"}, "requestParameters": map[string]any{"roleArn": "arn:aws:iam::1:role/admins"}}), "admins", "SAMLUser", "sts:AssumeRoleWithSAML", false},
		{"aws service", rec(map[string]any{"userIdentity": map[string]any{"type": "AWSService", "invokedBy": "config.amazonaws.com"}}), "config.amazonaws.com", "AWSService", "ec2:DescribeInstances", true},
		{"service event", rec(map[string]any{"eventType": "AwsServiceEvent", "userIdentity": map[string]any{"accountId": "123456789012", "invokedBy": "ec2.amazonaws.com"}}), "", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runFiles(t, map[string][]byte{"a.json": records(t, tt.record)}, Options{Jobs: 1})
			if res.err != nil {
				t.Fatal(res.err)
			}
			if tt.service {
				if len(res.events) != 0 || res.summary.ServiceRecords != 1 {
					t.Errorf("service record kept: events %v, serviceRecords %d", keys(res.events), res.summary.ServiceRecords)
				}
				if tt.identity == "" {
					return
				}
				res = runFiles(t, map[string][]byte{"a.json": records(t, tt.record)}, Options{Jobs: 1, IncludeServicePrincipals: true})
			}
			id, ok := res.events[tt.identity]
			if !ok {
				t.Fatalf("identity %q missing; have %v", tt.identity, keys(res.events))
			}
			if id.Type != tt.typ || id.Provider != "AWS" || id.Name != tt.identity {
				t.Errorf("identity = %+v, want type %s", id, tt.typ)
			}
			res.action(t, tt.identity, tt.action)
		})
	}
	t.Run("web identity subject and role calls merge", func(t *testing.T) {
		role := "sts-openshift-image-registry-installer-cloud-cre"
		call := rec(map[string]any{"eventSource": "s3.amazonaws.com", "eventName": "HeadBucket", "userIdentity": assumedRole(role, "sess")})
		res := runFiles(t, map[string][]byte{"a.json": records(t, webIdentity, call)}, Options{Jobs: 1})
		id := res.events[role]
		if id == nil || id.Type != "AssumedRole" || !slices.Equal(id.Types, []string{"AssumedRole", "WebIdentityUser"}) ||
			!slices.Equal(id.Subjects, []string{"system:serviceaccount:openshift-image-registry:registry"}) {
			t.Fatalf("identity = %+v", id)
		}
		if a := res.action(t, role, "sts:AssumeRoleWithWebIdentity"); !a.Permissionless {
			t.Errorf("AssumeRoleWithWebIdentity not marked permissionless: %+v", a)
		}
		res.action(t, role, "s3:ListBucket")
	})
}

func TestLineage(t *testing.T) {
	installer := iamUser("c1-installer")
	create := func(user string) map[string]any {
		return rec(map[string]any{"userIdentity": installer, "eventSource": "iam.amazonaws.com", "eventName": "CreateUser", "requestParameters": map[string]any{"userName": user}})
	}
	createRole := rec(map[string]any{"userIdentity": installer, "eventSource": "iam.amazonaws.com", "eventName": "CreateRole", "requestParameters": map[string]any{"roleName": "c1-master-role"}})
	minted := rec(map[string]any{"userIdentity": iamUser("c1-x-openshift-ingress-abcde")})
	master := rec(map[string]any{"userIdentity": assumedRole("c1-master-role", "i-1")})
	files := map[string][]byte{"a.json": records(t, create("c1-x-openshift-ingress-abcde"), createRole, minted, master)}

	res := runFiles(t, files, Options{Jobs: 1})
	if got := res.events["c1-installer"].Creates; !slices.Equal(got, []string{"c1-master-role", "c1-x-openshift-ingress-abcde"}) {
		t.Errorf("creates = %v", got)
	}
	if got := res.events["c1-x-openshift-ingress-abcde"].CreatedBy; got != "c1-installer" {
		t.Errorf("created_by = %q", got)
	}
	if got := res.events["c1-master-role"].CreatedBy; got != "c1-installer" {
		t.Errorf("role created_by = %q", got)
	}
	// Filtering out the creator keeps created_by, as the legacy tool did.
	res = runFiles(t, files, Options{Jobs: 1, PrincipalPrefixes: []string{"c1-x-"}})
	if _, ok := res.events["c1-installer"]; ok || res.events["c1-x-openshift-ingress-abcde"].CreatedBy != "c1-installer" {
		t.Errorf("with filter: events %v, created_by %q", keys(res.events), res.events["c1-x-openshift-ingress-abcde"].CreatedBy)
	}
}

func TestFilters(t *testing.T) {
	mk := func(user, at, region, acct string) map[string]any {
		u := iamUser(user)
		return rec(map[string]any{"userIdentity": u, "eventTime": at, "awsRegion": region, "recipientAccountId": acct})
	}
	files := map[string][]byte{"a.json": records(t,
		mk("c1-installer", "2024-09-20T01:00:00Z", "us-east-1", "111111111111"),
		mk("c1-abc-ingress", "2024-09-20T02:00:00Z", "us-west-2", "111111111111"),
		mk("c2-installer", "2024-09-20T03:00:00Z", "us-east-1", "222222222222"),
		mk("other", "2024-09-20T04:00:00Z", "eu-west-1", "222222222222"),
	)}
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{"none", Options{}, []string{"c1-abc-ingress", "c1-installer", "c2-installer", "other"}},
		{"name", Options{PrincipalNames: []string{"other"}}, []string{"other"}},
		{"names", Options{PrincipalNames: []string{"other", "c2-installer", "absent"}}, []string{"c2-installer", "other"}},
		{"prefix", Options{PrincipalPrefixes: []string{"c1-"}}, []string{"c1-abc-ingress", "c1-installer"}},
		{"name and prefix union", Options{PrincipalNames: []string{"other"}, PrincipalPrefixes: []string{"c1-"}}, []string{"c1-abc-ingress", "c1-installer", "other"}},
		{"since", Options{Since: at("2024-09-20T03:00:00Z")}, []string{"c2-installer", "other"}},
		{"until", Options{Until: at("2024-09-20T02:00:00Z")}, []string{"c1-installer"}},
		{"window", Options{Since: at("2024-09-20T01:30:00Z"), Until: at("2024-09-20T03:30:00Z")}, []string{"c1-abc-ingress", "c2-installer"}},
		{"account", Options{Accounts: []string{"222222222222"}}, []string{"c2-installer", "other"}},
		{"region", Options{Regions: []string{"us-east-1", "eu-west-1"}}, []string{"c1-installer", "c2-installer", "other"}},
		{"region and prefix", Options{Regions: []string{"us-east-1"}, PrincipalPrefixes: []string{"c1-"}}, []string{"c1-installer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Jobs = 1
			res := runFiles(t, files, tt.opts)
			if res.err != nil {
				t.Fatal(res.err)
			}
			got := keys(res.events)
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("identities = %v, want %v", got, tt.want)
			}
			if st := res.statuses[0]; st.Stat.Processed != int64(len(tt.want)) || st.Stat.Processed+st.Stat.Skipped != 4 {
				t.Errorf("stat = %+v", st.Stat)
			}
		})
	}
}

func TestRecordDetails(t *testing.T) {
	denied := rec(map[string]any{"eventName": "CreateTags", "errorCode": "Client.UnauthorizedOperation",
		"errorMessage": "You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/alice is not authorized to perform: ec2:CreateTags on resource: arn:aws:ec2:us-east-1:123456789012:instance/i-1 because no identity-based policy allows the ec2:CreateTags action. Encoded authorization failure message: AbC"})
	files := map[string][]byte{"a.json": records(t,
		rec(map[string]any{"eventSource": "s3.amazonaws.com", "eventName": "HeadObject", "eventCategory": "Data"}),
		rec(map[string]any{"eventSource": "s3.amazonaws.com", "eventName": "GetObject", "eventCategory": "Data", "sourceIPAddress": "10.0.0.1"}),
		rec(map[string]any{"eventSource": "tagging.amazonaws.com", "eventName": "GetResources"}),
		rec(map[string]any{"eventSource": "monitoring.amazonaws.com", "eventName": "PutMetricData"}),
		rec(map[string]any{"eventSource": "ec2.amazonaws.com", "eventName": "FrobnicateWidgets"}),
		rec(map[string]any{"eventSource": "sts.amazonaws.com", "eventName": "GetCallerIdentity"}),
		rec(map[string]any{"eventSource": "kms.amazonaws.com", "eventName": "ReEncrypt"}),
		denied, denied,
	)}
	res := runFiles(t, files, Options{Jobs: 1})
	get := res.action(t, "alice", "s3:GetObject")
	if get.Count != 2 || !get.DataEvent || !slices.Equal(get.EventNames, []string{"s3:GetObject", "s3:HeadObject"}) {
		t.Errorf("s3:GetObject = %+v", get)
	}
	res.action(t, "alice", "tag:GetResources")
	res.action(t, "alice", "cloudwatch:PutMetricData")
	res.action(t, "alice", "kms:ReEncryptFrom")
	res.action(t, "alice", "kms:ReEncryptTo")
	if a := res.action(t, "alice", "ec2:FrobnicateWidgets"); !a.Unmapped {
		t.Errorf("unknown event not unmapped: %+v", a)
	}
	if a := res.action(t, "alice", "sts:GetCallerIdentity"); !a.Permissionless {
		t.Errorf("GetCallerIdentity not permissionless: %+v", a)
	}
	tags := res.action(t, "alice", "ec2:CreateTags")
	want := []events.Denial{{ErrorCode: "Client.UnauthorizedOperation", Action: "ec2:CreateTags", Cause: "identity-policy", Count: 2,
		Resources: []string{"arn:aws:ec2:us-east-1:123456789012:instance/i-1"}, EncodedMessages: []string{"AbC"}}}
	if tags.Errors["Client.UnauthorizedOperation"] != 2 || !reflect.DeepEqual(tags.Denied, want) {
		t.Errorf("ec2:CreateTags = %+v", tags)
	}
	id := res.events["alice"]
	if len(id.SourceIPs) != 2 || id.SourceIPs[0] != (events.Count{Value: "198.51.100.7", Count: 8}) {
		t.Errorf("sourceIPs = %+v", id.SourceIPs)
	}
	if !slices.Equal(res.summary.DataEventSources, []string{"s3.amazonaws.com"}) {
		t.Errorf("dataEventSources = %v", res.summary.DataEventSources)
	}
}

func TestBadInput(t *testing.T) {
	good := gz(t, records(t, rec(nil), rec(nil)))
	big := rec(map[string]any{"responseElements": map[string]any{"blob": strings.Repeat("a", 20<<20)}})
	deep := []byte(`{"Records":[` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `,` + string(mustJSON(t, rec(nil))) + `]}`)
	corrupt := append([]byte(nil), good...)
	for i := 20; i < len(corrupt)-10; i += 7 {
		corrupt[i] ^= 0x5a
	}
	// The gzip trailer: CRC32 of the content, then its length.
	badCRC := append([]byte(nil), good...)
	badCRC[len(badCRC)-8] ^= 1
	badSize := append([]byte(nil), good...)
	badSize[len(badSize)-4] ^= 1
	invalidUTF8 := bytes.Replace(records(t, rec(map[string]any{"userIdentity": iamUser("bob-MARK")})), []byte("MARK"), []byte{0xff, 0xfe}, 1)
	tests := []struct {
		name      string
		data      []byte
		result    string
		errSubstr string
		processed int64
		invalid   int64
	}{
		{"truncated.json.gz", good[:len(good)/2], events.ResultError, "truncated", 0, 0},
		{"truncated-after-records.json.gz", gz(t, records(t, rec(nil), rec(nil), rec(nil)))[:0], events.ResultSkipped, "no records", 0, 0},
		{"corrupt.json.gz", corrupt, events.ResultError, "", 0, 0},
		{"bad-crc.json.gz", badCRC, events.ResultError, "checksum", 2, 0},
		{"bad-size.json.gz", badSize, events.ResultError, "checksum", 2, 0},
		{"invalid.json", []byte(`{"Records":[` + string(mustJSON(t, rec(nil))) + `, {"eventName": "X",, ]}`), events.ResultError, "invalid JSON", 1, 1},
		{"wrong-shape.json", []byte(`{"Records":[1, "x", null, {"foo": "bar"}, ` + string(mustJSON(t, rec(nil))) + `]}`), events.ResultPartial, "4 of 5 records invalid", 1, 4},
		{"bad-field-types.json", []byte(`{"Records":[{"eventName": 5, "eventSource": {}}, ` + string(mustJSON(t, rec(map[string]any{"requestParameters": map[string]any{"userName": 7}}))) + `]}`), events.ResultPartial, "1 of 2", 1, 1},
		{"big-record.json", records(t, big, rec(nil)), events.ResultSuccess, "", 2, 0},
		{"deep.json", deep, events.ResultPartial, "1 of 2", 1, 1},
		{"invalid-utf8.json", invalidUTF8, events.ResultSuccess, "", 1, 0},
		{"empty.json", nil, events.ResultSkipped, "no records", 0, 0},
		{"empty.json.gz", gz(t, nil), events.ResultSkipped, "no records", 0, 0},
		{"README.md", []byte("# hello\n"), events.ResultSkipped, "not JSON", 0, 0},
		{"package.json", []byte(`{"name": "x", "version": "1.0.0"}`), events.ResultSkipped, "no records", 0, 0},
		{"AWSLogs/1/CloudTrail-Digest/us-east-1/2024/09/20/d.json.gz", gz(t, []byte(`{"awsAccountId":"1","digestStartTime":"2024-09-20T00:00:00Z","logFiles":[]}`)), events.ResultSkipped, "digest", 0, 0},
		{"digest-content.json", []byte(`{"awsAccountId":"1","digestStartTime":"2024-09-20T00:00:00Z","logFiles":[]}`), events.ResultSkipped, "digest", 0, 0},
		{"all-invalid.json", []byte(`[1, 2, 3]`), events.ResultError, "no valid records", 0, 3},
		{"trailing-garbage.json", append(records(t, rec(nil)), []byte("garbage")...), events.ResultError, "invalid JSON", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runFiles(t, map[string][]byte{tt.name: tt.data, "good.json.gz": good}, Options{Jobs: 2})
			st := res.status(t, tt.name)
			if st.Result != tt.result || !strings.Contains(st.Error, tt.errSubstr) || st.Stat.Processed != tt.processed || st.Stat.Invalid != tt.invalid {
				t.Errorf("status = %+v, want result %s, error containing %q, %d processed, %d invalid", st, tt.result, tt.errSubstr, tt.processed, tt.invalid)
			}
			if g := res.status(t, "good.json.gz"); g.Result != events.ResultSuccess || g.Stat.Processed != 2 {
				t.Errorf("good object: %+v", g)
			}
			wantCode := exit.OK
			if tt.result == events.ResultError {
				wantCode = exit.Partial
			}
			if code := exit.Code(res.err); code != wantCode {
				t.Errorf("exit code %d (%v), want %d", code, res.err, wantCode)
			}
			if res.events == nil {
				t.Fatal("events.json not written")
			}
		})
	}
}

func TestUnreadableObject(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ok.json"), records(t, rec(nil)), 0o644); err != nil {
		t.Fatal(err)
	}
	src := &memSource{objects: map[string][]byte{"mem://ok.json": records(t, rec(nil))}}
	failing := failingSource{}
	r := newRunner(Options{Jobs: 2, MaxRecordBytes: DefaultMaxRecordBytes, Output: t.TempDir()}, []source.Source{src, failing})
	if err := r.pass(context.Background()); err != nil {
		t.Fatal(err)
	}
	sum, err := r.write(false)
	if err != nil {
		t.Fatal(err)
	}
	if sum.ObjectsByResult[events.ResultError] != 1 || sum.RecordsProcessed != 1 {
		t.Errorf("summary = %+v", sum)
	}
}

type failingSource struct{}

func (failingSource) List(_ context.Context, _ source.ListOptions, fn func(source.Object) error) error {
	return fn(source.Object{Name: "mem://broken.json.gz", Size: 10})
}

func (failingSource) Open(context.Context, source.Object) (readCloser, error) {
	return nil, errors.New("connection reset by peer")
}

func TestDeterminismAcrossJobs(t *testing.T) {
	files := map[string][]byte{}
	for i := range 40 {
		var rs []map[string]any
		for j := range 30 {
			user := []string{"c1-installer", "c1-abc-openshift-ingress-x", "other"}[(i+j)%3]
			ev := []string{"DescribeInstances", "CreateTags", "RunInstances", "DescribeVpcs"}[(i*j)%4]
			r := rec(map[string]any{"userIdentity": iamUser(user), "eventName": ev,
				"eventTime":       time.Date(2024, 9, 20, i%24, j, 0, 0, time.UTC).Format(time.RFC3339),
				"sourceIPAddress": []string{"10.0.0.1", "10.0.0.2", "10.0.0.3"}[j%3]})
			if j%7 == 0 {
				r["errorCode"] = "Client.UnauthorizedOperation"
				r["errorMessage"] = "User: x is not authorized to perform: ec2:" + ev + " on resource: y"
			}
			rs = append(rs, r)
		}
		files[filepath.Join("AWSLogs/1/CloudTrail/us-east-1/2024/09/20", strings.Repeat("o", i%5)+string(rune('a'+i%26))+".json.gz")] = gz(t, records(t, rs...))
	}
	files["bad.json.gz"] = []byte{0x1f, 0x8b, 1, 2, 3}
	in := writeFiles(t, files)
	var first map[string][]byte
	for _, jobs := range []int{1, 8, 3} {
		res := runOpts(t, Options{EventsPaths: []string{in}, Jobs: jobs}, filepath.Join(t.TempDir(), "out"))
		if exit.Code(res.err) != exit.Partial {
			t.Fatalf("jobs %d: %v", jobs, res.err)
		}
		if first == nil {
			first = res.raw
			continue
		}
		sameOutputs(t, fmt.Sprintf("jobs %d against jobs 1", jobs), res.raw, first)
	}
}

func TestLegacyOutputShape(t *testing.T) {
	res := runFiles(t, map[string][]byte{"a.json": records(t, rec(nil))}, Options{Jobs: 1})
	var raw map[string]map[string]any
	if err := jsonUnmarshal(res.raw[events.EventsFile], &raw); err != nil {
		t.Fatal(err)
	}
	alice := raw["alice"]
	for _, k := range []string{"provider", "name", "type", "events"} {
		if _, ok := alice[k]; !ok {
			t.Errorf("events.json identity lacks legacy key %q", k)
		}
	}
	ev := alice["events"].(map[string]any)["ec2:DescribeInstances"].(map[string]any)
	if ev["count"].(float64) != 1 {
		t.Errorf("count = %v", ev["count"])
	}
	var statuses []map[string]any
	if err := jsonUnmarshal(res.raw[events.FileStatusFile], &statuses); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"file", "cloud_provider", "result", "stat"} {
		if _, ok := statuses[0][k]; !ok {
			t.Errorf("file_status.json entry lacks legacy key %q", k)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, o := range []Options{
		{},
		{EventsPaths: []string{"x"}},
		{Output: "x"},
		{EventsPaths: []string{"x"}, Output: "o", Since: time.Unix(100, 0), Until: time.Unix(50, 0)},
		{EventsPaths: []string{"x"}, Output: "o", CloudProvider: "Azure"},
		{EventsPaths: []string{"x"}, Output: "o", Jobs: -1},
	} {
		if err := o.Validate(); exit.Code(err) != exit.Usage {
			t.Errorf("Validate(%+v) = %v, want a usage error", o, err)
		}
	}
	res := runOpts(t, Options{EventsPaths: []string{filepath.Join(t.TempDir(), "absent")}}, t.TempDir())
	if exit.Code(res.err) != exit.Usage {
		t.Errorf("missing input: %v, want usage error", res.err)
	}
}

func TestStdinAndMixedSources(t *testing.T) {
	in := writeFiles(t, map[string][]byte{"a.json.gz": gz(t, records(t, rec(nil)))})
	opts := Options{EventsPaths: []string{"-", in}, Jobs: 2, Stdin: bytes.NewReader(gz(t, lines(t, rec(map[string]any{"userIdentity": iamUser("bob")}))))}
	res := runOpts(t, opts, filepath.Join(t.TempDir(), "out"))
	if res.err != nil {
		t.Fatal(res.err)
	}
	if st := res.status(t, "-"); st.Result != events.ResultSuccess || st.Stat.Processed != 1 {
		t.Errorf("stdin status = %+v", st)
	}
	res.action(t, "bob", "ec2:DescribeInstances")
	res.action(t, "alice", "ec2:DescribeInstances")
}

// TestDataEventBuckets: summary.json lists the buckets of S3 data events,
// whatever the shape cache holds (two records that differ only in bucket
// share a shape), and only of data events.
func TestDataEventBuckets(t *testing.T) {
	s3rec := func(name, category, bucket string) map[string]any {
		r := map[string]any{"eventSource": "s3.amazonaws.com", "eventName": name, "eventCategory": category}
		if bucket != "" {
			r["requestParameters"] = map[string]any{"bucketName": bucket, "key": "k"}
		}
		return r
	}
	tests := []struct {
		name    string
		records []map[string]any
		want    []string
	}{
		{"none", []map[string]any{s3rec("ListBuckets", "Management", "")}, []string{}},
		{"management calls name no data bucket", []map[string]any{s3rec("CreateBucket", "Management", "mgmt")}, []string{}},
		{"one shape, two buckets", []map[string]any{s3rec("GetObject", "Data", "b2"), s3rec("GetObject", "Data", "b1"), s3rec("GetObject", "Data", "b2")}, []string{"b1", "b2"}},
		{"data event without bucket", []map[string]any{s3rec("GetObject", "Data", "")}, []string{}},
		{"other service", []map[string]any{{"eventSource": "lambda.amazonaws.com", "eventName": "Invoke", "eventCategory": "Data",
			"requestParameters": map[string]any{"bucketName": "not-s3"}}}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rs []map[string]any
			for _, r := range tt.records {
				rs = append(rs, rec(r))
			}
			res := runFiles(t, map[string][]byte{"a.json": records(t, rs...)}, Options{Jobs: 1})
			if !slices.Equal(res.summary.DataEventBuckets, tt.want) {
				t.Errorf("dataEventBuckets = %v, want %v", res.summary.DataEventBuckets, tt.want)
			}
		})
	}
}

// TestSourceIPAndAgentCounts holds the per-record counting of source IPs
// and user agents (outside the shape key) to a count made here: values
// that alternate within a shape, two objects that differ only in their
// addresses (a cached value must not alias the decoder's buffer, which the
// second object overwrites), and invalid UTF-8 that repairs to one value.
func TestSourceIPAndAgentCounts(t *testing.T) {
	var a, b []map[string]any
	wantIP := map[string]int64{}
	for i := range 30 {
		ip := fmt.Sprintf("10.0.0.%d", i%3)
		a = append(a, rec(map[string]any{"sourceIPAddress": ip, "userAgent": "ua-" + ip}))
		wantIP[ip]++
		ip = fmt.Sprintf("10.0.1.%d", i%3)
		b = append(b, rec(map[string]any{"sourceIPAddress": ip, "userAgent": "ua-" + ip}))
		wantIP[ip]++
	}
	// Raw bytes 0xff and 0xfe are invalid UTF-8; both repair to U+FFFD.
	bad := bytes.ReplaceAll(records(t,
		rec(map[string]any{"sourceIPAddress": "BADx"}),
		rec(map[string]any{"sourceIPAddress": "BADy"}),
		rec(map[string]any{"sourceIPAddress": "BADx"}),
	), []byte("BADx"), []byte("\xff1"))
	bad = bytes.ReplaceAll(bad, []byte("BADy"), []byte("\xfe1"))
	wantIP["\uFFFD1"] = 3
	// 1.json and 2.json are read first, one record each at the same offset.
	one := records(t, rec(map[string]any{"sourceIPAddress": "10.0.2.1", "userAgent": "ua-10.0.2.1"}))
	two := records(t, rec(map[string]any{"sourceIPAddress": "10.0.2.2", "userAgent": "ua-10.0.2.2"}))
	wantIP["10.0.2.1"], wantIP["10.0.2.2"] = 1, 1
	res := runFiles(t, map[string][]byte{"1.json": one, "2.json": two,
		"a.json": records(t, a...), "b.json": records(t, b...), "c.json": bad}, Options{Jobs: 1})
	id := res.events["alice"]
	if id == nil {
		t.Fatal("no identity alice")
	}
	got := map[string]int64{}
	for _, c := range id.SourceIPs {
		got[c.Value] = c.Count
	}
	if !maps.Equal(got, wantIP) {
		t.Errorf("sourceIPs = %v, want %v", got, wantIP)
	}
	for _, c := range id.UserAgents {
		if want := wantIP[strings.TrimPrefix(c.Value, "ua-")]; c.Value != "aws-sdk-go/1.0" && c.Count != want {
			t.Errorf("userAgent %q counted %d, want %d", c.Value, c.Count, want)
		}
	}
	if len(id.UserAgents) != 9 {
		t.Errorf("userAgents = %v, want 8 ua-* and the default", id.UserAgents)
	}
}

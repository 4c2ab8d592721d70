package trailgen

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/trails/sample from SampleConfig")

// sampleDir is the committed sample, relative to this package.
var sampleDir = filepath.Join("..", "..", "testdata", "trails", "sample")

type object struct {
	name string
	gz   []byte
}

func generate(t *testing.T, cfg Config) ([]object, Stats) {
	t.Helper()
	var objs []object
	st, err := Generate(context.Background(), cfg, func(name string, gz []byte) error {
		objs = append(objs, object{name, gz})
		return nil
	})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return objs, st
}

func gunzip(t *testing.T, name string, gz []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b
}

type rec = map[string]any

// decodeRecords decodes the log objects (digests skipped) in order.
func decodeRecords(t *testing.T, objs []object) (map[string][]rec, []rec) {
	t.Helper()
	byObject := map[string][]rec{}
	var all []rec
	for _, o := range objs {
		if strings.Contains(o.name, "/CloudTrail-Digest/") {
			continue
		}
		var body struct{ Records []rec }
		if err := json.Unmarshal(gunzip(t, o.name, o.gz), &body); err != nil {
			t.Fatalf("%s: %v", o.name, err)
		}
		byObject[o.name] = body.Records
		all = append(all, body.Records...)
	}
	return byObject, all
}

func str(m rec, keys ...string) string {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = mm[k]
	}
	s, _ := v.(string)
	return s
}

// identityName resolves a record's identity as DESIGN.md section 3 says.
func identityName(r rec) string {
	switch str(r, "userIdentity", "type") {
	case "IAMUser":
		return str(r, "userIdentity", "userName")
	case "AssumedRole", "FederatedUser":
		return str(r, "userIdentity", "sessionContext", "sessionIssuer", "userName")
	case "WebIdentityUser":
		return path.Base(str(r, "requestParameters", "roleArn"))
	case "Root":
		return "root"
	case "AWSAccount":
		return str(r, "userIdentity", "accountId")
	}
	return str(r, "userIdentity", "invokedBy")
}

func TestSampleMatchesCommitted(t *testing.T) {
	if *update {
		if err := os.RemoveAll(filepath.Join(sampleDir, "AWSLogs")); err != nil {
			t.Fatal(err)
		}
		if _, err := Write(context.Background(), sampleDir, SampleConfig()); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	cfg := SampleConfig()
	cfg.Workers = 3
	if _, err := Write(context.Background(), dir, cfg); err != nil {
		t.Fatal(err)
	}
	got, want := readTree(t, dir), readTree(t, sampleDir)
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("committed %s is no longer generated", name)
		}
	}
	for name, b := range got {
		w, ok := want[name]
		switch {
		case !ok:
			t.Errorf("generated %s is not committed", name)
		case !bytes.Equal(b, w):
			t.Errorf("%s differs from the committed file (%d vs %d bytes)", name, len(b), len(w))
		}
	}
	if t.Failed() {
		t.Log("regenerate with: go test ./internal/trailgen -run TestSampleMatchesCommitted -update (see testdata/trails/README.md)")
	}
}

// readTree reads every file under dir/AWSLogs, keyed by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	root := filepath.Join(dir, "AWSLogs")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatalf("reading %s: %v", root, err)
	}
	return files
}

func TestDeterministicAcrossWorkers(t *testing.T) {
	sum := func(workers int) []string {
		cfg := BenchConfig(6000)
		cfg.RecordsPerObject = 250
		cfg.Workers = workers
		objs, _ := generate(t, cfg)
		var out []string
		for _, o := range objs {
			out = append(out, fmt.Sprintf("%s %x", o.name, sha256.Sum256(o.gz)))
		}
		return out
	}
	one, many := sum(1), sum(5)
	if !slices.Equal(one, many) {
		t.Errorf("output with 1 worker differs from output with 5:\n%v\n%v", one[:3], many[:3])
	}
	cfg := BenchConfig(6000)
	cfg.Seed = 2
	other, _ := generate(t, cfg)
	if len(other) > 0 && fmt.Sprintf("%s %x", other[0].name, sha256.Sum256(other[0].gz)) == one[0] {
		t.Error("a different seed gave the same first object")
	}
}

var objectNameRE = regexp.MustCompile(`^AWSLogs/(\d{12})/CloudTrail/([a-z0-9-]+)/(\d{4}/\d{2}/\d{2})/(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{8}T\d{4}Z)_[A-Za-z0-9]{16}\.json\.gz$`)

// TestBenchmarkShape checks what issue 5's benchmark relies on: ~1.4 KB
// records, 500 records per object, files named and ordered like CloudTrail's.
func TestBenchmarkShape(t *testing.T) {
	const n = 20000
	objs, st := generate(t, BenchConfig(n))
	if st.Records != n || st.Objects != n/500 || st.Digests != 1 {
		t.Errorf("stats = %+v, want %d records in %d objects and 1 digest", st, n, n/500)
	}
	avg := float64(st.JSONBytes) / float64(st.Records)
	if avg < 1200 || avg > 1600 {
		t.Errorf("average record is %.0f bytes, want 1200-1600", avg)
	}
	t.Logf("average record %.0f bytes, compression %.1fx", avg, float64(st.JSONBytes)/float64(st.GzipBytes))
	byObject, _ := decodeRecords(t, objs)
	var jsonBytes int64
	for _, o := range objs {
		if strings.Contains(o.name, "/CloudTrail-Digest/") {
			continue
		}
		jsonBytes += int64(len(gunzip(t, o.name, o.gz)))
		checkObject(t, o.name, byObject[o.name])
		if got := len(byObject[o.name]); got != 500 {
			t.Errorf("%s holds %d records, want 500", o.name, got)
		}
	}
	if jsonBytes != st.JSONBytes {
		t.Errorf("Stats.JSONBytes = %d, objects hold %d", st.JSONBytes, jsonBytes)
	}
}

// checkObject checks a log object's name against its records: sorted by
// eventTime, all within the 5 minutes before the delivery time the name
// carries, in the region and account the name carries.
func checkObject(t *testing.T, name string, recs []rec) {
	t.Helper()
	m := objectNameRE.FindStringSubmatch(name)
	if m == nil {
		t.Errorf("%s: not a CloudTrail object name", name)
		return
	}
	acct, region, day, acct2, region2, stamp := m[1], m[2], m[3], m[4], m[5], m[6]
	delivery, err := time.Parse("20060102T1504Z", stamp)
	if err != nil || acct != acct2 || region != region2 || delivery.Format("2006/01/02") != day {
		t.Errorf("%s: inconsistent name", name)
	}
	if len(recs) == 0 {
		t.Errorf("%s: no records", name)
	}
	prev := ""
	for i, r := range recs {
		et := str(r, "eventTime")
		ts, err := time.Parse(time.RFC3339, et)
		if err != nil {
			t.Errorf("%s record %d: eventTime %q: %v", name, i, et, err)
			continue
		}
		if et < prev {
			t.Errorf("%s record %d: eventTime %s before %s", name, i, et, prev)
		}
		prev = et
		if ts.Before(delivery.Add(-deliveryWindow)) || !ts.Before(delivery) {
			t.Errorf("%s record %d: eventTime %s outside the delivery window", name, i, et)
		}
		if str(r, "awsRegion") != region || str(r, "recipientAccountId") != acct {
			t.Errorf("%s record %d: region %s account %s", name, i, str(r, "awsRegion"), str(r, "recipientAccountId"))
		}
	}
}

// TestSampleContent checks that the sample holds what the extract tests rely
// on: every call of the scenario, every identity type, the denial formats,
// lineage, data events and the digest.
func TestSampleContent(t *testing.T) {
	objs, st := generate(t, SampleConfig())
	if st.Records < 300 || st.Records > 2000 || st.GzipBytes > 1<<20 {
		t.Errorf("sample is %d records, %d bytes gzipped; want a few hundred to 2000 records under 1 MiB", st.Records, st.GzipBytes)
	}
	if d := st.Last.Sub(st.First); d < 24*time.Hour || d > 48*time.Hour {
		t.Errorf("sample spans %s, want 1-2 days", d)
	}
	byObject, recs := decodeRecords(t, objs)
	for name, rs := range byObject {
		checkObject(t, name, rs)
	}

	t.Run("every scenario call", func(t *testing.T) {
		seen := map[string]bool{}
		for _, r := range recs {
			seen[identityName(r)+" "+str(r, "eventName")+" "+str(r, "errorCode")] = true
		}
		s := DefaultScenario()
		for _, id := range s.Identities() {
			for _, c := range id.Calls {
				code := ""
				if c.Deny != nil {
					code = c.Deny.Code
				}
				if key := id.Name + " " + c.Event + " " + code; !seen[key] {
					t.Errorf("no record of %q", key)
				}
			}
		}
	})

	t.Run("identity and event types", func(t *testing.T) {
		types := map[string]bool{}
		for _, r := range recs {
			types[str(r, "userIdentity", "type")] = true
			types["eventType:"+str(r, "eventType")] = true
			types["eventCategory:"+str(r, "eventCategory")] = true
			types["eventVersion:"+str(r, "eventVersion")] = true
		}
		for _, want := range []string{"IAMUser", "AssumedRole", "WebIdentityUser", "FederatedUser", "Root", "AWSAccount", "AWSService",
			"eventType:AwsApiCall", "eventType:AwsServiceEvent", "eventType:AwsConsoleSignIn",
			"eventCategory:Management", "eventCategory:Data", "eventVersion:1.08", "eventVersion:1.09"} {
			if !types[want] {
				t.Errorf("no record with %s", want)
			}
		}
	})

	t.Run("lineage", func(t *testing.T) {
		created := map[string]string{}
		for _, r := range recs {
			switch str(r, "eventName") {
			case "CreateUser":
				created[str(r, "requestParameters", "userName")] = identityName(r)
			case "CreateRole":
				created[str(r, "requestParameters", "roleName")] = identityName(r)
			}
		}
		for _, c := range DefaultScenario().Clusters {
			for _, id := range c.Identities {
				if id.CredReq == "" {
					continue
				}
				want := MintInstaller
				switch {
				case c.Name == LongCluster:
					want = LongInstaller
				case c.Mode == ModeSTS:
					want = STSCcoctlUser
				}
				if created[id.Name] != want {
					t.Errorf("%s created by %q, want %q", id.Name, created[id.Name], want)
				}
			}
		}
	})

	t.Run("denials", func(t *testing.T) {
		msgs := map[string]bool{}
		for _, r := range recs {
			if code := str(r, "errorCode"); code != "" {
				msgs[code+": "+str(r, "errorMessage")] = true
			}
		}
		for _, want := range []string{
			"Client.UnauthorizedOperation: You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/ci-op-abc-installer is not authorized to perform: ec2:CreateTags on resource: arn:aws:ec2:us-west-2:",
			"because no identity-based policy allows the ec2:CreateTags action. Encoded authorization failure message: ",
			"AccessDenied: User: arn:aws:iam::123456789012:user/ci-op-abc-x7k2p-openshift-image-registry-4vnzs is not authorized to perform: s3:PutBucketOwnershipControls on resource: \"arn:aws:s3:::",
			"AccessDenied: User: arn:aws:iam::123456789012:user/ci-op-longclusternam-openshift-ingress-c7vzn is not authorized to perform: route53:ChangeResourceRecordSets on resource: arn:aws:route53:::hostedzone/",
			"with an explicit deny in a permissions boundary",
			"with an explicit deny in a service control policy",
			"AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ci-sts-def-openshift-cluster-api-capa-manager-bootstrap-credenti/",
			"Client.UnauthorizedOperation: You are not authorized to perform this operation. Encoded authorization failure message: ",
			"Client.UnauthorizedOperation: You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/ci-op-abc-x7k2p-worker-role/i-0",
			"AccessDenied: Access Denied",
			"InvalidIdentityToken: Couldn't retrieve verification key",
			"AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity",
		} {
			found := false
			for m := range msgs {
				if strings.Contains(m, want) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("no errorMessage containing %q", want)
			}
		}
	})

	t.Run("web identity", func(t *testing.T) {
		var ok, bad int
		for _, r := range recs {
			if str(r, "userIdentity", "type") != "WebIdentityUser" {
				continue
			}
			sub := str(r, "userIdentity", "userName")
			if !strings.HasPrefix(sub, "system:serviceaccount:") || !strings.HasPrefix(identityName(r), STSCluster+"-") ||
				!strings.Contains(str(r, "userIdentity", "identityProvider"), strings.TrimPrefix(STSOIDCIssuer, "https://")) {
				t.Errorf("bad web identity record: sub %q role %q", sub, identityName(r))
			}
			if str(r, "errorCode") == "InvalidIdentityToken" {
				bad++
			} else {
				ok++
			}
		}
		if ok == 0 || bad == 0 {
			t.Errorf("%d successful and %d InvalidIdentityToken web identity calls, want both", ok, bad)
		}
	})

	t.Run("S3 data events", func(t *testing.T) {
		for _, r := range recs {
			if str(r, "eventSource") != "s3.amazonaws.com" {
				continue
			}
			data := s3DataEvent(str(r, "eventName"))
			if (str(r, "eventCategory") == "Data") != data || r["managementEvent"] == data {
				t.Errorf("%s: eventCategory %s managementEvent %v", str(r, "eventName"), str(r, "eventCategory"), r["managementEvent"])
			}
		}
	})

	t.Run("digest", func(t *testing.T) {
		var digests []object
		for _, o := range objs {
			if strings.Contains(o.name, "/CloudTrail-Digest/") {
				digests = append(digests, o)
			}
		}
		if len(digests) != 1 {
			t.Fatalf("%d digests, want 1", len(digests))
		}
		var d digestFile
		if err := json.Unmarshal(gunzip(t, digests[0].name, digests[0].gz), &d); err != nil {
			t.Fatal(err)
		}
		if d.AWSAccountID != SampleAccount || d.DigestS3Object != digests[0].name || len(d.LogFiles) == 0 {
			t.Errorf("digest %+v", d)
		}
		for _, lf := range d.LogFiles {
			o := slices.IndexFunc(objs, func(o object) bool { return o.name == lf.S3Object })
			if o < 0 {
				t.Errorf("digest lists %s, which was not generated", lf.S3Object)
				continue
			}
			if got := fmt.Sprintf("%x", sha256.Sum256(gunzip(t, lf.S3Object, objs[o].gz))); got != lf.HashValue {
				t.Errorf("digest hash of %s = %s, content hashes to %s", lf.S3Object, lf.HashValue, got)
			}
		}
	})
}

// TestGzipHeader checks the gzip stream carries nothing that varies between
// runs: no file name, no modification time.
func TestGzipHeader(t *testing.T) {
	gz, err := gzipBytes([]byte(`{"Records":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() || zr.Comment != "" {
		t.Errorf("header = %+v, want empty", zr.Header)
	}
}

func TestConfigErrors(t *testing.T) {
	base := BenchConfig(100)
	tests := []struct {
		name   string
		modify func(*Config)
	}{
		{"no records", func(c *Config) { c.Records = 0 }},
		{"no records per object", func(c *Config) { c.RecordsPerObject = -1 }},
		{"interval below 5m", func(c *Config) { c.Interval = time.Minute }},
		{"interval not whole minutes", func(c *Config) { c.Interval = 330 * time.Second }},
		{"no start", func(c *Config) { c.Start = time.Time{} }},
		{"identity outside the regions", func(c *Config) {
			c.Scenario = DefaultScenario()
			c.Scenario.Regions = []string{"us-east-1"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			tt.modify(&cfg)
			_, err := Generate(context.Background(), cfg, func(string, []byte) error { return nil })
			if err == nil {
				t.Error("Generate succeeded, want an error")
			}
		})
	}
}

func TestSinkError(t *testing.T) {
	errFull := errors.New("disk full")
	var calls int
	_, err := Generate(context.Background(), BenchConfig(5000), func(string, []byte) error {
		calls++
		if calls == 3 {
			return errFull
		}
		return nil
	})
	if !errors.Is(err, errFull) {
		t.Errorf("Generate = %v, want the sink's error", err)
	}
	if calls != 3 {
		t.Errorf("sink called %d times after failing, want it to stop at 3", calls)
	}
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Generate(ctx, BenchConfig(100000), func(string, []byte) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Generate = %v, want context.Canceled", err)
	}
}

func BenchmarkGenerate(b *testing.B) {
	cfg := BenchConfig(20000)
	var bytes int64
	for b.Loop() {
		st, err := Generate(context.Background(), cfg, func(string, []byte) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		bytes = st.JSONBytes
	}
	b.SetBytes(bytes)
	b.ReportMetric(float64(cfg.Records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

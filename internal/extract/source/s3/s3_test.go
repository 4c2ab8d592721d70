package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/extract/source"
	"github.com/cloud-credentials-insights/cci/internal/s3test"
)

func TestParseS3URL(t *testing.T) {
	tests := []struct {
		spec, bucket, prefix string
		err                  bool
	}{
		{"s3://b", "b", "", false},
		{"s3://b/", "b", "", false},
		{"s3://b/AWSLogs/", "b", "AWSLogs/", false},
		{"S3://b/a b/%20", "b", "a b/%20", false}, // keys are taken verbatim
		{"s3:///x", "", "", true},
		{"s3://", "", "", true},
		{"gs://b/x", "", "", true},
		{"b/x", "", "", true},
	}
	for _, tt := range tests {
		b, p, err := parseS3URL(tt.spec)
		if (err != nil) != tt.err || b != tt.bucket || p != tt.prefix {
			t.Errorf("parseS3URL(%q) = %q, %q, %v", tt.spec, b, p, err)
		}
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://127.0.0.1:9000/b/k?x-id=GetObject", "http://127.0.0.1:9000/b/k?x-id=GetObject"},
		{"https://user:pass@s3.example.com/b/k", "https://s3.example.com/b/k"},
		{"https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20240101&X-Amz-Signature=abc&versionId=1",
			"https://b.s3.amazonaws.com/k?versionId=1"},
		{"https://b.s3.amazonaws.com/k?AWSAccessKeyId=AKIA&Signature=x&Expires=1", "https://b.s3.amazonaws.com/k?Expires=1"},
	}
	for _, tt := range tests {
		if got := redactURL(tt.in); got != tt.want {
			t.Errorf("redactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestContentRangeStart(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"bytes 100-199/200", 100, true},
		{"bytes 0-0/1", 0, true},
		{"bytes */200", 0, false},
		{"items 1-2/3", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := contentRangeStart(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("contentRangeStart(%q) = %d, %v", tt.in, got, ok)
		}
	}
}

func TestBackoffCap(t *testing.T) {
	for _, max := range []time.Duration{5 * time.Millisecond, 20 * time.Second} {
		restore := SetMaxBackoff(max)
		for attempt := 1; attempt < 40; attempt++ {
			d, err := backoff().BackoffDelay(attempt, nil)
			if err != nil || d < 0 || d > max {
				t.Fatalf("cap %v: backoff(%d) = %v, %v", max, attempt, d, err)
			}
		}
		restore()
	}
	if got := time.Duration(s3MaxBackoff.Load()); got != 20*time.Second {
		t.Errorf("after restore the cap is %v, want the SDK default 20s", got)
	}
}

// fastRetries shortens every S3 wait for the rest of the test.
func fastRetries(t *testing.T) {
	t.Helper()
	t.Cleanup(SetMaxBackoff(5 * time.Millisecond))
}

func TestBucketRegion(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path)
		mu.Unlock()
		switch r.URL.Path {
		case "/moved":
			w.Header().Set("x-amz-bucket-region", "eu-west-3")
			w.WriteHeader(http.StatusMovedPermanently)
		case "/denied":
			w.Header().Set("x-amz-bucket-region", "ap-south-1")
			w.WriteHeader(http.StatusForbidden)
		case "/here":
			w.Header().Set("x-amz-bucket-region", "us-west-2")
		case "/mute":
			w.WriteHeader(http.StatusOK)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer fake.Close()
	client := s3test.NewClient(fake.URL)
	ctx := context.Background()
	tests := []struct {
		bucket, configured, want string
		err                      string
	}{
		{"moved", "", "eu-west-3", ""},
		{"moved", "us-east-1", "eu-west-3", ""},
		{"denied", "", "ap-south-1", ""},
		{"here", "us-west-2", "us-west-2", ""},
		{"mute", "eu-central-1", "eu-central-1", ""},
		{"mute", "", "us-east-1", ""},
		{"missing", "eu-central-1", "", `bucket "missing" not found`},
	}
	for _, tt := range tests {
		got, err := bucketRegion(ctx, client, tt.bucket, tt.configured)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want %q", tt.bucket, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("bucketRegion(%s, %q) = %q, %v; want %q", tt.bucket, tt.configured, got, err, tt.want)
		}
	}
	if !slices.Contains(seen, "HEAD /moved") {
		t.Errorf("requests = %q, want HeadBucket", seen)
	}
}

// s3Fixture is a bucket on a versitygw behind a fault-injecting proxy.
type s3Fixture struct {
	srv    *s3test.Server
	proxy  *s3test.Proxy
	bucket string
	keys   map[string][]byte
}

func ctName(acct, region string, ts time.Time, rnd string) string {
	return fmt.Sprintf("AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s.json.gz",
		acct, region, ts.Format("2006/01/02"), acct, region, ts.Format("20060102T1504Z"), rnd)
}

// newS3Fixture uploads objects spread over two accounts, two regions and
// three days (a few per day), a digest and a stray README.
func newS3Fixture(t *testing.T) *s3Fixture {
	t.Helper()
	srv := s3test.Start(t)
	s3test.SetEnv(t)
	fastRetries(t)
	f := &s3Fixture{srv: srv, proxy: s3test.NewProxy(t, srv.URL), bucket: "trail-bucket", keys: map[string][]byte{}}
	srv.CreateBucket(t, f.bucket)
	day := time.Date(2024, 9, 20, 0, 0, 0, 0, time.UTC)
	for _, acct := range []string{"111111111111", "222222222222"} {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			for d := -1; d <= 1; d++ {
				for _, hm := range []time.Duration{2 * time.Hour, 12 * time.Hour, 23*time.Hour + 55*time.Minute} {
					ts := day.AddDate(0, 0, d).Add(hm)
					key := ctName(acct, region, ts, "r"+ts.Format("150405"))
					// Bodies of a few hundred KB so a reset mid-body has room.
					f.keys[key] = []byte(strings.Repeat(key+"\n", 2000+len(f.keys)))
				}
			}
		}
	}
	f.keys["AWSLogs/111111111111/CloudTrail-Digest/us-east-1/2024/09/20/111111111111_CloudTrail-Digest_us-east-1_t_us-east-1_20240920T120000Z.json.gz"] = []byte("{}")
	f.keys["README"] = []byte("not a trail")
	for k, v := range f.keys {
		srv.Put(t, f.bucket, k, v)
	}
	return f
}

func (f *s3Fixture) source(t *testing.T, prefix string) *s3Source {
	t.Helper()
	src, err := Open(context.Background(), "s3://"+f.bucket+"/"+prefix,
		Options{EndpointURL: f.proxy.URL, PathStyle: true, MaxOpen: 8})
	if err != nil {
		t.Fatal(err)
	}
	s := src.(*s3Source)
	s.now = func() time.Time { return time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC) }
	return s
}

func listNames(t *testing.T, src source.Source, o source.ListOptions) []string {
	t.Helper()
	var names []string
	err := src.List(context.Background(), o, func(obj source.Object) error {
		names = append(names, obj.Name) // List promises no concurrent calls
		return nil
	})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	sort.Strings(names)
	return names
}

// wantNames lists the fixture's objects that match keep, as s3:// names.
func (f *s3Fixture) wantNames(keep func(key string) bool) []string {
	var names []string
	for k := range f.keys {
		if keep(k) {
			names = append(names, "s3://"+f.bucket+"/"+k)
		}
	}
	sort.Strings(names)
	return names
}

func readAll(t *testing.T, src source.Source, name string) ([]byte, error) {
	t.Helper()
	rc, err := src.Open(context.Background(), source.Object{Name: name, Size: -1})
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func TestS3SourceListAndOpen(t *testing.T) {
	f := newS3Fixture(t)

	t.Run("everything", func(t *testing.T) {
		src := f.source(t, "")
		if !src.Remote() {
			t.Error("the S3 source must say it is remote")
		}
		got := listNames(t, src, source.ListOptions{})
		if want := f.wantNames(func(string) bool { return true }); !slices.Equal(got, want) {
			t.Fatalf("List\ngot  %q\nwant %q", got, want)
		}
		for _, name := range got[:3] {
			body, err := readAll(t, src, name)
			if err != nil || string(body) != string(f.keys[strings.TrimPrefix(name, "s3://"+f.bucket+"/")]) {
				t.Fatalf("Open(%s): %d bytes, %v", name, len(body), err)
			}
		}
	})

	t.Run("window", func(t *testing.T) {
		// 2024-09-20 10:00 to 13:00: of each account and region only the
		// 12:00 file of the 20th can hold such records.
		o := source.ListOptions{Since: time.Date(2024, 9, 20, 10, 0, 0, 0, time.UTC), Until: time.Date(2024, 9, 20, 13, 0, 0, 0, time.UTC)}
		f.proxy.Reset()
		src := f.source(t, "AWSLogs/")
		got := listNames(t, src, o)
		want := f.wantNames(func(k string) bool { return strings.Contains(k, "_20240920T1200Z_") })
		if len(want) != 4 || !slices.Equal(got, want) {
			t.Fatalf("List\ngot  %q\nwant %q", got, want)
		}
		// Only the 20th was listed in each region, plus the delimiter
		// listings of AWSLogs/ and each account's CloudTrail/.
		for _, r := range f.proxy.Requests() {
			if !s3test.IsList(r) {
				t.Errorf("unexpected request %+v", r)
				continue
			}
			p := r.Query.Get("prefix")
			if r.Query.Get("delimiter") == "/" {
				if p != "AWSLogs/" && !strings.HasSuffix(p, "/CloudTrail/") {
					t.Errorf("explored %q", p)
				}
			} else if !strings.HasSuffix(p, "/2024/09/20/") {
				t.Errorf("listed %q", p)
			}
		}
		if n := f.proxy.Count(s3test.IsList); n != 1+2+4 {
			t.Errorf("%d list requests, want 7", n)
		}
	})

	t.Run("window from the bucket root", func(t *testing.T) {
		o := source.ListOptions{Since: time.Date(2024, 9, 21, 23, 0, 0, 0, time.UTC), Until: time.Date(2024, 9, 21, 23, 59, 0, 0, time.UTC)}
		got := listNames(t, f.source(t, ""), o)
		// The root's own objects (README) are kept: pruning never drops
		// what it cannot place.
		want := f.wantNames(func(k string) bool { return k == "README" || strings.Contains(k, "_20240921T2355Z_") })
		if !slices.Equal(got, want) {
			t.Fatalf("List\ngot  %q\nwant %q", got, want)
		}
	})

	t.Run("regions and accounts", func(t *testing.T) {
		o := source.ListOptions{Regions: []string{"eu-west-1"}, Accounts: []string{"222222222222"}}
		f.proxy.Reset()
		got := listNames(t, f.source(t, "AWSLogs/"), o)
		want := f.wantNames(func(k string) bool { return strings.HasPrefix(k, "AWSLogs/222222222222/CloudTrail/eu-west-1/") })
		if len(want) != 9 || !slices.Equal(got, want) {
			t.Fatalf("List\ngot  %q\nwant %q", got, want)
		}
	})

	t.Run("endpoint from AWS_ENDPOINT_URL_S3", func(t *testing.T) {
		t.Setenv("AWS_ENDPOINT_URL_S3", f.proxy.URL)
		f.proxy.Reset()
		src, err := Open(context.Background(), "s3://"+f.bucket+"/AWSLogs/111111111111/", Options{PathStyle: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := src.(*s3Source); !ok {
			t.Fatalf("Open gave a %T", src)
		}
		got := listNames(t, src, source.ListOptions{})
		if len(got) != 19 || f.proxy.Count(nil) == 0 {
			t.Fatalf("listed %d objects through the proxy (%d requests)", len(got), f.proxy.Count(nil))
		}
	})

	t.Run("a wrong object name", func(t *testing.T) {
		_, err := f.source(t, "").Open(context.Background(), source.Object{Name: "s3://other/README"})
		if err == nil || !strings.Contains(err.Error(), "not an object of s3://"+f.bucket) {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("a missing object", func(t *testing.T) {
		_, err := readAll(t, f.source(t, ""), "s3://"+f.bucket+"/nope")
		if err == nil || !strings.HasPrefix(err.Error(), "getting s3://"+f.bucket+"/nope: ") {
			t.Fatalf("err = %v", err)
		}
		assertNoSecrets(t, err)
	})

	t.Run("a missing bucket", func(t *testing.T) {
		src, err := Open(context.Background(), "s3://no-such-bucket/x", Options{EndpointURL: f.proxy.URL, PathStyle: true})
		if err != nil {
			t.Fatal(err) // custom endpoints are not probed
		}
		err = src.List(context.Background(), source.ListOptions{}, func(source.Object) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "listing s3://no-such-bucket/x: ") {
			t.Fatalf("err = %v", err)
		}
	})
}

func assertNoSecrets(t *testing.T, err error) {
	t.Helper()
	for _, s := range []string{s3test.SecretKey, s3test.AccessKey, "X-Amz-Signature", "Authorization"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error shows %q: %v", s, err)
		}
	}
}

func TestS3SourceRetries(t *testing.T) {
	f := newS3Fixture(t)
	src := f.source(t, "")
	key := ctName("111111111111", "us-east-1", time.Date(2024, 9, 20, 12, 0, 0, 0, time.UTC), "r120000")
	name := "s3://" + f.bucket + "/" + key

	t.Run("SlowDown, 500 and resets before the response", func(t *testing.T) {
		f.proxy.AddRule(&s3test.Rule{Match: s3test.KeyIs(key), Fault: s3test.SlowDown, Times: 2})
		f.proxy.AddRule(&s3test.Rule{Match: s3test.KeyIs(key), Fault: s3test.InternalError, Times: 1})
		reset := f.proxy.AddRule(&s3test.Rule{Match: s3test.KeyIs(key), Fault: s3test.Reset, Times: 3})
		listFault := f.proxy.AddRule(&s3test.Rule{Match: s3test.IsList, Fault: s3test.SlowDown, Times: 2})
		body, err := readAll(t, src, name)
		if err != nil || string(body) != string(f.keys[key]) {
			t.Fatalf("read %d bytes, %v", len(body), err)
		}
		if reset.Applied() != 3 {
			t.Errorf("reset %d times, want 3", reset.Applied())
		}
		if got := listNames(t, src, source.ListOptions{}); len(got) != len(f.keys) {
			t.Errorf("listed %d of %d objects", len(got), len(f.keys))
		}
		if listFault.Applied() != 2 {
			t.Errorf("list faults applied %d times", listFault.Applied())
		}
	})

	t.Run("a body that breaks mid-stream is resumed", func(t *testing.T) {
		key := ctName("222222222222", "eu-west-1", time.Date(2024, 9, 21, 2, 0, 0, 0, time.UTC), "r020000")
		rule := f.proxy.AddRule(&s3test.Rule{Match: s3test.KeyIs(key), Fault: s3test.ResetMidBody, Times: 3})
		f.proxy.Reset()
		body, err := readAll(t, src, "s3://"+f.bucket+"/"+key)
		if err != nil || string(body) != string(f.keys[key]) {
			t.Fatalf("read %d of %d bytes, %v", len(body), len(f.keys[key]), err)
		}
		if rule.Applied() != 3 {
			t.Errorf("broke %d times, want 3", rule.Applied())
		}
		// Each resumption asks for the rest from where the body broke.
		var ranges []string
		for _, r := range f.proxy.Requests() {
			if r.Range != "" {
				ranges = append(ranges, r.Range)
			}
		}
		// The proxy breaks each response after half of what it carries.
		var want []string
		for off, size := 0, len(f.keys[key]); len(want) < 3; {
			off += (size - off) / 2
			want = append(want, fmt.Sprintf("bytes=%d-", off))
		}
		if !slices.Equal(ranges, want) {
			t.Errorf("ranges = %q, want %q", ranges, want)
		}
	})

	t.Run("a permanently throttled object fails after bounded attempts", func(t *testing.T) {
		key := ctName("222222222222", "us-east-1", time.Date(2024, 9, 19, 2, 0, 0, 0, time.UTC), "r020000")
		f.proxy.AddRule(&s3test.Rule{Match: s3test.KeyIs(key), Fault: s3test.SlowDown})
		f.proxy.Reset()
		_, err := readAll(t, src, "s3://"+f.bucket+"/"+key)
		if err == nil || !strings.HasPrefix(err.Error(), "getting s3://"+f.bucket+"/"+key+": ") || !strings.Contains(err.Error(), "SlowDown") {
			t.Fatalf("err = %v", err)
		}
		assertNoSecrets(t, err)
		if n := f.proxy.Count(s3test.KeyIs(key)); n != MaxAttempts {
			t.Errorf("%d attempts, want %d", n, MaxAttempts)
		}
	})

	t.Run("a body that keeps breaking fails after bounded resumptions", func(t *testing.T) {
		key := ctName("222222222222", "us-east-1", time.Date(2024, 9, 19, 12, 0, 0, 0, time.UTC), "r120000")
		f.proxy.AddRule(&s3test.Rule{Match: s3test.KeyIs(key), Fault: s3test.ResetMidBody})
		f.proxy.Reset()
		body, err := readAll(t, src, "s3://"+f.bucket+"/"+key)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("gave up after %d resumptions", s3MaxResumes)) {
			t.Fatalf("read %d bytes, err = %v", len(body), err)
		}
		assertNoSecrets(t, err)
		if n := f.proxy.Count(s3test.KeyIs(key)); n != 1+s3MaxResumes {
			t.Errorf("%d requests, want %d", n, 1+s3MaxResumes)
		}
	})
}

// TestS3SourceConcurrentOpen reads every object at once through a proxy that
// throttles a share of requests, as S3 does under load.
func TestS3SourceConcurrentOpen(t *testing.T) {
	f := newS3Fixture(t)
	src := f.source(t, "")
	var n int
	f.proxy.AddRule(&s3test.Rule{Fault: s3test.SlowDown, Times: 20, Match: func(r s3test.Request) bool {
		n++ // called under the proxy's lock
		return s3test.IsGetObject(r) && n%3 == 0
	}})
	names := listNames(t, src, source.ListOptions{})
	var wg sync.WaitGroup
	errs := make(chan error, len(names))
	for _, name := range names {
		wg.Go(func() {
			body, err := readAll(t, src, name)
			if err == nil && string(body) != string(f.keys[strings.TrimPrefix(name, "s3://"+f.bucket+"/")]) {
				err = fmt.Errorf("%s: wrong body", name)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// An endpoint where nothing listens is one dial, not ten retried requests:
// the error says so and names the endpoint.
func TestUnreachableEndpoint(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + ln.Addr().String()
	ln.Close()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "us-east-1")
	_, err = Open(context.Background(), "s3://b/p", Options{EndpointURL: endpoint, PathStyle: true})
	var he *HintError
	if err == nil || !strings.Contains(err.Error(), "cannot reach S3 endpoint "+endpoint) || !errors.As(err, &he) {
		t.Fatalf("Open = %v", err)
	}
	if !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("error does not say why: %v", err)
	}
}

// Missing credentials are found before any request, with a hint naming
// the variables that set them.
func TestMissingCredentials(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
		"AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_REGION": "us-east-1",
	} {
		t.Setenv(k, v)
	}
	_, err := Open(context.Background(), "s3://b/p", Options{EndpointURL: srv.URL, PathStyle: true})
	var he *HintError
	if err == nil || !errors.As(err, &he) || !strings.Contains(err.Error(), "finding AWS credentials") {
		t.Fatalf("Open = %v", err)
	}
	hints := strings.Join(he.UserHints(), "\n")
	if !strings.Contains(hints, "AWS_PROFILE") || !strings.Contains(hints, "AWS_ACCESS_KEY_ID") {
		t.Errorf("hints = %q", hints)
	}
}

package s3

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cloud-credentials-insights/cci/internal/extract/source"
	"github.com/cloud-credentials-insights/cci/internal/s3test"
)

// recorder is an HTTP client that keeps the request and fails it.
type recorder struct{ req *http.Request }

var errRecorded = errors.New("recorded")

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	r.req = req
	return nil, errRecorded
}

func staticCreds(token string) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", SessionToken: token, Source: "test"}, nil
	})
}

// scope is the credential scope of a SigV4 Authorization header:
// date/region/service/aws4_request.
var scope = regexp.MustCompile(`Credential=[^/]+/[0-9]+/([^/]+/[^/]+)/aws4_request`)

// TestDirectGetMatchesSDK checks that a direct GET goes where GetObject
// goes and is signed for the same region and service, for the endpoint
// shapes cci meets, and that the buckets the direct path cannot serve are
// left to GetObject.
func TestDirectGetMatchesSDK(t *testing.T) {
	static := staticCreds("token")
	tests := []struct {
		name   string
		bucket string
		opts   func(*s3.Options)
		direct bool
	}{
		{"AWS, virtual host", "trail-bucket", func(o *s3.Options) { o.Region = "eu-west-1" }, true},
		{"AWS, us-east-1", "trail-bucket", func(o *s3.Options) { o.Region = "us-east-1" }, true},
		{"AWS, path style", "trail-bucket", func(o *s3.Options) { o.Region = "eu-west-1"; o.UsePathStyle = true }, true},
		{"AWS, dotted bucket", "trail.bucket.example", func(o *s3.Options) { o.Region = "eu-west-1" }, true},
		{"AWS, FIPS and dual stack", "trail-bucket", func(o *s3.Options) {
			o.Region = "us-gov-west-1"
			o.EndpointOptions.UseFIPSEndpoint = aws.FIPSEndpointStateEnabled
			o.EndpointOptions.UseDualStackEndpoint = aws.DualStackEndpointStateEnabled
		}, true},
		{"AWS China", "trail-bucket", func(o *s3.Options) { o.Region = "cn-north-1" }, true},
		{"custom endpoint, path style", "trail-bucket", func(o *s3.Options) {
			o.BaseEndpoint = aws.String("http://127.0.0.1:9000")
			o.UsePathStyle = true
		}, true},
		{"custom endpoint with a path", "trail-bucket", func(o *s3.Options) {
			o.BaseEndpoint = aws.String("https://store.example/s3/")
			o.UsePathStyle = true
		}, true},
		{"custom endpoint, virtual host", "trail-bucket", func(o *s3.Options) { o.BaseEndpoint = aws.String("https://store.example:8443") }, true},
		{"S3 Express directory bucket", "trail--use1-az4--x-s3", func(o *s3.Options) { o.Region = "us-east-1" }, false},
		{"access point ARN", "arn:aws:s3:us-east-1:123456789012:accesspoint:trails", func(o *s3.Options) { o.Region = "us-east-1" }, false},
		{"anonymous", "trail-bucket", func(o *s3.Options) { o.Region = "eu-west-1"; o.Credentials = aws.AnonymousCredentials{} }, false},
	}
	keys := []string{"AWSLogs/111111111111/CloudTrail/eu-west-1/2024/09/20/a_b.json.gz", "odd/a b+c%d=e&f~g!'()*,;:@$[]ünï"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			client := s3.New(s3.Options{Region: "us-east-1", Credentials: static, HTTPClient: rec, RetryMaxAttempts: 1}, tt.opts)
			d := newDirectGet(context.Background(), client, tt.bucket)
			if (d != nil) != tt.direct {
				t.Fatalf("direct GETs: %v, want %v", d != nil, tt.direct)
			}
			if d == nil {
				return
			}
			for _, key := range keys {
				_, err := client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(tt.bucket), Key: aws.String(key)})
				if !errors.Is(err, errRecorded) || rec.req == nil {
					t.Fatalf("GetObject: %v", err)
				}
				sdk := rec.req
				got, err := d.request(context.Background(), key)
				if err != nil {
					t.Fatal(err)
				}
				if got.URL.Scheme != sdk.URL.Scheme || got.URL.Host != sdk.URL.Host || got.URL.EscapedPath() != sdk.URL.EscapedPath() {
					t.Errorf("%s: direct GET of %s://%s%s, the SDK's of %s://%s%s", key,
						got.URL.Scheme, got.URL.Host, got.URL.EscapedPath(), sdk.URL.Scheme, sdk.URL.Host, sdk.URL.EscapedPath())
				}
				if got.Host != "" && got.Host != got.URL.Host {
					t.Errorf("Host %q for URL host %q", got.Host, got.URL.Host)
				}
				gs, ss := scope.FindStringSubmatch(got.Header.Get("Authorization")), scope.FindStringSubmatch(sdk.Header.Get("Authorization"))
				if gs == nil || ss == nil || gs[1] != ss[1] {
					t.Errorf("signed for %q, the SDK for %q", gs, ss)
				}
				if got.Header.Get("X-Amz-Security-Token") != "token" || got.Header.Get("Accept-Encoding") != "identity" {
					t.Errorf("headers %v", got.Header)
				}
			}
		})
	}
}

// TestDirectGetFailures checks what a failed direct GET tells the caller:
// wait (throttles, server errors, broken connections) or not, and that a
// refusal turns the direct path off.
func TestDirectGetFailures(t *testing.T) {
	var mu sync.Mutex
	status, hits := http.StatusOK, 0
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		hits++
		if r.URL.Path != "/b/k" || !strings.Contains(r.Header.Get("Authorization"), "/us-east-1/s3/aws4_request") {
			t.Errorf("request %s %v", r.URL.Path, r.Header)
		}
		w.WriteHeader(status)
		io.WriteString(w, "body")
	}))
	defer fake.Close()
	newDirect := func(endpoint string) *directGet {
		client := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint), UsePathStyle: true,
			Credentials: staticCreds("")})
		d := newDirectGet(context.Background(), client, "b")
		if d == nil {
			t.Fatal("no direct GETs for a custom endpoint")
		}
		return d
	}
	d := newDirect(fake.URL)
	tests := []struct {
		status  int
		ok      bool
		backOff bool
		off     bool
	}{
		{http.StatusOK, true, false, false},
		{http.StatusServiceUnavailable, false, true, false},
		{http.StatusInternalServerError, false, true, false},
		{http.StatusTooManyRequests, false, true, false},
		{http.StatusNotFound, false, false, false},
		{http.StatusMovedPermanently, false, false, false},
		{http.StatusForbidden, false, false, true},
	}
	for _, tt := range tests {
		mu.Lock()
		status = tt.status
		mu.Unlock()
		resp, backOff := d.get(context.Background(), "k")
		if (resp != nil) != tt.ok || backOff != tt.backOff || d.off.Load() != tt.off {
			t.Errorf("%d: answer %v, back off %v, off %v; want %v, %v, %v", tt.status, resp != nil, backOff, d.off.Load(), tt.ok, tt.backOff, tt.off)
		}
		if resp != nil {
			if b, _ := io.ReadAll(resp.Body); string(b) != "body" {
				t.Errorf("%d: body %q", tt.status, b)
			}
			resp.Body.Close()
		}
	}
	mu.Lock()
	before := hits
	mu.Unlock()
	if resp, _ := d.get(context.Background(), "k"); resp != nil || hits != before {
		t.Errorf("after a refusal the direct path still asked (%d requests before, %d after)", before, hits)
	}

	// Nothing listens: a broken connection, worth a wait.
	fake.Close()
	if resp, backOff := newDirect(fake.URL).get(context.Background(), "k"); resp != nil || !backOff {
		t.Errorf("no server: answer %v, back off %v", resp != nil, backOff)
	}
}

// TestDirectGetThroughServer reads objects with awkward keys from
// versitygw: each costs one request, a direct one, and a missing key
// falls back to GetObject.
func TestDirectGetThroughServer(t *testing.T) {
	srv := s3test.Start(t)
	s3test.SetEnv(t)
	fastRetries(t)
	proxy := s3test.NewProxy(t, srv.URL)
	srv.CreateBucket(t, "odd")
	keys := map[string]string{
		"AWSLogs/111111111111/CloudTrail/eu-west-1/2024/09/20/111111111111_CloudTrail_eu-west-1_20240920T1200Z_r.json.gz": "a",
		"odd/a b+c%d=e&f~g!'()*,;:@$ünï": "b",
	}
	for k, v := range keys {
		srv.Put(t, "odd", k, []byte(strings.Repeat(v, 1000)))
	}
	src, err := Open(context.Background(), "s3://odd/", Options{EndpointURL: proxy.URL, PathStyle: true, MaxOpen: 8})
	if err != nil {
		t.Fatal(err)
	}
	if src.(*s3Source).direct == nil {
		t.Fatal("no direct GETs against versitygw")
	}
	for k, v := range keys {
		proxy.Reset()
		body, err := readAll(t, src, "s3://odd/"+k)
		if err != nil || string(body) != strings.Repeat(v, 1000) {
			t.Fatalf("%s: read %d bytes, %v", k, len(body), err)
		}
		reqs := proxy.Requests()
		if len(reqs) != 1 || reqs[0].Agent != directUserAgent || reqs[0].Key != k {
			t.Errorf("%s: requests %+v, want one direct GET", k, reqs)
		}
	}
	proxy.Reset()
	if _, err := readAll(t, src, "s3://odd/missing"); err == nil || !strings.Contains(err.Error(), "NoSuchKey") {
		t.Errorf("missing key: %v", err)
	}
	if reqs := proxy.Requests(); len(reqs) != 2 || reqs[0].Agent != directUserAgent || reqs[1].Agent == directUserAgent {
		t.Errorf("missing key: requests %+v, want a direct GET then GetObject's", reqs)
	}
	if src.(*s3Source).direct.off.Load() {
		t.Error("a missing key turned direct GETs off")
	}
	var listed []string
	if err := src.List(context.Background(), source.ListOptions{}, func(o source.Object) error { listed = append(listed, o.Name); return nil }); err != nil || len(listed) != len(keys) {
		t.Errorf("listed %q, %v", listed, err)
	}
}

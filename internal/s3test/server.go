// Package s3test runs a real S3-protocol server for tests: versitygw with
// its posix backend on loopback, plus a fault-injecting reverse proxy
// (proxy.go) that can put 503 SlowDown, connection resets and latency
// between a client and the server, and counts what it forwards.
//
// versitygw is not vendored. Tests that need it call Start, which skips the
// test when the binary cannot be found; scripts/install-versitygw.sh builds
// it. The binary is looked up, in order, at:
//
//	$VERSITYGW (a test fails, not skips, when this is set but unusable)
//	$(go env GOPATH)/bin/versitygw
//	versitygw on $PATH
//	$(go env GOCACHE)/cci-tools/versitygw-v1.8.0/versitygw (where the script puts it)
package s3test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Static credentials and region of every test server. They open nothing
// but a loopback server that lives as long as one test.
const (
	AccessKey = "cci-test-access-key"
	SecretKey = "cci-test-secret-key-not-a-secret"
	Region    = "us-east-1"
)

// Version is the versitygw release the tests are written against.
const Version = "v1.8.0"

// SkipMessage is what a test says when it skips for want of versitygw.
const SkipMessage = "versitygw not installed; run scripts/install-versitygw.sh or make test-integration " +
	"(or set VERSITYGW to the binary)"

var (
	binOnce sync.Once
	binPath string
	binErr  error // set only when $VERSITYGW is set and unusable
)

// Binary returns the path of the versitygw binary, skips t when there is
// none, and fails t when $VERSITYGW names something unusable.
func Binary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() { binPath, binErr = findBinary() })
	if binErr != nil {
		t.Fatal(binErr)
	}
	if binPath == "" {
		t.Skip(SkipMessage)
	}
	return binPath
}

func findBinary() (string, error) {
	if p := os.Getenv("VERSITYGW"); p != "" {
		if !isExecutable(p) {
			return "", fmt.Errorf("VERSITYGW=%s is not an executable file", p)
		}
		return p, nil
	}
	var candidates []string
	if gopath := goEnv("GOPATH"); gopath != "" {
		// GOPATH may be a list; go install uses the first entry.
		candidates = append(candidates, filepath.Join(filepath.SplitList(gopath)[0], "bin", "versitygw"))
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		candidates = append(candidates, p)
	}
	if cache := goEnv("GOCACHE"); cache != "" && cache != "off" {
		candidates = append(candidates, filepath.Join(cache, "cci-tools", "versitygw-"+Version, "versitygw"))
	}
	for _, p := range candidates {
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", nil
}

func goEnv(name string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}

// Server is a running versitygw.
type Server struct {
	// URL is the server's endpoint, http://127.0.0.1:PORT.
	URL string
	// Root is the posix backend's directory; its sub-directories are the
	// buckets.
	Root string

	t   testing.TB
	cmd *exec.Cmd
	log *syncBuffer
}

// Start runs versitygw on a free loopback port with a fresh root under
// t.TempDir(), waits until it answers, and stops it when t ends. It skips t
// when versitygw is not installed.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Binary(t)
	root := t.TempDir()
	var lastErr error
	// The free port is found by binding and releasing it, so another
	// process can take it in between; a second try settles that.
	for range 3 {
		s, err := start(t, bin, root)
		if err == nil {
			return s
		}
		lastErr = err
	}
	t.Fatalf("starting versitygw: %v", lastErr)
	return nil
}

func start(t testing.TB, bin, root string) (*Server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	log := &syncBuffer{}
	cmd := exec.Command(bin,
		"--port", addr,
		"--access", AccessKey,
		"--secret", SecretKey,
		"--region", Region,
		"--health", "/health",
		"--keep-alive",
		"--quiet",
		"posix", root)
	// Only what the gateway needs: a developer's VGW_* or ROOT_* variables
	// must not change the test server.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TMPDIR=" + os.TempDir()}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	s := &Server{URL: "http://" + addr, Root: root, t: t, cmd: cmd, log: log}
	stop := func() {
		if cmd.Process == nil {
			return
		}
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	if err := waitReady(s.URL+"/health", exited, 30*time.Second); err != nil {
		stop()
		return nil, fmt.Errorf("%w; versitygw said: %s", err, strings.TrimSpace(log.String()))
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("versitygw log:\n%s", log.String())
		}
	})
	return s, nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitReady polls url until it answers 200, the process exits, or timeout
// passes.
func waitReady(url string, exited <-chan error, timeout time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("versitygw exited: %v", err)
		default:
		}
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return errors.New("versitygw did not answer in time")
}

// Client returns an S3 client for the server (or for endpoint, a proxy in
// front of it, when given) with the test credentials and path-style
// addressing.
func (s *Server) Client(endpoint ...string) *s3.Client {
	url := s.URL
	if len(endpoint) > 0 {
		url = endpoint[0]
	}
	return NewClient(url)
}

// NewClient returns an S3 client for endpoint with the test credentials.
func NewClient(endpoint string) *s3.Client {
	return s3.New(s3.Options{
		Region:       Region,
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: AccessKey, SecretAccessKey: SecretKey, Source: "s3test"}, nil
		}),
		RetryMaxAttempts: 3,
	})
}

// SetEnv points the AWS SDK's default configuration chain at the test
// credentials and nothing else (no profile, no shared files, no instance
// metadata) for the rest of t. It does not set an endpoint: tests pass
// one explicitly. Tests that call it cannot run in parallel.
func SetEnv(t testing.TB) {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", SecretKey)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", Region)
	t.Setenv("AWS_DEFAULT_REGION", Region)
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_DEFAULT_PROFILE", "")
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL_S3", "")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	none := filepath.Join(t.TempDir(), "none")
	t.Setenv("AWS_CONFIG_FILE", none)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", none)
}

// CreateBucket creates bucket on the server.
func (s *Server) CreateBucket(t testing.TB, bucket string) {
	t.Helper()
	if _, err := s.Client().CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("creating bucket %s: %v", bucket, err)
	}
}

// Put stores body as bucket/key.
func (s *Server) Put(t testing.TB, bucket, key string, body []byte) {
	t.Helper()
	if err := Put(context.Background(), s.Client(), bucket, key, body); err != nil {
		t.Fatal(err)
	}
}

// Put stores body as bucket/key through client.
func Put(ctx context.Context, client *s3.Client, bucket, key string, body []byte) error {
	_, err := client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(body),
		ContentLength: aws.Int64(int64(len(body))),
	})
	if err != nil {
		return fmt.Errorf("putting s3://%s/%s: %w", bucket, key, err)
	}
	return nil
}

// Delete removes bucket/key.
func (s *Server) Delete(t testing.TB, bucket, key string) {
	t.Helper()
	if _, err := s.Client().DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
		t.Fatalf("deleting s3://%s/%s: %v", bucket, key, err)
	}
}

// UploadDir stores every regular file under dir as bucket/prefix + its
// slash-separated path relative to dir, and returns the keys in walk
// (lexical) order.
func (s *Server) UploadDir(t testing.TB, bucket, prefix, dir string) []string {
	t.Helper()
	client := s.Client()
	var keys []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		key := prefix + filepath.ToSlash(rel)
		keys = append(keys, key)
		return Put(context.Background(), client, bucket, key, body)
	})
	if err != nil {
		t.Fatalf("uploading %s: %v", dir, err)
	}
	return keys
}

// syncBuffer collects the server's output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.b.Len() > 1<<20 {
		return len(p), nil // keep the first MB; a test log needs no more
	}
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

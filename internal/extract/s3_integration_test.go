package extract

// End-to-end tests of `cci extract` over S3: extract.Run against a real
// S3-protocol server (versitygw, see internal/s3test) behind a proxy that
// counts requests and injects faults. They skip when versitygw is not
// installed (scripts/install-versitygw.sh).

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/extract/source"
	"github.com/cloud-credentials-insights/cci/internal/extract/source/s3"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/s3test"
)

// sampleTrail is the generated sample trail in the CloudTrail layout.
var sampleTrail = filepath.Join("..", "..", "testdata", "trails", "sample")

// trailBucket serves the sample trail from a bucket behind a proxy.
type trailBucket struct {
	srv    *s3test.Server
	proxy  *s3test.Proxy
	bucket string
	keys   []string // every uploaded key, sorted
}

func newTrailBucket(t *testing.T) *trailBucket {
	t.Helper()
	if _, err := os.Stat(sampleTrail); err != nil {
		t.Fatalf("sample trail: %v", err)
	}
	srv := s3test.Start(t)
	s3test.SetEnv(t)
	t.Cleanup(s3.SetMaxBackoff(5 * time.Millisecond)) // injected failures retry at once
	b := &trailBucket{srv: srv, proxy: s3test.NewProxy(t, srv.URL), bucket: "ci-trail"}
	srv.CreateBucket(t, b.bucket)
	b.keys = srv.UploadDir(t, b.bucket, "", sampleTrail)
	sort.Strings(b.keys)
	return b
}

// deliveries are the uploaded keys that are not digests.
func (b *trailBucket) deliveries() []string {
	var keys []string
	for _, k := range b.keys {
		if strings.Contains(k, "/CloudTrail/") {
			keys = append(keys, k)
		}
	}
	return keys
}

func (b *trailBucket) url(prefix string) string { return "s3://" + b.bucket + "/" + prefix }

// s3Opts returns options reading paths through the proxy.
func (b *trailBucket) opts(t *testing.T, paths ...string) Options {
	return Options{
		EventsPaths:   paths,
		Output:        t.TempDir(),
		EndpointURL:   b.proxy.URL,
		S3PathStyle:   true,
		S3Concurrency: 8,
		Jobs:          2,
		DeliverySlack: source.DefaultDeliverySlack, // as the CLI passes
		Quiet:         true,
	}
}

type runOutput struct {
	err        error
	stderr     string
	events     []byte
	fileStatus []events.FileStatus
}

func runExtract(t *testing.T, opts Options) runOutput {
	t.Helper()
	var stderr syncWriter
	err := Run(context.Background(), opts, &bytes.Buffer{}, &stderr)
	out := runOutput{err: err, stderr: stderr.String()}
	out.events, _ = os.ReadFile(filepath.Join(opts.Output, events.EventsFile))
	if b, rerr := os.ReadFile(filepath.Join(opts.Output, events.FileStatusFile)); rerr == nil {
		if jerr := json.Unmarshal(b, &out.fileStatus); jerr != nil {
			t.Fatalf("file_status.json: %v", jerr)
		}
	}
	return out
}

// localRun extracts dir from disk with the same filters as opts.
func localRun(t *testing.T, opts Options, dir string) runOutput {
	t.Helper()
	local := opts
	local.EventsPaths = []string{dir}
	local.Output = t.TempDir()
	local.EndpointURL, local.S3PathStyle = "", false
	local.WaitUntil, local.WaitTimeout, local.WaitInterval = time.Time{}, 0, 0
	out := runExtract(t, local)
	if out.err != nil {
		t.Fatalf("local run: %v\n%s", out.err, out.stderr)
	}
	return out
}

func sameEvents(t *testing.T, got, want runOutput) {
	t.Helper()
	if len(want.events) < 100 {
		t.Fatalf("the local run found too little to compare: %q", want.events)
	}
	if !bytes.Equal(got.events, want.events) {
		t.Fatalf("events.json differs from the local run's (%d vs %d bytes)\nS3:    %.400s\nlocal: %.400s",
			len(got.events), len(want.events), got.events, want.events)
	}
}

// relStatus renames file_status entries to their path below root (a local
// directory or an s3:// URL) so local and S3 runs can be compared.
func relStatus(t *testing.T, sts []events.FileStatus, root string) []events.FileStatus {
	t.Helper()
	out := slices.Clone(sts)
	for i := range out {
		rel, ok := strings.CutPrefix(filepath.ToSlash(out[i].File), filepath.ToSlash(root))
		if !ok {
			t.Fatalf("%s is not below %s", out[i].File, root)
		}
		out[i].File = strings.TrimPrefix(rel, "/")
	}
	return out
}

func TestS3ExtractMatchesLocal(t *testing.T) {
	b := newTrailBucket(t)
	opts := b.opts(t, b.url(""))
	got := runExtract(t, opts)
	if got.err != nil {
		t.Fatalf("Run: %v\n%s", got.err, got.stderr)
	}
	want := localRun(t, opts, sampleTrail)
	sameEvents(t, got, want)
	// file_status.json too, object for object, names aside.
	gs, ws := relStatus(t, got.fileStatus, b.url("")), relStatus(t, want.fileStatus, sampleTrail)
	if !slices.Equal(gs, ws) {
		t.Fatalf("file_status differs\nS3:    %+v\nlocal: %+v", gs, ws)
	}
	if len(gs) != len(b.keys) {
		t.Errorf("%d statuses for %d objects", len(gs), len(b.keys))
	}
	// Every object was fetched exactly once (digests are skipped by name):
	// no retry, no double listing.
	if n, want := b.proxy.Count(s3test.IsGetObject), len(b.deliveries()); n != want {
		t.Errorf("%d GETs for %d delivery objects", n, want)
	}

	t.Run("mixed with a local path", func(t *testing.T) {
		// us-east-1 from S3, us-west-2 from disk: the same result as all of it.
		dir := filepath.Join(sampleTrail, "AWSLogs", "123456789012", "CloudTrail", "us-west-2")
		got := runExtract(t, b.opts(t, b.url("AWSLogs/123456789012/CloudTrail/us-east-1/"), dir))
		if got.err != nil {
			t.Fatalf("Run: %v", got.err)
		}
		all := localRun(t, opts, filepath.Join(sampleTrail, "AWSLogs", "123456789012", "CloudTrail"))
		sameEvents(t, got, all)
	})
}

func TestS3ExtractWindowFetchesOnlyInWindow(t *testing.T) {
	b := newTrailBucket(t)
	since, until := time.Date(2026, 3, 11, 2, 0, 0, 0, time.UTC), time.Date(2026, 3, 11, 5, 0, 0, 0, time.UTC)
	opts := b.opts(t, b.url("AWSLogs/"))
	opts.Since, opts.Until = since, until
	got := runExtract(t, opts)
	if got.err != nil {
		t.Fatalf("Run: %v\n%s", got.err, got.stderr)
	}
	sameEvents(t, got, localRun(t, opts, sampleTrail))

	lo := source.ListOptions{Since: since, Until: until, DeliverySlack: 15 * time.Minute}
	var want []string
	for _, k := range b.keys {
		if strings.Contains(k, "/CloudTrail/") && source.InWindow(k, lo) {
			want = append(want, k)
		}
	}
	var fetched []string
	for _, r := range b.proxy.Requests() {
		if s3test.IsGetObject(r) {
			fetched = append(fetched, r.Key)
		}
	}
	sort.Strings(fetched)
	if len(want) == 0 || len(want)*3 > len(b.keys) {
		t.Fatalf("the window should select a small share of the %d objects, not %d", len(b.keys), len(want))
	}
	if !slices.Equal(fetched, want) {
		t.Fatalf("fetched %d objects, want the %d in the window\ngot  %q\nwant %q", len(fetched), len(want), fetched, want)
	}
	// Listing went to the window's day only, never to the whole trail.
	for _, r := range b.proxy.Requests() {
		if s3test.IsList(r) && r.Query.Get("delimiter") == "" && !strings.HasSuffix(r.Query.Get("prefix"), "/2026/03/11/") {
			t.Errorf("listed %q", r.Query.Get("prefix"))
		}
	}
}

// syncWriter is a stderr that a test can read while Run writes it.
type syncWriter struct {
	mu     sync.Mutex
	b      bytes.Buffer
	onLine func(line string)
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.b.Write(p)
	on := w.onLine
	w.mu.Unlock()
	if on != nil {
		for _, line := range strings.Split(string(p), "\n") {
			on(line)
		}
	}
	return len(p), nil
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// newestRecord is the latest eventTime in a gzipped {"Records":[...]} file.
func newestRecord(t *testing.T, path string) time.Time {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var doc struct {
		Records []struct {
			EventTime time.Time `json:"eventTime"`
		}
	}
	if err := json.NewDecoder(zr).Decode(&doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var newest time.Time
	for _, r := range doc.Records {
		if r.EventTime.After(newest) {
			newest = r.EventTime
		}
	}
	return newest
}

func TestS3ExtractWaitUntil(t *testing.T) {
	b := newTrailBucket(t)
	// The late object is the one holding the newest record; the wait is for
	// a record newer than any other object's, so only its arrival ends it.
	newest := map[string]time.Time{}
	late := ""
	for _, k := range b.deliveries() {
		newest[k] = newestRecord(t, filepath.Join(sampleTrail, filepath.FromSlash(k)))
		if late == "" || newest[k].After(newest[late]) {
			late = k
		}
	}
	var before time.Time
	for k, ts := range newest {
		if k != late && ts.After(before) {
			before = ts
		}
	}
	if !newest[late].After(before) {
		t.Fatalf("no single object of the sample holds its newest record")
	}
	body, err := os.ReadFile(filepath.Join(sampleTrail, filepath.FromSlash(late)))
	if err != nil {
		t.Fatal(err)
	}
	// Hold the newest delivery back: it arrives while cci waits.
	b.srv.Delete(t, b.bucket, late)
	opts := b.opts(t, b.url(""))
	opts.Quiet = false
	opts.WaitUntil = before
	opts.WaitInterval = 200 * time.Millisecond
	opts.WaitTimeout = time.Minute // a bound, not an expectation: the upload comes after the first pass
	var once sync.Once
	uploaded := make(chan error, 1)
	stderr := &syncWriter{onLine: func(line string) {
		if strings.Contains(line, "waiting for records after") {
			once.Do(func() {
				go func() { uploaded <- s3test.Put(context.Background(), b.srv.Client(), b.bucket, late, body) }()
			})
		}
	}}
	err = Run(context.Background(), opts, &bytes.Buffer{}, stderr)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, stderr.String())
	}
	select {
	case err := <-uploaded:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		// Run saw the late object, so the upload was made; only a Run that
		// never waited gets here.
		t.Fatalf("Run ended without waiting:\n%s", stderr.String())
	}
	events, err := os.ReadFile(filepath.Join(opts.Output, events.EventsFile))
	if err != nil {
		t.Fatal(err)
	}
	opts.Quiet = true
	sameEvents(t, runOutput{events: events}, localRun(t, opts, sampleTrail))
	// Objects seen in the first pass were not fetched again.
	if n, want := b.proxy.Count(s3test.IsGetObject), len(b.deliveries()); n != want {
		t.Errorf("%d GETs for %d delivery objects", n, want)
	}

	t.Run("timeout", func(t *testing.T) {
		opts := b.opts(t, b.url("AWSLogs/"))
		opts.WaitUntil = newest[late].Add(time.Hour)
		opts.WaitInterval = 100 * time.Millisecond
		opts.WaitTimeout = 300 * time.Millisecond
		opts.WaitStrict = true
		got := runExtract(t, opts)
		if exit.Code(got.err) != exit.WaitTimeout {
			t.Fatalf("Run = %v (exit %d), want exit %d", got.err, exit.Code(got.err), exit.WaitTimeout)
		}
	})
}

func TestS3ExtractRetriesFaults(t *testing.T) {
	b := newTrailBucket(t)
	var objects []string
	for _, k := range b.keys {
		if strings.Contains(k, "/CloudTrail/") {
			objects = append(objects, k)
		}
	}
	rules := []*s3test.Rule{
		b.proxy.AddRule(&s3test.Rule{Match: s3test.IsList, Fault: s3test.SlowDown, Times: 2}),
		b.proxy.AddRule(&s3test.Rule{Match: s3test.KeyIs(objects[0]), Fault: s3test.SlowDown, Times: 4}),
		b.proxy.AddRule(&s3test.Rule{Match: s3test.KeyIs(objects[1]), Fault: s3test.InternalError, Times: 2}),
		b.proxy.AddRule(&s3test.Rule{Match: s3test.KeyIs(objects[2]), Fault: s3test.Reset, Times: 3}),
		b.proxy.AddRule(&s3test.Rule{Match: s3test.KeyIs(objects[3]), Fault: s3test.ResetMidBody, Times: 3}),
		// And a share of everything else.
		b.proxy.AddRule(&s3test.Rule{Match: s3test.IsGetObject, Fault: s3test.SlowDown, Times: 10}),
	}
	opts := b.opts(t, b.url(""))
	got := runExtract(t, opts)
	if got.err != nil {
		t.Fatalf("Run: %v\n%s", got.err, got.stderr)
	}
	for i, r := range rules {
		if r.Applied() != r.Times {
			t.Errorf("rule %d (%s) acted %d times, want %d", i, r.Fault, r.Applied(), r.Times)
		}
	}
	sameEvents(t, got, localRun(t, opts, sampleTrail))
	for _, st := range got.fileStatus {
		if st.Result == events.ResultError {
			t.Errorf("%s: %s", st.File, st.Error)
		}
	}
}

func TestS3ExtractPermanentFailure(t *testing.T) {
	b := newTrailBucket(t)
	bad := b.deliveries()[len(b.deliveries())/2]
	b.proxy.AddRule(&s3test.Rule{Match: s3test.KeyIs(bad), Fault: s3test.SlowDown})
	opts := b.opts(t, b.url(""))
	got := runExtract(t, opts)
	if exit.Code(got.err) != exit.Partial {
		t.Fatalf("Run = %v (exit %d), want exit %d", got.err, exit.Code(got.err), exit.Partial)
	}
	var failed []events.FileStatus
	for _, st := range got.fileStatus {
		if st.Result == events.ResultError {
			failed = append(failed, st)
		}
	}
	if len(failed) != 1 || failed[0].File != b.url(bad) || !strings.Contains(failed[0].Error, "SlowDown") {
		t.Fatalf("failed objects = %+v, want only %s with SlowDown", failed, b.url(bad))
	}
	for _, s := range []string{s3test.SecretKey, s3test.AccessKey} {
		if strings.Contains(got.stderr, s) || strings.Contains(failed[0].Error, s) {
			t.Errorf("credentials in the output")
		}
	}
	if n := b.proxy.Count(s3test.KeyIs(bad)); n != s3.MaxAttempts {
		t.Errorf("%d attempts at the failing object, want %d", n, s3.MaxAttempts)
	}
	// Everything else counts: the result equals a local run without it.
	dir := t.TempDir()
	copyTree(t, sampleTrail, dir, func(rel string) bool { return rel != bad })
	sameEvents(t, got, localRun(t, opts, dir))
}

func copyTree(t *testing.T, from, to string, keep func(rel string) bool) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if !keep(filepath.ToSlash(rel)) {
			return nil
		}
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, body, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"golang.org/x/sync/errgroup"

	"github.com/cloud-credentials-insights/cci/internal/extract/source"
)

// Options configures the S3 source: what `cci extract` knows of S3 beyond
// the standard AWS configuration chain.
type Options struct {
	EndpointURL string // an S3-compatible store; empty means AWS
	PathStyle   bool   // path-style addressing (bucket in the path)
	// MaxOpen is the most objects the caller keeps open at once; the HTTP
	// client keeps that many idle connections (plus the listing's), or
	// every burst pays new TCP and TLS handshakes.
	MaxOpen int
}

// MaxAttempts bounds the SDK's attempts at one request (throttling, 5xx,
// connection errors). S3 asks clients that see SlowDown to back off and
// retry; ten attempts ride out a minute or so of it.
const MaxAttempts = 10

// s3MaxBackoff caps the SDK's exponential backoff (full jitter) between
// attempts and between resumptions of a broken body. A variable only so
// that tests can make the waits short (SetMaxBackoff).
var s3MaxBackoff atomic.Int64

func init() { s3MaxBackoff.Store(int64(retry.DefaultMaxBackoff)) }

// SetMaxBackoff caps every retry and resumption wait at d until restore is
// called. It exists for tests, which would otherwise wait seconds for each
// injected failure; nothing else calls it.
func SetMaxBackoff(d time.Duration) (restore func()) {
	old := s3MaxBackoff.Swap(int64(d))
	return func() { s3MaxBackoff.Store(old) }
}

// backoff is the SDK's standard backoff with the current cap.
func backoff() retry.BackoffDelayer {
	return retry.NewExponentialJitterBackoff(time.Duration(s3MaxBackoff.Load()))
}

// S3 tuning.
const (
	// s3MaxResumes bounds how often one object's body may break mid-stream
	// and be resumed from the byte reached.
	s3MaxResumes = 5
	// s3ReadTimeout fails a connection that delivers nothing for this long,
	// so a stalled body is resumed instead of hanging the run.
	s3ReadTimeout = 2 * time.Minute
	// s3ListJobs bounds concurrent listing requests.
	s3ListJobs = 16
)

// s3Source lists and reads the objects under one s3://bucket/prefix.
type s3Source struct {
	client *s3.Client
	direct *directGet // nil: every GET through GetObject
	bucket string
	prefix string
	now    func() time.Time
}

// Open builds the S3 source for spec (s3://bucket[/prefix]) from the
// standard AWS configuration chain and opts, and finds the bucket's region.
func Open(ctx context.Context, spec string, opts Options) (source.Source, error) {
	bucket, prefix, err := parseS3URL(spec)
	if err != nil {
		return nil, err
	}
	client, err := newS3Client(ctx, bucket, opts)
	if err != nil {
		return nil, fmt.Errorf("events path s3://%s: %w", bucket, err)
	}
	return &s3Source{client: client, direct: newDirectGet(ctx, client, bucket), bucket: bucket, prefix: prefix, now: time.Now}, nil
}

// Remote tells the pipeline that this source is latency-bound.
func (s *s3Source) Remote() bool { return true }

// parseS3URL splits s3://bucket/prefix. The prefix is taken verbatim (no
// percent-decoding): S3 keys may hold any character.
func parseS3URL(spec string) (bucket, prefix string, err error) {
	scheme, rest, ok := strings.Cut(spec, "://")
	if !ok || !strings.EqualFold(scheme, "s3") {
		return "", "", fmt.Errorf("events path %q: not an s3:// URL", spec)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("events path %q: no bucket name", spec)
	}
	return bucket, prefix, nil
}

// objectName is the name file_status.json shows for key.
func (s *s3Source) objectName(key string) string { return "s3://" + s.bucket + "/" + key }

// newS3Client configures an S3 client for bucket.
func newS3Client(ctx context.Context, bucket string, opts Options) (*s3.Client, error) {
	// Every object open at once needs an idle connection kept per host.
	conns := max(opts.MaxOpen, 1) + s3ListJobs
	httpClient := awshttp.NewBuildableClient().
		WithTransportOptions(func(tr *http.Transport) {
			tr.MaxIdleConns = conns
			tr.MaxIdleConnsPerHost = conns
			tr.ResponseHeaderTimeout = s3ReadTimeout
		}).
		WithReadTimeout(s3ReadTimeout)
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithHTTPClient(httpClient),
		config.WithRetryer(newS3Retryer),
		// The SDK would log skipped checksum validation and the like to
		// stderr; cci owns stderr.
		config.WithLogger(logging.Nop{}),
	)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	custom := func(o *s3.Options) {
		if opts.EndpointURL != "" {
			o.BaseEndpoint = aws.String(opts.EndpointURL)
		}
		o.UsePathStyle = opts.PathStyle
		o.DisableLogOutputChecksumValidationSkipped = true
		// The SDK would otherwise ask for and check a CRC64 of every GET,
		// in pure Go: a third of cci's own CPU beyond decoding. The bytes
		// are covered already: TLS authenticates them in transit, and gzip
		// objects carry a CRC32 and length of their content that the
		// reader checks.
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	}
	client := s3.NewFromConfig(cfg, custom)
	if ep := client.Options().BaseEndpoint; ep != nil {
		if err := probeEndpoint(ctx, *ep); err != nil {
			return nil, err
		}
	}
	if err := checkCredentials(ctx, cfg); err != nil {
		return nil, err
	}
	if client.Options().BaseEndpoint != nil {
		// An S3-compatible store (--endpoint-url, AWS_ENDPOINT_URL_S3,
		// AWS_ENDPOINT_URL or endpoint_url in the profile): its region is
		// whatever the configuration says, and most only care that one is set.
		if cfg.Region == "" {
			return s3.NewFromConfig(cfg, custom, func(o *s3.Options) { o.Region = "us-east-1" }), nil
		}
		return client, nil
	}
	region, err := bucketRegion(ctx, client, bucket, cfg.Region)
	if err != nil {
		return nil, err
	}
	if region == client.Options().Region {
		return client, nil
	}
	return s3.NewFromConfig(cfg, custom, func(o *s3.Options) { o.Region = region }), nil
}

// newS3Retryer retries throttling (503 SlowDown), 5xx and connection
// errors with the SDK's exponential backoff. The SDK's client-side retry
// quota is off: it is meant to shed load from a failing service across a
// fleet, but here it would turn a burst of SlowDown at 64 concurrent GETs
// into object errors after a handful of retries.
func newS3Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = MaxAttempts
		o.MaxBackoff = time.Duration(s3MaxBackoff.Load())
		o.Backoff = backoff()
		o.RateLimiter = ratelimit.None
	})
}

// bucketRegion asks S3 where bucket lives. S3 names the region in the
// x-amz-bucket-region header of a HeadBucket answer even when the answer is
// a redirect (wrong region) or a refusal (no s3:ListBucket), so one request
// to any region settles it.
//
// Why not the SDK's manager.GetBucketRegion, which reads the same header:
// it lives in a module cci does not otherwise need (feature/s3/manager),
// and it turns every answer without the header into an error, where this
// goes on with the configured region (an old proxy or gateway that drops
// the header still works, and the listing then says what is wrong). The
// middleware below is the part of it cci needs, in 30 lines.
func bucketRegion(ctx context.Context, client *s3.Client, bucket, configured string) (string, error) {
	probe := configured
	if probe == "" {
		probe = "us-east-1"
	}
	var mu sync.Mutex
	var found string
	capture := func(stack *middleware.Stack) error {
		return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("cciBucketRegion",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleDeserialize(ctx, in)
				if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp != nil {
					if r := resp.Header.Get("X-Amz-Bucket-Region"); r != "" {
						mu.Lock()
						found = r
						mu.Unlock()
					}
				}
				return out, md, err
			}), middleware.Before)
	}
	_, err := client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}, func(o *s3.Options) {
		o.Region = probe
		o.APIOptions = append(o.APIOptions, capture)
	})
	mu.Lock()
	defer mu.Unlock()
	if found != "" {
		return found, nil
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound {
		return "", fmt.Errorf("bucket %q not found", bucket)
	}
	if configured != "" {
		// No answer worth trusting (an old proxy, a network error): go on
		// with the configured region and let the listing say what is wrong.
		return configured, nil
	}
	if err == nil {
		return probe, nil
	}
	return "", fmt.Errorf("finding the region of bucket %q: %w", bucket, redactErr(err))
}

// List lists the objects under the source's prefix. With a time window,
// regions or accounts it lists only the CloudTrail prefixes that can hold
// matching records (layout.go) and skips objects whose names fall outside
// the window. fn is never called concurrently.
//
// The order is the same from one run to the next over the same objects
// (the top-10 lists of extract depend on it beyond their exact range):
// prefixes are listed in parallel, but each one's objects are passed on
// in the order the prefixes were planned, and objects found beside the
// planned prefixes (rare in CloudTrail's layout) come last, sorted.
func (s *s3Source) List(ctx context.Context, o source.ListOptions, fn func(source.Object) error) error {
	object := func(key string, size *int64) (source.Object, bool) {
		if strings.HasSuffix(key, "/") || !source.InWindow(key, o) || !source.KeyMatches(key, o) {
			return source.Object{}, false // a directory marker, or pruned
		}
		obj := source.Object{Name: s.objectName(key), Size: aws.ToInt64(size)}
		if size == nil {
			obj.Size = -1
		}
		return obj, true
	}
	var mu sync.Mutex
	var beside []source.Object
	emit := func(key string, size *int64) error {
		if obj, ok := object(key, size); ok {
			mu.Lock()
			beside = append(beside, obj)
			mu.Unlock()
		}
		return nil
	}
	children := func(ctx context.Context, prefix string) ([]string, error) {
		var dirs []string
		err := s.listPages(ctx, prefix, "/", func(page *s3.ListObjectsV2Output) error {
			for _, cp := range page.CommonPrefixes {
				dirs = append(dirs, aws.ToString(cp.Prefix))
			}
			for _, obj := range page.Contents {
				if err := emit(aws.ToString(obj.Key), obj.Size); err != nil {
					return err
				}
			}
			return nil
		})
		return dirs, err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s3ListJobs)
	// feeds carries each planned prefix's objects, in plan order, to the
	// one goroutine that calls fn. The listings start in the same order, so
	// the prefix being passed on is always being listed: a later one that
	// fills its feed waits for its turn without blocking it.
	feeds := make(chan chan source.Object, 4*s3ListJobs)
	passed := make(chan error, 1)
	go func() {
		var err error
		for feed := range feeds {
			for obj := range feed {
				if err == nil {
					err = fn(obj)
				}
			}
		}
		passed <- err
	}()
	err := source.ResolvePrefixes(gctx, s.prefix, o, s.now(), s3ListJobs, children, func(prefix string) error {
		feed := make(chan source.Object, 256)
		select {
		case feeds <- feed:
		case <-gctx.Done():
			return gctx.Err()
		}
		g.Go(func() error {
			defer close(feed)
			return s.listPages(gctx, prefix, "", func(page *s3.ListObjectsV2Output) error {
				for _, obj := range page.Contents {
					if o, ok := object(aws.ToString(obj.Key), obj.Size); ok {
						select {
						case feed <- o:
						case <-gctx.Done():
							return gctx.Err()
						}
					}
				}
				return nil
			})
		})
		return nil
	})
	if werr := g.Wait(); err == nil {
		err = werr
	}
	close(feeds)
	if perr := <-passed; err == nil {
		err = perr
	}
	if err == nil {
		slices.SortFunc(beside, func(a, b source.Object) int { return strings.Compare(a.Name, b.Name) })
		for _, obj := range beside {
			if err = fn(obj); err != nil {
				break
			}
		}
	}
	if err == nil {
		// errgroup cancels gctx on the first error only; a cancelled parent
		// must still fail the listing, or the pipeline would take a cut-short
		// listing for a complete one.
		err = ctx.Err()
	}
	return err
}

// listPages runs ListObjectsV2 over every page under prefix.
func (s *s3Source) listPages(ctx context.Context, prefix, delimiter string, page func(*s3.ListObjectsV2Output) error) error {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket), Prefix: aws.String(prefix)}
	if delimiter != "" {
		in.Delimiter = aws.String(delimiter)
	}
	p := s3.NewListObjectsV2Paginator(s.client, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing s3://%s/%s: %w", s.bucket, prefix, redactErr(err))
		}
		if err := page(out); err != nil {
			return err
		}
	}
	return nil
}

// Open starts a GET of the object and returns its body as a stream. A body
// that breaks mid-stream is resumed from the byte reached (a ranged GET of
// the same ETag), up to s3MaxResumes times, so a connection reset during a
// long download costs a request, not the object.
func (s *s3Source) Open(ctx context.Context, obj source.Object) (io.ReadCloser, error) {
	key, ok := strings.CutPrefix(obj.Name, "s3://"+s.bucket+"/")
	if !ok {
		return nil, fmt.Errorf("getting %s: not an object of s3://%s", obj.Name, s.bucket)
	}
	var attempts []func(*s3.Options)
	if s.direct != nil {
		resp, backOff := s.direct.get(ctx, key)
		if resp != nil {
			return &s3Body{ctx: ctx, src: s, key: key, name: obj.Name, etag: resp.Header.Get("ETag"),
				size: resp.ContentLength, body: resp.Body}, nil
		}
		// The direct request was the first attempt.
		attempts = append(attempts, func(o *s3.Options) { o.RetryMaxAttempts = MaxAttempts - 1 })
		if backOff {
			if err := sleep(ctx, 1, errDirectFailed); err != nil {
				return nil, fmt.Errorf("getting %s: %w", obj.Name, err)
			}
		}
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)}, attempts...)
	if err != nil {
		return nil, fmt.Errorf("getting %s: %w", obj.Name, redactErr(err))
	}
	size := int64(-1)
	if out.ContentLength != nil {
		size = *out.ContentLength
	}
	return &s3Body{ctx: ctx, src: s, key: key, name: obj.Name, etag: aws.ToString(out.ETag), size: size, body: out.Body}, nil
}

// s3Body is an object body that resumes itself after a broken connection.
type s3Body struct {
	ctx  context.Context
	src  *s3Source
	key  string
	name string
	etag string
	size int64 // -1 when unknown

	body    io.ReadCloser // nil once closed or failed for good
	off     int64         // bytes delivered to the reader so far
	resumes int
	pending error // a read error held back while its bytes are delivered
	err     error // the final error, once body is nil
}

func (b *s3Body) Read(p []byte) (int, error) {
	for {
		if b.body == nil {
			return 0, b.err
		}
		var n int
		err := b.pending
		b.pending = nil
		if err == nil {
			n, err = b.body.Read(p)
			b.off += int64(n)
		}
		switch {
		case err == nil:
			return n, nil
		case err == io.EOF && (b.size < 0 || b.off >= b.size):
			return n, io.EOF
		case err == io.EOF:
			err = fmt.Errorf("body ended at byte %d of %d: %w", b.off, b.size, io.ErrUnexpectedEOF)
		case b.size >= 0 && b.off >= b.size:
			// Every byte arrived; the connection broke afterwards.
			return n, io.EOF
		}
		if n > 0 {
			b.pending = err
			return n, nil
		}
		if rerr := b.resume(err); rerr != nil {
			b.fail(rerr)
			return 0, rerr
		}
	}
}

// resume replaces a broken body with a ranged GET from b.off.
func (b *s3Body) resume(cause error) error {
	b.body.Close()
	if err := b.ctx.Err(); err != nil {
		return err
	}
	if b.resumes >= s3MaxResumes {
		return fmt.Errorf("reading %s at byte %d (gave up after %d resumptions): %w", b.name, b.off, b.resumes, redactErr(cause))
	}
	b.resumes++
	if err := sleep(b.ctx, b.resumes, cause); err != nil {
		return err
	}
	in := &s3.GetObjectInput{
		Bucket: aws.String(b.src.bucket),
		Key:    aws.String(b.key),
		Range:  aws.String("bytes=" + strconv.FormatInt(b.off, 10) + "-"),
	}
	if b.etag != "" {
		in.IfMatch = aws.String(b.etag) // a replaced object must not be spliced onto the old one
	}
	out, err := b.src.client.GetObject(b.ctx, in)
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "PreconditionFailed" {
			return fmt.Errorf("reading %s: the object changed while it was read", b.name)
		}
		return fmt.Errorf("resuming %s at byte %d after %v: %w", b.name, b.off, redactErr(cause), redactErr(err))
	}
	body := out.Body
	if out.ContentRange == nil {
		// The server ignored the range and sent the whole object: skip
		// what was already delivered.
		if _, err := io.CopyN(io.Discard, body, b.off); err != nil {
			body.Close()
			return fmt.Errorf("resuming %s at byte %d: %w", b.name, b.off, redactErr(err))
		}
	} else if start, ok := contentRangeStart(*out.ContentRange); !ok || start != b.off {
		body.Close()
		return fmt.Errorf("resuming %s at byte %d: server sent range %q", b.name, b.off, *out.ContentRange)
	}
	b.body = body
	return nil
}

// errDirectFailed is the cause given to the backoff after a failed direct
// GET (the standard backoff does not look at it).
var errDirectFailed = errors.New("direct GET failed")

// sleep waits the backoff before the attempt-th retry, or until ctx is
// done.
func sleep(ctx context.Context, attempt int, cause error) error {
	wait, err := backoff().BackoffDelay(attempt, cause)
	if err != nil {
		wait = 0
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// contentRangeStart parses the first byte of "bytes START-END/TOTAL".
func contentRangeStart(cr string) (int64, bool) {
	rest, ok := strings.CutPrefix(cr, "bytes ")
	if !ok {
		return 0, false
	}
	start, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(start, 10, 64)
	return n, err == nil
}

func (b *s3Body) fail(err error) {
	if b.body != nil {
		b.body.Close()
	}
	b.body, b.err = nil, err
}

func (b *s3Body) Close() error {
	if b.body == nil {
		return nil
	}
	err := b.body.Close()
	b.fail(errors.New("read after close"))
	return err
}

// redactErr removes credentials and signatures from URLs inside err (a
// user:password in an endpoint URL, X-Amz-* query parameters of a
// presigned request), so that errors can be printed as they are.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = redactURL(ue.URL)
	}
	return err
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	q := u.Query()
	changed := false
	for k := range q {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-amz-") || lk == "signature" || lk == "awsaccesskeyid" {
			q.Del(k)
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Command s3floor is the floor of an S3 extract run, for the benchmarks:
// the work `cci extract --events-path s3://bucket/prefix` cannot avoid.
// It lists the objects under the prefix, GETs every log object (digests
// left out, as extract skips them unread) and gunzips it, output
// discarded, and prints the bytes of JSON it decompressed.
//
//	ccibench -o result.txt -- s3floor -endpoint-url http://127.0.0.1:7070 -s3-path-style -jobs 2 s3://bucket/
//
// It is a command of its own, started and measured by ccibench as cci is
// (wall, CPU and peak RSS of a child process), so that it pays a process
// start and the AWS SDK's initialisation as cci does, and so that
// ccibench's local floor stays a small program without the SDK.
//
// Concurrency is cci's: -fetchers GETs in flight (64, where cci's fetch
// pool starts; on trails of objects that take milliseconds to decode it
// stays there, internal/extract/fetch.go) hand their open bodies to -jobs
// gunzip workers, each reusing one klauspost gzip reader, a 32 KiB
// bufio.Reader and a 64 KiB copy buffer, as ccibench's local floor does.
//
// It uses the AWS SDK as cci does, configured the cheapest way a program
// reading CloudTrail from S3 would be: the standard configuration chain
// (credentials, region, AWS_ENDPOINT_URL_S3), the endpoint of
// -endpoint-url as cci's --endpoint-url, path-style addressing with
// -s3-path-style as cci's --s3-path-style, no response checksum unless
// required (cci turns it off too: gzip carries a CRC32), one listing of
// the whole prefix, and an idle connection kept for every GET in flight,
// so that no request pays a new connection. What cci spends beyond this
// (its retryer, read timeouts, resumable bodies, the credential and
// endpoint probes, the listing's layout pruning) counts as cci's.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/encoding/httpbinding"
	"github.com/aws/smithy-go/logging"
	"github.com/klauspost/compress/gzip"
)

func main() {
	jobs := flag.Int("jobs", 2, "gunzip workers")
	fetchers := flag.Int("fetchers", 64, "GETs in flight")
	endpoint := flag.String("endpoint-url", "", "S3 endpoint `URL` (as cci's --endpoint-url)")
	pathStyle := flag.Bool("s3-path-style", false, "address buckets by path (as cci's --s3-path-style)")
	direct := flag.Bool("direct", false, "GET as plain SigV4-signed HTTP requests instead of GetObject, as cci does first (needs -endpoint-url and -s3-path-style)")
	flag.Parse()
	if flag.NArg() != 1 || *jobs < 1 || *fetchers < 1 {
		fmt.Fprintln(os.Stderr, "usage: s3floor [-jobs N] [-fetchers N] [-endpoint-url URL] [-s3-path-style] [-direct] s3://BUCKET[/PREFIX]")
		os.Exit(2)
	}
	f := s3Floor{spec: flag.Arg(0), endpointURL: *endpoint, pathStyle: *pathStyle, fetchers: *fetchers, jobs: *jobs, direct: *direct}
	n, err := f.run(context.Background())
	if err != nil {
		fmt.Fprintf(os.Stderr, "s3floor: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(n)
}

// s3Floor is one run's settings.
type s3Floor struct {
	spec        string // s3://bucket[/prefix]
	endpointURL string // empty: the configuration chain's
	pathStyle   bool
	fetchers    int
	jobs        int
	direct      bool // GETs as plain signed HTTP requests, as cci sends them first
}

// isDigest tells CloudTrail digest objects by name, as extract does.
func isDigest(name string) bool {
	return strings.Contains(name, "CloudTrail-Digest/") || strings.Contains(name, "_CloudTrail-Digest_")
}

// gunzip decompresses r into nothing through br and *zr, which it makes
// on first use and resets after, and returns the bytes it decompressed.
func gunzip(r io.Reader, br *bufio.Reader, zr **gzip.Reader, buf []byte) (int64, error) {
	var err error
	br.Reset(r)
	if *zr == nil {
		*zr, err = gzip.NewReader(br)
	} else {
		err = (*zr).Reset(br)
	}
	if err != nil {
		return 0, err
	}
	return io.CopyBuffer(struct{ io.Writer }{io.Discard}, struct{ io.Reader }{*zr}, buf)
}

// run lists, GETs and gunzips, and returns the bytes of JSON decompressed.
func (f s3Floor) run(ctx context.Context) (int64, error) {
	rest, ok := strings.CutPrefix(f.spec, "s3://")
	bucket, prefix, _ := strings.Cut(rest, "/")
	if !ok || bucket == "" {
		return 0, fmt.Errorf("%q: want s3://bucket[/prefix]", f.spec)
	}
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.MaxIdleConns = f.fetchers + 1
		tr.MaxIdleConnsPerHost = f.fetchers + 1
	})
	cfg, err := config.LoadDefaultConfig(ctx, config.WithHTTPClient(httpClient), config.WithLogger(logging.Nop{}))
	if err != nil {
		return 0, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if f.endpointURL != "" {
			o.BaseEndpoint = aws.String(f.endpointURL)
		}
		o.UsePathStyle = f.pathStyle
		o.DisableLogOutputChecksumValidationSkipped = true
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})

	get := func(ctx context.Context, key string) (io.ReadCloser, error) {
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			return nil, err
		}
		return out.Body, nil
	}
	if f.direct {
		if get, err = directGet(client, f.endpointURL, f.pathStyle, bucket); err != nil {
			return 0, err
		}
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	keys := make(chan string, f.fetchers)
	type object struct {
		key  string
		body io.ReadCloser
	}
	bodies := make(chan object) // unbuffered: a fetcher holds one open body, as in cci
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(keys)
		p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				cancel(fmt.Errorf("listing s3://%s/%s: %w", bucket, prefix, err))
				return
			}
			for _, obj := range page.Contents {
				key := aws.ToString(obj.Key)
				if strings.HasSuffix(key, "/") || isDigest(key) {
					continue
				}
				select {
				case keys <- key:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	var fetchers sync.WaitGroup
	for range f.fetchers {
		fetchers.Add(1)
		go func() {
			defer fetchers.Done()
			for key := range keys {
				body, err := get(ctx, key)
				if err != nil {
					cancel(fmt.Errorf("getting s3://%s/%s: %w", bucket, key, err))
					continue // drain
				}
				select {
				case bodies <- object{key, body}:
				case <-ctx.Done():
					body.Close()
				}
			}
		}()
	}
	go func() {
		fetchers.Wait()
		close(bodies)
	}()
	var total atomic.Int64
	for range f.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			br := bufio.NewReaderSize(nil, 32<<10)
			var zr *gzip.Reader
			buf := make([]byte, 64<<10)
			for o := range bodies {
				if ctx.Err() != nil {
					o.body.Close()
					continue // drain
				}
				n, err := gunzip(o.body, br, &zr, buf)
				o.body.Close()
				total.Add(n)
				if err != nil {
					cancel(fmt.Errorf("s3://%s/%s: %w", bucket, o.key, err))
				}
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return 0, err
	}
	return total.Load(), ctx.Err()
}

// emptySHA256 is the hash of an empty payload, which a GET has.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// directGet returns a GET that skips the SDK's operation stack: a request
// to endpoint/bucket/key signed by the client's SigV4 signer and sent on
// its HTTP client, anything but a 200 an error. It knows path-style
// custom endpoints only, which is what the benchmarks use; cci's own
// direct GET (internal/extract/source/s3/get.go) takes its endpoint from
// the SDK's rules.
func directGet(client *s3.Client, endpoint string, pathStyle bool, bucket string) (func(context.Context, string) (io.ReadCloser, error), error) {
	base, err := url.Parse(strings.TrimSuffix(endpoint, "/"))
	if err != nil || base.Host == "" || !pathStyle {
		return nil, fmt.Errorf("-direct needs -endpoint-url URL and -s3-path-style")
	}
	o := client.Options()
	return func(ctx context.Context, key string) (io.ReadCloser, error) {
		u := *base
		u.Path = base.Path + "/" + bucket + "/" + key
		u.RawPath = base.EscapedPath() + "/" + httpbinding.EscapePath(bucket, true) + "/" + httpbinding.EscapePath(key, false)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, err
		}
		req.URL = &u
		req.Header.Set("Accept-Encoding", "identity")
		req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
		creds, err := o.Credentials.Retrieve(ctx)
		if err != nil {
			return nil, err
		}
		if err := o.HTTPSignerV4.SignHTTP(ctx, creds, req, emptySHA256, "s3", o.Region, time.Now().UTC()); err != nil {
			return nil, err
		}
		resp, err := o.HTTPClient.Do(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, fmt.Errorf("GET %s: %s", key, resp.Status)
		}
		return resp.Body, nil
	}, nil
}

package s3

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyauth "github.com/aws/smithy-go/auth"
	"github.com/aws/smithy-go/encoding/httpbinding"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// directGet is the first attempt at every GET: a plain signed HTTP request
// on the SDK's own HTTP client (the same connections, timeouts and
// signer), without the SDK's operation stack.
//
// Why: the stack is some forty middlewares (endpoint rules, user agent,
// invocation IDs, retry metrics, checksums, the deserializer) around each
// request. Measured against versitygw on loopback, a GET of a one-byte
// object costs 525 µs of client CPU and 31 KB in 466 allocations through
// GetObject, 260 µs and 8 KB in 109 allocations this way; and a goroutine
// waiting on a GET inside the stack holds a 64 KiB stack (52 KiB measured
// per goroutine with 64 or 256 GETs in flight), where the fetch pool runs
// up to --s3-concurrency of them (docs/performance.md, "S3, whole
// process").
//
// Only the happy path is direct. The endpoint comes from the SDK's own
// endpoint rules, resolved once for the bucket; the request is signed by
// the client's SigV4 signer. Anything but a 200 (a throttle, a redirect,
// a missing key, an expired token, a reset connection) closes the answer
// and hands the object to GetObject, which retries, corrects clock skew
// and says what went wrong as before; it gets one attempt fewer, so an
// object still costs at most MaxAttempts requests. A refusal that may
// come from the direct request itself (400 or 403: a signature the server
// does not accept) turns the direct path off for the rest of the run, so a
// store that disagrees with it costs one request more, not one per object.
// Buckets whose endpoint needs anything but plain SigV4 (S3 Express,
// multi-region access points, ARNs) or has no credentials to sign with
// (anonymous access) never use it.
type directGet struct {
	client  aws.HTTPClient
	signer  s3.HTTPSignerV4
	creds   aws.CredentialsProvider
	scheme  string
	host    string
	path    string // the endpoint's path, bucket included in path style
	rawPath string
	headers http.Header // what the endpoint rules ask every request to carry
	service string
	region  string
	off     atomic.Bool
}

// directUserAgent names cci's direct GETs in the store's access logs.
var directUserAgent = "cci aws-sdk-go-v2/" + aws.SDKVersion

// emptySHA256 is the hash of an empty payload, which a GET has.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// newDirectGet prepares direct GETs of bucket's objects through client,
// or returns nil when the bucket's requests need more than the SDK's plain
// SigV4 path (see directGet).
func newDirectGet(ctx context.Context, client *s3.Client, bucket string) *directGet {
	o := client.Options()
	if o.HTTPClient == nil || o.HTTPSignerV4 == nil || o.EndpointResolverV2 == nil || o.Credentials == nil ||
		aws.IsCredentialsProvider(o.Credentials, (*aws.AnonymousCredentials)(nil)) ||
		strings.HasPrefix(bucket, "arn:") {
		return nil
	}
	// The parameters GetObject binds (bindEndpointParams in the SDK).
	params := s3.EndpointParameters{
		Bucket:                         aws.String(bucket),
		Region:                         aws.String(o.Region),
		UseFIPS:                        aws.Bool(o.EndpointOptions.UseFIPSEndpoint == aws.FIPSEndpointStateEnabled),
		UseDualStack:                   aws.Bool(o.EndpointOptions.UseDualStackEndpoint == aws.DualStackEndpointStateEnabled),
		Endpoint:                       o.BaseEndpoint,
		ForcePathStyle:                 aws.Bool(o.UsePathStyle),
		Accelerate:                     aws.Bool(o.UseAccelerate),
		DisableMultiRegionAccessPoints: aws.Bool(o.DisableMultiRegionAccessPoints),
		UseArnRegion:                   aws.Bool(o.UseARNRegion),
		DisableS3ExpressSessionAuth:    o.DisableS3ExpressSessionAuth,
	}
	ep, err := o.EndpointResolverV2.ResolveEndpoint(ctx, params)
	if err != nil {
		return nil
	}
	d := &directGet{client: o.HTTPClient, signer: o.HTTPSignerV4, creds: o.Credentials,
		scheme: ep.URI.Scheme, host: ep.URI.Host, path: ep.URI.Path, rawPath: ep.URI.RawPath,
		headers: ep.Headers, service: "s3", region: o.Region}
	if d.rawPath == "" {
		d.rawPath = d.path
	}
	if ep.URI.RawQuery != "" || ep.URI.User != nil || d.host == "" {
		return nil
	}
	if opts, ok := smithyauth.GetAuthOptions(&ep.Properties); ok {
		// Endpoint rules name schemes as "sigv4", "sigv4a",
		// "sigv4-s3express"; the SDK's auth resolution as smithy IDs.
		if len(opts) != 1 || (opts[0].SchemeID != "sigv4" && opts[0].SchemeID != smithyauth.SchemeIDSigV4) {
			return nil
		}
		if name, ok := smithyhttp.GetSigV4SigningName(&opts[0].SignerProperties); ok && name != "" {
			d.service = name
		}
		if region, ok := smithyhttp.GetSigV4SigningRegion(&opts[0].SignerProperties); ok && region != "" {
			d.region = region
		}
	}
	if d.service != "s3" {
		return nil // S3 Express and the like sign with something else
	}
	return d
}

// request builds the signed GET of key.
func (d *directGet) request(ctx context.Context, key string) (*http.Request, error) {
	u := &url.URL{Scheme: d.scheme, Host: d.host,
		Path:    smithyhttp.JoinPath(d.path, "/"+key),
		RawPath: smithyhttp.JoinPath(d.rawPath, "/"+httpbinding.EscapePath(key, false))}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	// u.String() may re-escape; keep the exact path S3 signs.
	req.URL = u
	for k, vs := range d.headers {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", directUserAgent)
	// As the SDK's DisableGzip: net/http would otherwise ask for gzip and
	// inflate the answer itself.
	req.Header.Set("Accept-Encoding", "identity")
	req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	creds, err := d.creds.Retrieve(ctx)
	if err != nil {
		return nil, err
	}
	if err := d.signer.SignHTTP(ctx, creds, req, emptySHA256, d.service, d.region, time.Now().UTC()); err != nil {
		return nil, err
	}
	return req, nil
}

// get tries the direct GET of key and returns the answer when it is a
// 200. Otherwise it returns nil, and backOff tells whether the failure
// was a throttle, a server error or a broken connection, after which the
// caller should wait as between retries before it goes through GetObject.
func (d *directGet) get(ctx context.Context, key string) (resp *http.Response, backOff bool) {
	if d.off.Load() {
		return nil, false
	}
	req, err := d.request(ctx, key)
	if err != nil {
		return nil, false
	}
	resp, err = d.client.Do(req)
	if err != nil {
		return nil, ctx.Err() == nil
	}
	if resp.StatusCode == http.StatusOK {
		return resp, false
	}
	if resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusForbidden {
		d.off.Store(true)
	}
	// An error document is small; reading it lets the connection be reused.
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	resp.Body.Close()
	return nil, resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
}

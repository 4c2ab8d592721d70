package s3

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// dialTimeout bounds the reachability probe of an S3-compatible endpoint.
const dialTimeout = 5 * time.Second

// HintError is an error with hints for the user; the CLI prints them
// after it as "cci: hint:" lines.
type HintError struct {
	Err   error
	Hints []string
}

func (e *HintError) Error() string { return e.Err.Error() }
func (e *HintError) Unwrap() error { return e.Err }

// UserHints returns the hints.
func (e *HintError) UserHints() []string { return e.Hints }

// probeEndpoint dials an S3-compatible endpoint once. The SDK retries a
// refused connection ten times with backoff, some 40 s of silence; one
// dial says within seconds that nothing listens there.
func probeEndpoint(ctx context.Context, endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return fmt.Errorf("endpoint %q: want a URL like http://host:port", endpoint)
	}
	port := u.Port()
	if port == "" {
		port = "443"
		if u.Scheme == "http" {
			port = "80"
		}
	}
	d := net.Dialer{Timeout: dialTimeout}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		return &HintError{Err: fmt.Errorf("cannot reach S3 endpoint %s: %w", redactURL(endpoint), err),
			Hints: []string{"check --endpoint-url (or AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL) and that the store is running"}}
	}
	return conn.Close()
}

// checkCredentials makes the configuration chain find credentials once,
// up front, so that their absence is one clear error with a hint rather
// than a failure of the first request.
func checkCredentials(ctx context.Context, cfg aws.Config) error {
	if cfg.Credentials == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err := cfg.Credentials.Retrieve(ctx)
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	return &HintError{Err: fmt.Errorf("finding AWS credentials: %w", redactErr(err)),
		Hints: []string{
			"set AWS_PROFILE to a profile of ~/.aws/config, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)",
			"run `aws sts get-caller-identity` to check what the AWS CLI finds",
		}}
}

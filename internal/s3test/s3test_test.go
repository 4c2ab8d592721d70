package s3test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// noRetry makes every fault visible to the caller.
func noRetry(o *s3.Options) { o.RetryMaxAttempts = 1 }

func get(ctx context.Context, c *s3.Client, bucket, key string) ([]byte, error) {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, noRetry)
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

func TestServerAndProxy(t *testing.T) {
	srv := Start(t)
	ctx := context.Background()
	srv.CreateBucket(t, "trails")

	dir := t.TempDir()
	for _, name := range []string{"a/1.json", "a/b/2.json", "c.json"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.Repeat(name, 100)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	keys := srv.UploadDir(t, "trails", "p/", dir)
	if want := []string{"p/a/1.json", "p/a/b/2.json", "p/c.json"}; !slices.Equal(keys, want) {
		t.Fatalf("keys = %q, want %q", keys, want)
	}
	// The posix backend keeps objects as files under Root/bucket.
	if _, err := os.Stat(filepath.Join(srv.Root, "trails", "p", "a", "b", "2.json")); err != nil {
		t.Errorf("object not on disk: %v", err)
	}

	proxy := NewProxy(t, srv.URL)
	c := srv.Client(proxy.URL)

	t.Run("pass", func(t *testing.T) {
		body, err := get(ctx, c, "trails", "p/c.json")
		if err != nil || string(body) != strings.Repeat("c.json", 100) {
			t.Fatalf("get = %q, %v", body, err)
		}
		out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("trails"), Prefix: aws.String("p/a/")})
		if err != nil || len(out.Contents) != 2 {
			t.Fatalf("list = %v, %v", out, err)
		}
		if n := proxy.Count(IsGetObject); n != 1 {
			t.Errorf("GETs = %d, want 1", n)
		}
		if n := proxy.Count(IsList); n != 1 {
			t.Errorf("lists = %d, want 1", n)
		}
	})

	t.Run("SlowDown", func(t *testing.T) {
		rule := proxy.AddRule(&Rule{Match: KeyIs("p/a/1.json"), Fault: SlowDown, Times: 1})
		_, err := get(ctx, c, "trails", "p/a/1.json")
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "SlowDown" {
			t.Fatalf("err = %v, want SlowDown", err)
		}
		if _, err := get(ctx, c, "trails", "p/a/1.json"); err != nil {
			t.Fatalf("after the rule's one use: %v", err)
		}
		if rule.Applied() != 1 {
			t.Errorf("applied %d times", rule.Applied())
		}
	})

	t.Run("Reset", func(t *testing.T) {
		// Go's transport itself retries an idempotent request whose reused
		// connection breaks before any response, so one reset can go
		// unseen: reset this key every time (no later test reads it).
		rule := proxy.AddRule(&Rule{Match: KeyIs("p/a/b/2.json"), Fault: Reset})
		_, err := get(ctx, c, "trails", "p/a/b/2.json")
		if err == nil {
			t.Fatal("no error from a reset connection")
		}
		t.Logf("reset %d times: %v", rule.Applied(), err)
	})

	t.Run("ResetMidBody", func(t *testing.T) {
		proxy.AddRule(&Rule{Match: KeyIs("p/c.json"), Fault: ResetMidBody, Times: 1})
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("trails"), Key: aws.String("p/c.json")}, noRetry)
		if err != nil {
			t.Fatalf("the headers should arrive: %v", err)
		}
		body, err := io.ReadAll(out.Body)
		out.Body.Close()
		if err == nil || len(body) != len("c.json")*50 {
			t.Fatalf("read %d bytes, err %v; want half the body and an error", len(body), err)
		}
	})

	t.Run("MaxRequests", func(t *testing.T) {
		p2 := NewProxy(t, srv.URL)
		p2.MaxRequests = 1
		c2 := srv.Client(p2.URL)
		if _, err := get(ctx, c2, "trails", "p/c.json"); err != nil {
			t.Fatal(err)
		}
		if _, err := get(ctx, c2, "trails", "p/c.json"); err == nil {
			t.Fatal("served past MaxRequests")
		}
		reqs := p2.Requests()
		if len(reqs) != 2 || reqs[1].Fault != SlowDown {
			t.Fatalf("requests = %+v", reqs)
		}
	})
}

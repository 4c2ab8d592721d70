package main

import (
	"bytes"
	"compress/gzip"
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/s3test"
	"github.com/cloud-credentials-insights/cci/internal/trailgen"
)

// TestS3Floor checks that the floor GETs and decompresses every log object
// under the prefix and nothing else: the JSON bytes the generator wrote,
// digests and objects outside the prefix left out, through more fetchers
// than objects and fewer. It skips without versitygw.
func TestS3Floor(t *testing.T) {
	srv := s3test.Start(t)
	s3test.SetEnv(t)
	dir := t.TempDir()
	st, err := trailgen.Write(t.Context(), dir, trailgen.BenchConfig(3000))
	if err != nil {
		t.Fatal(err)
	}
	if st.Digests == 0 {
		t.Fatal("the trail has no digest: the test would not show that digests are left out")
	}
	srv.CreateBucket(t, "floor")
	srv.UploadDir(t, "floor", "trail/", dir)
	srv.Put(t, "floor", "other/AWSLogs/x.json.gz", []byte("outside the prefix, and not gzip"))

	for _, c := range []struct {
		jobs, fetchers int
		direct         bool
	}{{1, 1, false}, {2, 64, false}, {3, 2, false}, {2, 64, true}, {1, 3, true}} {
		f := s3Floor{spec: "s3://floor/trail/", endpointURL: srv.URL, pathStyle: true, jobs: c.jobs, fetchers: c.fetchers, direct: c.direct}
		n, err := f.run(t.Context())
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if n != st.JSONBytes {
			t.Errorf("%+v: read %d bytes of JSON, the generator wrote %d", c, n, st.JSONBytes)
		}
	}

	// Not a gzip object: the floor must fail on it rather than skip it.
	srv.Put(t, "floor", "trail/AWSLogs/junk.json.gz", []byte("not gzip"))
	for _, direct := range []bool{false, true} {
		f := s3Floor{spec: "s3://floor/trail/", endpointURL: srv.URL, pathStyle: true, jobs: 2, fetchers: 4, direct: direct}
		if _, err := f.run(t.Context()); err == nil {
			t.Errorf("direct=%v: the floor accepted an object that is not gzip", direct)
		}
		// A bucket that does not exist: an error, not an empty floor.
		f.spec = "s3://no-such-bucket/"
		if _, err := f.run(t.Context()); err == nil {
			t.Errorf("direct=%v: the floor listed a bucket that does not exist", direct)
		}
	}
	// A key the direct GET must escape, and one it cannot find.
	srv.Put(t, "floor", "odd/a b+c%d=é.json.gz", gzipped(t, "{}"))
	f := s3Floor{spec: "s3://floor/odd/", endpointURL: srv.URL, pathStyle: true, jobs: 1, fetchers: 1, direct: true}
	if n, err := f.run(t.Context()); err != nil || n != 2 {
		t.Errorf("direct GET of an awkward key: %d bytes, %v", n, err)
	}
	get, err := directGet(s3test.NewClient(srv.URL), srv.URL, true, "floor")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := get(t.Context(), "odd/missing"); err == nil {
		t.Error("a direct GET of a missing key did not fail")
	}
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

package main

import (
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

	for _, c := range []struct{ jobs, fetchers int }{{1, 1}, {2, 64}, {3, 2}} {
		f := s3Floor{spec: "s3://floor/trail/", endpointURL: srv.URL, pathStyle: true, jobs: c.jobs, fetchers: c.fetchers}
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
	f := s3Floor{spec: "s3://floor/trail/", endpointURL: srv.URL, pathStyle: true, jobs: 2, fetchers: 4}
	if _, err := f.run(t.Context()); err == nil {
		t.Error("the floor accepted an object that is not gzip")
	}
	// A bucket that does not exist: an error, not an empty floor.
	f.spec = "s3://no-such-bucket/"
	if _, err := f.run(t.Context()); err == nil {
		t.Error("the floor listed a bucket that does not exist")
	}
}

package extract

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/s3test"
	"github.com/cloud-credentials-insights/cci/internal/trailgen"
)

// benchS3Latency is what the proxy adds to every S3 request, standing in
// for the round trip to a real S3 region.
const benchS3Latency = 20 * time.Millisecond

// BenchmarkS3Extract extracts the benchmark trail (CCI_BENCH_RECORDS
// records, 200,000 by default, CCI_BENCH_PER_OBJECT to an object: the
// trail of BenchmarkExtract) from local disk and from versitygw behind a
// proxy adding benchS3Latency to each request, and prints objects/s and
// MB/s (compressed) of both. It skips without versitygw.
func BenchmarkS3Extract(b *testing.B) {
	n := 200_000
	if v := os.Getenv("CCI_BENCH_RECORDS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("CCI_BENCH_RECORDS=%q: want a positive number", v)
		}
	}
	srv := s3test.Start(b)
	s3test.SetEnv(b)
	const bucket = "bench-trail"
	srv.CreateBucket(b, bucket)

	// Generate once, to disk and to the bucket.
	dir := b.TempDir()
	client := srv.Client()
	toDisk := trailgen.DirSink(dir)
	var mu sync.Mutex
	var objects int
	var size int64
	cfg := trailgen.BenchConfig(n)
	cfg.RecordsPerObject = benchPerObject(b)
	stats, err := trailgen.Generate(context.Background(), cfg, func(name string, gz []byte) error {
		mu.Lock()
		objects++
		size += int64(len(gz))
		mu.Unlock()
		if err := toDisk(name, gz); err != nil {
			return err
		}
		return s3test.Put(context.Background(), client, bucket, name, gz)
	})
	if err != nil {
		b.Fatal(err)
	}
	// A TCP proxy adds the latency: the HTTP fault proxy of the tests would
	// spend a core's worth of copying on this machine that a real network
	// does not take from the client.
	proxy := s3test.NewLatencyProxy(b, srv.URL, benchS3Latency)

	var local time.Duration
	run := func(b *testing.B, opts Options) time.Duration {
		var total, self, server time.Duration
		for b.Loop() {
			opts.Output = b.TempDir()
			// Setting up (generating and uploading the trail) leaves
			// garbage and freed pages behind; collect and return them now
			// so that the runtime does not do it inside the timed run.
			runtime.GC()
			debug.FreeOSMemory()
			self0, server0 := processCPU(), serverCPU(b, srv)
			start := time.Now()
			if err := Run(context.Background(), opts, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
				b.Fatal(err)
			}
			total = time.Since(start) // the last iteration's; -benchtime 1x makes it the only one
			self, server = processCPU()-self0, serverCPU(b, srv)-server0
		}
		report(b, objects, size, total)
		// The benchmark process holds cci and the latency proxy; versitygw
		// is a process of its own on the same cores.
		b.Logf("CPU: cci+proxy %.2fs, versitygw %.2fs, together %.2f of %d cores over the run",
			self.Seconds(), server.Seconds(), (self+server).Seconds()/total.Seconds(), runtime.NumCPU())
		return total
	}
	b.Run("local", func(b *testing.B) {
		local = run(b, Options{EventsPaths: []string{dir}, Quiet: true})
	})
	b.Run(fmt.Sprintf("s3-%s-latency", benchS3Latency), func(b *testing.B) {
		remote := run(b, Options{
			EventsPaths: []string{"s3://" + bucket + "/"},
			EndpointURL: proxy.URL,
			S3PathStyle: true,
			Quiet:       true,
		})
		if local > 0 && remote > 0 {
			line := fmt.Sprintf("  S3               %8.2fx the local time with %s per request: %.0f%% of local throughput (target >= 70%%)\n",
				remote.Seconds()/local.Seconds(), benchS3Latency, 100*local.Seconds()/remote.Seconds())
			fmt.Print(line)
			b.Logf("%d records, %d objects:\n%s", stats.Records, objects, line)
		}
	})
}

func serverCPU(b testing.TB, srv *s3test.Server) time.Duration {
	d, err := srv.CPUTime()
	if err != nil {
		if b != nil {
			b.Logf("no server CPU figure: %v", err)
		}
	}
	return d
}

func report(b *testing.B, objects int, size int64, d time.Duration) {
	if d <= 0 {
		return
	}
	b.ReportMetric(float64(objects)/d.Seconds(), "objects/s")
	b.ReportMetric(float64(size)/1e6/d.Seconds(), "MB/s")
	b.Logf("%d objects, %.1f MB in %s: %.0f objects/s, %.1f MB/s", objects, float64(size)/1e6,
		d.Round(time.Millisecond), float64(objects)/d.Seconds(), float64(size)/1e6/d.Seconds())
}

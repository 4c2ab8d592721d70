package extract

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/extract/source"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"golang.org/x/sync/errgroup"

	"github.com/cloud-credentials-insights/cci/internal/trailgen"
)

// The benchmarks here measure issue 5's targets on a generated trail
// (trailgen.BenchConfig: ~1.4 KB records, 500 per object):
//
//   - BenchmarkExtract: the floor (read + gunzip of every object with the
//     same gzip library and GOMAXPROCS workers, output discarded) beside a
//     full in-process extract, interleaved CCI_BENCH_REPS times (default 3),
//     medians reported; then the peak RSS of a real `cci extract` process
//     on the same trail.
//   - BenchmarkRecordPath: allocations of the per-record decode-and-aggregate
//     path in steady state.
//
// CCI_BENCH_RECORDS sets the trail size (default 200,000); a comma list
// ("200000,1000000") runs one sub-benchmark per size and compares their
// peak RSS. CCI_BENCH_PER_OBJECT sets the records per object (default
// 500); a small number makes a trail of many objects, as a busy account's
// day is. No figure here is asserted: the numbers are for people.

const defaultBenchRecords = 200_000

func benchSizes(b *testing.B) []int {
	v := os.Getenv("CCI_BENCH_RECORDS")
	if v == "" {
		return []int{defaultBenchRecords}
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(f, "_", "")))
		if err != nil || n <= 0 {
			b.Fatalf("CCI_BENCH_RECORDS=%q: want positive numbers separated by commas", v)
		}
		out = append(out, n)
	}
	return out
}

func benchPerObject(b *testing.B) int {
	v := os.Getenv("CCI_BENCH_PER_OBJECT")
	if v == "" {
		return trailgen.BenchConfig(1).RecordsPerObject
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("CCI_BENCH_PER_OBJECT=%q: want a positive number", v)
	}
	return n
}

func benchReps(b *testing.B) int {
	v := os.Getenv("CCI_BENCH_REPS")
	if v == "" {
		return 3
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("CCI_BENCH_REPS=%q: want a positive number", v)
	}
	return n
}

// benchTrail is a generated trail on disk.
type benchTrail struct {
	dir     string
	stats   trailgen.Stats
	objects []string // log objects, digests left out (extract skips them unread)
}

func generateTrail(b *testing.B, n int) *benchTrail {
	b.Helper()
	dir := b.TempDir()
	start := time.Now()
	cfg := trailgen.BenchConfig(n)
	cfg.RecordsPerObject = benchPerObject(b)
	st, err := trailgen.Write(context.Background(), dir, cfg)
	if err != nil {
		b.Fatalf("generating trail: %v", err)
	}
	t := &benchTrail{dir: dir, stats: st}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || source.IsDigest(p) {
			return err
		}
		t.objects = append(t.objects, p)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d records in %d objects (%.1f MB JSON, %.1f MB gzip) in %s",
		st.Records, st.Objects, float64(st.JSONBytes)/1e6, float64(st.GzipBytes)/1e6, time.Since(start).Round(time.Millisecond))
	return t
}

// floor reads and gunzips every object with GOMAXPROCS workers, each
// reusing its reader and buffers, and throws the bytes away: the work
// extract cannot avoid.
func floor(objects []string, workers int) (time.Duration, int64, error) {
	var next atomic.Int64
	var total atomic.Int64
	start := time.Now()
	var g errgroup.Group
	for range workers {
		g.Go(func() error {
			br := bufio.NewReaderSize(nil, 32<<10)
			var zr *gzip.Reader
			buf := make([]byte, 64<<10)
			var n int64
			for {
				i := int(next.Add(1)) - 1
				if i >= len(objects) {
					break
				}
				f, err := os.Open(objects[i])
				if err != nil {
					return err
				}
				br.Reset(f)
				if zr == nil {
					zr, err = gzip.NewReader(br)
				} else {
					err = zr.Reset(br)
				}
				if err == nil {
					var m int64
					m, err = io.CopyBuffer(struct{ io.Writer }{io.Discard}, struct{ io.Reader }{zr}, buf)
					n += m
				}
				f.Close()
				if err != nil {
					return fmt.Errorf("%s: %w", objects[i], err)
				}
			}
			total.Add(n)
			return nil
		})
	}
	err := g.Wait()
	return time.Since(start), total.Load(), err
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkExtract prints, per trail size: floor and extract time (median
// of CCI_BENCH_REPS interleaved runs), their ratio, MB/s of JSON,
// records/s, allocations per record over the whole run, and the peak RSS
// of a `cci extract` process.
func BenchmarkExtract(b *testing.B) {
	sizes := benchSizes(b)
	reps := benchReps(b)
	bins := buildBins(b)
	var rss []int64
	for _, n := range sizes {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			trail := generateTrail(b, n)
			workers := runtime.GOMAXPROCS(0)
			var floors, extracts []time.Duration
			var mallocs uint64
			for b.Loop() {
				for range reps {
					d, size, err := floor(trail.objects, workers)
					if err != nil {
						b.Fatal(err)
					}
					if size != trail.stats.JSONBytes {
						b.Fatalf("floor read %d bytes of JSON, the generator wrote %d", size, trail.stats.JSONBytes)
					}
					floors = append(floors, d)

					out := b.TempDir()
					var m0, m1 runtime.MemStats
					runtime.GC()
					runtime.ReadMemStats(&m0)
					start := time.Now()
					err = Run(context.Background(), Options{EventsPaths: []string{trail.dir}, Output: out, Jobs: workers, Quiet: true}, io.Discard, io.Discard)
					extracts = append(extracts, time.Since(start))
					runtime.ReadMemStats(&m1)
					if err != nil {
						b.Fatal(err)
					}
					mallocs = m1.Mallocs - m0.Mallocs
				}
			}
			fl, ex := median(floors), median(extracts)
			recs := float64(trail.stats.Records)
			mb := float64(trail.stats.JSONBytes) / 1e6
			peak, wall := measureRSS(b, bins, trail.dir)
			rss = append(rss, peak)

			b.ReportMetric(fl.Seconds(), "floor-s")
			b.ReportMetric(ex.Seconds(), "extract-s")
			b.ReportMetric(ex.Seconds()/fl.Seconds(), "ratio")
			b.ReportMetric(mb/ex.Seconds(), "MB/s")
			b.ReportMetric(recs/ex.Seconds(), "records/s")
			b.ReportMetric(float64(mallocs)/recs, "allocs/record")
			b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")

			var sb strings.Builder
			fmt.Fprintf(&sb, "\n  trail            %d records, %d objects, %.1f MB JSON, %.1f MB gzip\n", trail.stats.Records, len(trail.objects), mb, float64(trail.stats.GzipBytes)/1e6)
			fmt.Fprintf(&sb, "  workers          %d (GOMAXPROCS), %d interleaved runs, medians\n", workers, reps)
			fmt.Fprintf(&sb, "  floor            %8.3fs  (read + gunzip, klauspost gzip)  runs: %s\n", fl.Seconds(), durs(floors))
			fmt.Fprintf(&sb, "  extract          %8.3fs  (in-process Run)                 runs: %s\n", ex.Seconds(), durs(extracts))
			fmt.Fprintf(&sb, "  ratio            %8.2fx  (target <= 1.3x)\n", ex.Seconds()/fl.Seconds())
			fmt.Fprintf(&sb, "  throughput       %8.0f MB/s of JSON, %.0f records/s\n", mb/ex.Seconds(), recs/ex.Seconds())
			fmt.Fprintf(&sb, "  allocs           %8.2f per record over the whole run (objects included)\n", float64(mallocs)/recs)
			fmt.Fprintf(&sb, "  cci process      %8.1f MiB peak RSS (target <= 64 MiB), wall %s\n", float64(peak)/(1<<20), wall.Round(time.Millisecond))
			fmt.Print(sb.String())
			b.Log(sb.String())
		})
	}
	if len(rss) > 1 && rss[0] > 0 {
		for i := 1; i < len(rss); i++ {
			fmt.Printf("  peak RSS at %d records is %+.1f%% of the %d-record run (target <= +10%%)\n",
				sizes[i], 100*(float64(rss[i])/float64(rss[0])-1), sizes[0])
		}
	}
}

func durs(ds []time.Duration) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = fmt.Sprintf("%.3f", d.Seconds())
	}
	return strings.Join(s, " ")
}

// benchBins are the binaries of the RSS measurement: peak RSS is a
// property of a process, so it is taken from a real cci, started by
// ccibench (see cmd/ccibench for why not by the benchmark itself).
type benchBins struct{ cci, launcher string }

func buildBins(b *testing.B) benchBins {
	b.Helper()
	gotool, err := exec.LookPath("go")
	if err != nil {
		b.Fatalf("building the binaries to measure: %v", err)
	}
	dir := b.TempDir()
	bins := benchBins{cci: filepath.Join(dir, "cci"), launcher: filepath.Join(dir, "ccibench")}
	for bin, pkg := range map[string]string{bins.cci: "cmd/cci", bins.launcher: "cmd/ccibench"} {
		cmd := exec.Command(gotool, "build", "-o", bin, "github.com/cloud-credentials-insights/cci/"+pkg)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("building %s: %v\n%s", pkg, err, out)
		}
	}
	return bins
}

// measureRSS runs `cci extract` on dir and returns its peak resident set
// in bytes and its wall time.
func measureRSS(b *testing.B, bins benchBins, dir string) (int64, time.Duration) {
	b.Helper()
	res := filepath.Join(b.TempDir(), "rss")
	cmd := exec.Command(bins.launcher, "-o", res, "--", bins.cci, "extract", "--events-path", dir, "--output", b.TempDir(), "--quiet")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("ccibench: %v\n%s", err, stderr.Bytes())
	}
	line, err := os.ReadFile(res)
	if err != nil {
		b.Fatal(err)
	}
	var kib, ns int64
	var code int
	if _, err := fmt.Sscan(string(line), &kib, &ns, &code); err != nil {
		b.Fatalf("ccibench wrote %q: %v", line, err)
	}
	if code != 0 {
		b.Fatalf("cci extract exited %d\n%s", code, stderr.Bytes())
	}
	return kib * 1024, time.Duration(ns)
}

// recordPathObjects returns a few objects of the benchmark trail,
// decompressed.
func recordPathObjects(b *testing.B) [][]byte {
	b.Helper()
	var objs [][]byte
	_, err := trailgen.Generate(context.Background(), trailgen.BenchConfig(10_000), func(name string, gzb []byte) error {
		if source.IsDigest(name) {
			return nil
		}
		zr, err := gzip.NewReader(bytes.NewReader(gzb))
		if err != nil {
			return err
		}
		j, err := io.ReadAll(zr)
		if err != nil {
			return err
		}
		objs = append(objs, j)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return objs
}

// BenchmarkRecordPath measures the per-record path (split, decode, filter,
// aggregate) in steady state: the aggregate has already seen every
// identity and action of the sample once. One op is one object; the
// figure that matters is allocs/record.
func BenchmarkRecordPath(b *testing.B) {
	objs := recordPathObjects(b)
	opts := Options{EventsPaths: []string{"-"}, Output: "-"}
	if err := opts.Validate(); err != nil {
		b.Fatal(err)
	}
	r := newRunner(opts, nil)
	w := r.newWorker()
	var rd bytes.Reader
	var records, size int64
	for _, o := range objs { // warm up: every name interned, every buffer grown
		var st events.Stat
		rd.Reset(o)
		if err := w.decode(&rd, &st); err != nil {
			b.Fatal(err)
		}
		records += st.Total
		size += int64(len(o))
	}
	perObj := float64(records) / float64(len(objs))
	b.SetBytes(size / int64(len(objs)))
	b.ReportAllocs()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	i := 0
	for b.Loop() {
		var st events.Stat
		rd.Reset(objs[i%len(objs)])
		i++
		if err := w.decode(&rd, &st); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&m1)
	allocs := float64(m1.Mallocs-m0.Mallocs) / float64(i) / perObj
	b.ReportMetric(allocs, "allocs/record")
	b.ReportMetric(perObj*float64(i)/b.Elapsed().Seconds(), "records/s")
	fmt.Printf("  record path      %8.3f allocs/record in steady state (target < 1), %.0f records/s on one core\n",
		allocs, perObj*float64(i)/b.Elapsed().Seconds())
}

package procbench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/extract"
	"github.com/cloud-credentials-insights/cci/internal/trailgen"
)

// Settings, from the environment (see doc.go).
//
//	CCI_BENCH_RECORDS    trail sizes, comma-separated (default 200000)
//	CCI_BENCH_SHAPES     shapes, comma-separated (default all of trailgen.Shapes)
//	CCI_BENCH_REPS       pairs per shape (default 5)
//	CCI_BENCH_JOBS       workers of cci and of the floor (default GOMAXPROCS)
//	CCI_BENCH_TRAILS     directory to keep generated trails in and reuse (default: a temporary one)
//	CCI_BENCH_INPROCESS  1: also time extract.Run in this process, beside the cci process

func envInts(b *testing.B, key string, def []int) []int {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(f, "_", "")))
		if err != nil || n <= 0 {
			b.Fatalf("%s=%q: want positive numbers separated by commas", key, v)
		}
		out = append(out, n)
	}
	return out
}

func shapes(b *testing.B) []trailgen.Shape {
	v := os.Getenv("CCI_BENCH_SHAPES")
	if v == "" {
		return trailgen.Shapes()
	}
	var out []trailgen.Shape
	for _, name := range strings.Split(v, ",") {
		s, ok := trailgen.ShapeByName(strings.TrimSpace(name))
		if !ok {
			b.Fatalf("CCI_BENCH_SHAPES: no shape %q", name)
		}
		out = append(out, s)
	}
	return out
}

func jobs(b *testing.B) int { return envInts(b, "CCI_BENCH_JOBS", []int{runtime.GOMAXPROCS(0)})[0] }

// trail is a generated trail on disk.
type trail struct {
	dir   string
	stats trailgen.Stats
}

// makeTrail generates shape's trail of n records, or reuses the one kept
// under CCI_BENCH_TRAILS.
func makeTrail(b *testing.B, shape trailgen.Shape, n int) trail {
	b.Helper()
	keep := os.Getenv("CCI_BENCH_TRAILS")
	base := keep
	if base == "" {
		base = b.TempDir()
	}
	dir := filepath.Join(base, fmt.Sprintf("%s-%d", shape.Name, n))
	stamp := dir + ".stats.json"
	if keep != "" {
		if js, err := os.ReadFile(stamp); err == nil {
			var st trailgen.Stats
			if err := json.Unmarshal(js, &st); err == nil {
				return trail{dir, st}
			}
		}
		os.RemoveAll(dir)
	}
	start := time.Now()
	st, err := trailgen.Write(context.Background(), dir, shape.Config(n))
	if err != nil {
		b.Fatalf("generating the %s trail: %v", shape.Name, err)
	}
	js, _ := json.Marshal(st)
	if err := os.WriteFile(stamp, js, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %s: %d records in %d objects in %s", shape.Name, st.Records, st.Objects, time.Since(start).Round(time.Millisecond))
	return trail{dir, st}
}

// bins are cci, ccibench and s3floor, built once per benchmark.
type bins struct{ cci, launcher, s3floor string }

func buildBins(b *testing.B) bins {
	b.Helper()
	gotool, err := exec.LookPath("go")
	if err != nil {
		b.Fatalf("building the binaries to measure: %v", err)
	}
	dir := b.TempDir()
	bs := bins{cci: filepath.Join(dir, "cci"), launcher: filepath.Join(dir, "ccibench"), s3floor: filepath.Join(dir, "s3floor")}
	for bin, pkg := range map[string]string{bs.cci: "cmd/cci", bs.launcher: "cmd/ccibench", bs.s3floor: "cmd/s3floor"} {
		cmd := exec.Command(gotool, "build", "-o", bin, "github.com/cloud-credentials-insights/cci/"+pkg)
		// Built as README.md installs cci: static, without libc, which
		// would add 1.6 MiB to every run's peak RSS.
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("building %s: %v\n%s", pkg, err, out)
		}
	}
	return bs
}

// run is what ccibench reported of one process.
type run struct {
	rss       int64 // bytes
	wall, cpu time.Duration
	json      int64  // bytes the floor decompressed
	stdout    []byte // what the command printed
}

func (bs bins) launch(b *testing.B, args ...string) run {
	b.Helper()
	res := filepath.Join(b.TempDir(), "result")
	cmd := exec.Command(bs.launcher, append([]string{"-o", res}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("ccibench %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	line, err := os.ReadFile(res)
	if err != nil {
		b.Fatal(err)
	}
	var kib, wall, user, sys, n int64
	var code int
	if _, err := fmt.Sscan(string(line), &kib, &wall, &code, &user, &sys, &n); err != nil {
		b.Fatalf("ccibench wrote %q: %v", line, err)
	}
	if code != 0 {
		b.Fatalf("%s exited %d\n%s", strings.Join(args, " "), code, stderr.Bytes())
	}
	return run{rss: kib << 10, wall: time.Duration(wall), cpu: time.Duration(user + sys), json: n, stdout: stdout.Bytes()}
}

func (bs bins) floor(b *testing.B, t trail, j int) run {
	r := bs.launch(b, "-floor", t.dir, "-jobs", strconv.Itoa(j))
	if r.json != t.stats.JSONBytes {
		b.Fatalf("the floor read %d bytes of JSON, the generator wrote %d", r.json, t.stats.JSONBytes)
	}
	return r
}

func extractArgs(t trail, shape trailgen.Shape, out string, j int) []string {
	args := []string{"extract", "--events-path", t.dir, "--output", out, "--quiet", "--jobs", strconv.Itoa(j)}
	for _, p := range shape.PrincipalPrefixes {
		args = append(args, "--principal-prefix", p)
	}
	return args
}

func (bs bins) extract(b *testing.B, t trail, shape trailgen.Shape, j int) run {
	return bs.launch(b, append([]string{"--", bs.cci}, extractArgs(t, shape, b.TempDir(), j)...)...)
}

func inProcess(b *testing.B, t trail, shape trailgen.Shape, j int) time.Duration {
	b.Helper()
	opts := extract.Options{EventsPaths: []string{t.dir}, Output: b.TempDir(), Jobs: j, Quiet: true,
		PrincipalPrefixes: shape.PrincipalPrefixes}
	start := time.Now()
	if err := extract.Run(context.Background(), opts, io.Discard, io.Discard); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// stat is a median and the range around it.
type stat struct{ med, lo, hi float64 }

func summarize(xs []float64) stat {
	s := slices.Clone(xs)
	slices.Sort(s)
	return stat{s[len(s)/2], s[0], s[len(s)-1]}
}

func (s stat) secs() string  { return fmt.Sprintf("%.3f s (%.3f-%.3f)", s.med, s.lo, s.hi) }
func (s stat) x() string     { return fmt.Sprintf("%.2fx (%.2f-%.2f)", s.med, s.lo, s.hi) }
func (s stat) mib() string   { return fmt.Sprintf("%.1f MiB (%.1f-%.1f)", s.med, s.lo, s.hi) }
func (s stat) plain() string { return fmt.Sprintf("%.2f (%.2f-%.2f)", s.med, s.lo, s.hi) }

// result is one shape's figures.
type result struct {
	shape                          string
	records                        int
	floor, extract, ratio, rss     stat
	floorCPU, extractCPU, cpuRatio stat
	inproc, inprocRatio            stat
	jsonMB                         float64
}

// BenchmarkProcess prints, for every shape and size: the floor, the cci
// process's wall time, their ratio (pair by pair), the CPU time of both
// and cci's peak RSS, as medians with their range; and, with several
// sizes, how each shape's peak RSS grows with the trail.
func BenchmarkProcess(b *testing.B) {
	sizes := envInts(b, "CCI_BENCH_RECORDS", []int{200_000})
	reps := envInts(b, "CCI_BENCH_REPS", []int{5})[0]
	j := jobs(b)
	withInproc := os.Getenv("CCI_BENCH_INPROCESS") == "1"
	bs := buildBins(b)
	var all []result
	for _, n := range sizes {
		for _, shape := range shapes(b) {
			b.Run(fmt.Sprintf("%s/records=%d", shape.Name, n), func(b *testing.B) {
				t := makeTrail(b, shape, n)
				var fl, ex, ratio, rss, flCPU, exCPU, cpuRatio, ip, ipRatio []float64
				for b.Loop() {
					for i := range reps {
						var f, e run
						// Alternate which of the pair goes first, so that
						// a drift in the machine's load favours neither.
						if i%2 == 0 {
							f, e = bs.floor(b, t, j), bs.extract(b, t, shape, j)
						} else {
							e, f = bs.extract(b, t, shape, j), bs.floor(b, t, j)
						}
						fl = append(fl, f.wall.Seconds())
						ex = append(ex, e.wall.Seconds())
						ratio = append(ratio, e.wall.Seconds()/f.wall.Seconds())
						rss = append(rss, float64(e.rss)/(1<<20))
						flCPU = append(flCPU, f.cpu.Seconds())
						exCPU = append(exCPU, e.cpu.Seconds())
						cpuRatio = append(cpuRatio, e.cpu.Seconds()/f.cpu.Seconds())
						if withInproc {
							d := inProcess(b, t, shape, j)
							ip = append(ip, d.Seconds())
							ipRatio = append(ipRatio, d.Seconds()/f.wall.Seconds())
						}
					}
				}
				r := result{shape: shape.Name, records: n, jsonMB: float64(t.stats.JSONBytes) / 1e6,
					floor: summarize(fl), extract: summarize(ex), ratio: summarize(ratio), rss: summarize(rss),
					floorCPU: summarize(flCPU), extractCPU: summarize(exCPU), cpuRatio: summarize(cpuRatio)}
				if withInproc {
					r.inproc, r.inprocRatio = summarize(ip), summarize(ipRatio)
				}
				all = append(all, r)
				b.ReportMetric(r.floor.med, "floor-s")
				b.ReportMetric(r.extract.med, "cci-s")
				b.ReportMetric(r.ratio.med, "ratio")
				b.ReportMetric(r.cpuRatio.med, "cpu-ratio")
				b.ReportMetric(r.rss.med, "peak-RSS-MiB")
				var sb strings.Builder
				fmt.Fprintf(&sb, "\n  %s: %s\n", shape.Name, shape.Doc)
				fmt.Fprintf(&sb, "    trail          %d records, %d objects, %.1f MB JSON, %.1f MB gzip; %d workers, %d pairs, medians (range)\n",
					t.stats.Records, t.stats.Objects, r.jsonMB, float64(t.stats.GzipBytes)/1e6, j, reps)
				fmt.Fprintf(&sb, "    floor          %s  cpu %s  (ccibench -floor: read + gunzip, klauspost)\n", r.floor.secs(), r.floorCPU.secs())
				fmt.Fprintf(&sb, "    cci process    %s  cpu %s  (%s)\n", r.extract.secs(), r.extractCPU.secs(), strings.Join(extractArgs(t, shape, "OUT", j), " "))
				fmt.Fprintf(&sb, "    ratio          %s  pair by pair; of CPU time %s (steadier on a busy machine)\n", r.ratio.x(), r.cpuRatio.x())
				fmt.Fprintf(&sb, "    peak RSS       %s  (cci, ru_maxrss)\n", r.rss.mib())
				if withInproc {
					fmt.Fprintf(&sb, "    in-process     %s  ratio %s  (extract.Run in the benchmark)\n", r.inproc.secs(), r.inprocRatio.x())
				}
				fmt.Print(sb.String())
			})
		}
	}
	fmt.Printf("\n  %-9s %9s %20s %20s %18s %18s %18s\n", "shape", "records", "floor s", "cci s", "cci / floor", "CPU cci / floor", "peak RSS MiB")
	for _, r := range all {
		fmt.Printf("  %-9s %9d %20s %20s %18s %18s %18s\n", r.shape, r.records,
			fmt.Sprintf("%.3f (%.3f-%.3f)", r.floor.med, r.floor.lo, r.floor.hi),
			fmt.Sprintf("%.3f (%.3f-%.3f)", r.extract.med, r.extract.lo, r.extract.hi),
			fmt.Sprintf("%.2f (%.2f-%.2f)", r.ratio.med, r.ratio.lo, r.ratio.hi),
			fmt.Sprintf("%.2f (%.2f-%.2f)", r.cpuRatio.med, r.cpuRatio.lo, r.cpuRatio.hi),
			fmt.Sprintf("%.1f (%.1f-%.1f)", r.rss.med, r.rss.lo, r.rss.hi))
	}
	if len(sizes) > 1 {
		for _, r := range all {
			if r.records != sizes[0] {
				continue
			}
			for _, o := range all {
				if o.shape == r.shape && o.records != r.records {
					fmt.Printf("  %s: peak RSS at %d records is %+.1f%% of the %d-record run (medians)\n",
						r.shape, o.records, 100*(o.rss.med/r.rss.med-1), r.records)
				}
			}
		}
	}
}

// BenchmarkInProcess runs extract.Run on CCI_BENCH_SHAPES' first shape
// (default unique), for profiles:
//
//	CCI_BENCH_TRAILS=/tmp/trails CCI_BENCH_SHAPES=unique go test -run '^$' -bench InProcess -benchtime 5x \
//	    -cpuprofile /tmp/cpu.out -memprofile /tmp/mem.out ./internal/procbench/
//
// Run it once first to generate the trail, so the profile holds no
// generation.
func BenchmarkInProcess(b *testing.B) {
	shape, _ := trailgen.ShapeByName("unique")
	if os.Getenv("CCI_BENCH_SHAPES") != "" {
		shape = shapes(b)[0]
	}
	n := envInts(b, "CCI_BENCH_RECORDS", []int{200_000})[0]
	t := makeTrail(b, shape, n)
	j := jobs(b)
	b.ResetTimer()
	for b.Loop() {
		inProcess(b, t, shape, j)
	}
	b.ReportMetric(float64(t.stats.Records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

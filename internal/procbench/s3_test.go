package procbench

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/s3test"
	"github.com/cloud-credentials-insights/cci/internal/trailgen"
)

// s3Latency is what the latency proxy adds to every request the client
// sends, standing in for the round trip to an S3 region (as in
// internal/extract's BenchmarkS3Extract).
const s3Latency = 20 * time.Millisecond

// s3Shapes are the shapes of BenchmarkS3Process: CCI_BENCH_SHAPES when set,
// else unique, the shape of target 4 of issue 14.
func s3Shapes(b *testing.B) []trailgen.Shape {
	if os.Getenv("CCI_BENCH_SHAPES") != "" {
		return shapes(b)
	}
	s, _ := trailgen.ShapeByName("unique")
	return []trailgen.Shape{s}
}

// s3Route is one way to the server.
type s3Route struct {
	name, doc, endpoint string
}

// s3Samples are one route's figures, one entry per pair.
type s3Samples struct {
	floor, extract, ratio            []float64 // wall, s
	floorCPU, extractCPU, cpuRatio   []float64 // user+sys of the process, s
	rss, floorRSS                    []float64 // MiB
	serverFloorCPU, serverExtractCPU []float64 // versitygw's CPU during the run, s
}

func (s *s3Samples) add(f, e run, sf, se time.Duration) {
	s.floor = append(s.floor, f.wall.Seconds())
	s.extract = append(s.extract, e.wall.Seconds())
	s.ratio = append(s.ratio, e.wall.Seconds()/f.wall.Seconds())
	s.floorCPU = append(s.floorCPU, f.cpu.Seconds())
	s.extractCPU = append(s.extractCPU, e.cpu.Seconds())
	s.cpuRatio = append(s.cpuRatio, e.cpu.Seconds()/f.cpu.Seconds())
	s.rss = append(s.rss, float64(e.rss)/(1<<20))
	s.floorRSS = append(s.floorRSS, float64(f.rss)/(1<<20))
	s.serverFloorCPU = append(s.serverFloorCPU, sf.Seconds())
	s.serverExtractCPU = append(s.serverExtractCPU, se.Seconds())
}

// s3Result is one shape's figures on one route.
type s3Result struct {
	shape, route string
	records      int
	floor, extract, ratio, floorCPU, extractCPU, cpuRatio, rss, floorRSS,
	serverFloorCPU, serverExtractCPU stat
}

func (s *s3Samples) summarize(shape, route string, n int) s3Result {
	return s3Result{shape: shape, route: route, records: n,
		floor: summarize(s.floor), extract: summarize(s.extract), ratio: summarize(s.ratio),
		floorCPU: summarize(s.floorCPU), extractCPU: summarize(s.extractCPU), cpuRatio: summarize(s.cpuRatio),
		rss: summarize(s.rss), floorRSS: summarize(s.floorRSS),
		serverFloorCPU: summarize(s.serverFloorCPU), serverExtractCPU: summarize(s.serverExtractCPU)}
}

// BenchmarkS3Process is BenchmarkProcess on S3: versitygw on loopback
// holds the trail, and `cci extract --events-path s3://...` runs as a
// process of its own against the S3 floor (cmd/s3floor: list, GET and
// gunzip of the same objects with cci's concurrency, also a process of its
// own, started by ccibench as cci is), directly and through a proxy that
// adds s3Latency to every request. It prints, per shape (default unique,
// or CCI_BENCH_SHAPES) and route, medians and ranges of CCI_BENCH_REPS
// interleaved pairs: wall and CPU time of both, their ratios pair by pair,
// cci's peak RSS, and versitygw's CPU during each run (the server shares
// the client's cores here, which a real S3 does not). It skips without
// versitygw.
func BenchmarkS3Process(b *testing.B) {
	sizes := envInts(b, "CCI_BENCH_RECORDS", []int{200_000})
	reps := envInts(b, "CCI_BENCH_REPS", []int{5})[0]
	j := jobs(b)
	srv := s3test.Start(b)
	s3test.SetEnv(b) // the children inherit it: test credentials, nothing else
	proxy := s3test.NewLatencyProxy(b, srv.URL, s3Latency)
	routes := []s3Route{
		{"direct", "versitygw on loopback", srv.URL},
		{s3Latency.String(), fmt.Sprintf("through a proxy adding %s to every request", s3Latency), proxy.URL},
	}
	bs := buildBins(b)
	serverCPU := func() time.Duration {
		d, err := srv.CPUTime()
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
	var all []s3Result
	for _, n := range sizes {
		for _, shape := range s3Shapes(b) {
			b.Run(fmt.Sprintf("%s/records=%d", shape.Name, n), func(b *testing.B) {
				t := makeTrail(b, shape, n)
				bucket := fmt.Sprintf("%s-%d", shape.Name, n)
				start := time.Now()
				srv.CreateBucket(b, bucket)
				srv.UploadDir(b, bucket, "", t.dir)
				b.Logf("uploaded %s to s3://%s/ in %s", t.dir, bucket, time.Since(start).Round(time.Millisecond))
				spec := "s3://" + bucket + "/"
				floor := func(r s3Route) (run, time.Duration) {
					s0 := serverCPU()
					f := bs.launch(b, "--", bs.s3floor, "-jobs", strconv.Itoa(j), "-endpoint-url", r.endpoint, "-s3-path-style", spec)
					s1 := serverCPU()
					if got := strings.TrimSpace(string(f.stdout)); got != strconv.FormatInt(t.stats.JSONBytes, 10) {
						b.Fatalf("the S3 floor read %s bytes of JSON, the generator wrote %d", got, t.stats.JSONBytes)
					}
					return f, s1 - s0
				}
				extract := func(r s3Route) (run, time.Duration) {
					s0 := serverCPU()
					e := bs.launch(b, append([]string{"--", bs.cci}, s3ExtractArgs(spec, r.endpoint, shape, b.TempDir(), j)...)...)
					return e, serverCPU() - s0
				}
				samples := make([]s3Samples, len(routes))
				for b.Loop() {
					for i := range reps {
						for k, r := range routes {
							var f, e run
							var sf, se time.Duration
							// Alternate which of the pair goes first, so that
							// a drift in the machine's load favours neither.
							if i%2 == 0 {
								f, sf = floor(r)
								e, se = extract(r)
							} else {
								e, se = extract(r)
								f, sf = floor(r)
							}
							samples[k].add(f, e, sf, se)
						}
					}
				}
				var sb strings.Builder
				fmt.Fprintf(&sb, "\n  %s on S3: %s\n", shape.Name, shape.Doc)
				fmt.Fprintf(&sb, "    trail          %d records, %d objects, %.1f MB JSON, %.1f MB gzip; %d workers, %d pairs, medians (range)\n",
					t.stats.Records, t.stats.Objects, float64(t.stats.JSONBytes)/1e6, float64(t.stats.GzipBytes)/1e6, j, reps)
				fmt.Fprintf(&sb, "    floor          s3floor -jobs %d -endpoint-url URL -s3-path-style %s (list + GET + gunzip, 64 GETs in flight)\n", j, spec)
				fmt.Fprintf(&sb, "    cci            %s\n", strings.Join(s3ExtractArgs(spec, "URL", shape, "OUT", j), " "))
				for k, r := range routes {
					res := samples[k].summarize(shape.Name, r.name, n)
					all = append(all, res)
					fmt.Fprintf(&sb, "    %s: %s\n", r.name, r.doc)
					fmt.Fprintf(&sb, "      floor        %s  cpu %s  peak RSS %s  versitygw cpu %s\n",
						res.floor.secs(), res.floorCPU.secs(), res.floorRSS.mib(), res.serverFloorCPU.secs())
					fmt.Fprintf(&sb, "      cci process  %s  cpu %s  peak RSS %s  versitygw cpu %s\n",
						res.extract.secs(), res.extractCPU.secs(), res.rss.mib(), res.serverExtractCPU.secs())
					fmt.Fprintf(&sb, "      ratio        %s  pair by pair; of CPU time %s\n", res.ratio.x(), res.cpuRatio.x())
					b.ReportMetric(res.ratio.med, r.name+"-ratio")
					b.ReportMetric(res.cpuRatio.med, r.name+"-cpu-ratio")
					b.ReportMetric(res.rss.med, r.name+"-peak-RSS-MiB")
				}
				fmt.Print(sb.String())
			})
		}
	}
	fmt.Printf("\n  S3 %-9s %9s %6s %20s %20s %18s %18s %18s %22s\n", "shape", "records", "route", "floor s", "cci s",
		"cci / floor", "CPU cci / floor", "peak RSS MiB", "versitygw CPU s f/cci")
	for _, r := range all {
		fmt.Printf("  S3 %-9s %9d %6s %20s %20s %18s %18s %18s %22s\n", r.shape, r.records, r.route,
			fmt.Sprintf("%.3f (%.3f-%.3f)", r.floor.med, r.floor.lo, r.floor.hi),
			fmt.Sprintf("%.3f (%.3f-%.3f)", r.extract.med, r.extract.lo, r.extract.hi),
			fmt.Sprintf("%.2f (%.2f-%.2f)", r.ratio.med, r.ratio.lo, r.ratio.hi),
			fmt.Sprintf("%.2f (%.2f-%.2f)", r.cpuRatio.med, r.cpuRatio.lo, r.cpuRatio.hi),
			fmt.Sprintf("%.1f (%.1f-%.1f)", r.rss.med, r.rss.lo, r.rss.hi),
			fmt.Sprintf("%.2f / %.2f", r.serverFloorCPU.med, r.serverExtractCPU.med))
	}
}

func s3ExtractArgs(spec, endpoint string, shape trailgen.Shape, out string, j int) []string {
	args := []string{"extract", "--events-path", spec, "--endpoint-url", endpoint, "--s3-path-style",
		"--output", out, "--quiet", "--jobs", strconv.Itoa(j)}
	for _, p := range shape.PrincipalPrefixes {
		args = append(args, "--principal-prefix", p)
	}
	return args
}

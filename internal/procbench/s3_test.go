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

// The members of each round on a route, in the order of the first round.
const (
	memberFloor       = iota // s3floor: GetObject through the SDK
	memberFloorDirect        // s3floor -direct: plain signed GETs, as cci sends them first
	memberCCI                // cci extract
	members
)

// s3Samples are one route's runs, a round of every member per repetition.
type s3Samples struct {
	runs   [members][]run
	server [members][]float64 // versitygw's CPU during the run, s
}

func (s *s3Samples) add(m int, r run, server time.Duration) {
	s.runs[m] = append(s.runs[m], r)
	s.server[m] = append(s.server[m], server.Seconds())
}

func (s *s3Samples) each(m int, f func(run) float64) stat {
	var xs []float64
	for _, r := range s.runs[m] {
		xs = append(xs, f(r))
	}
	return summarize(xs)
}

// ratio is cci's figure over member m's, round by round.
func (s *s3Samples) ratio(m int, f func(run) float64) stat {
	var xs []float64
	for i, r := range s.runs[memberCCI] {
		xs = append(xs, f(r)/f(s.runs[m][i]))
	}
	return summarize(xs)
}

func wallOf(r run) float64 { return r.wall.Seconds() }
func cpuOf(r run) float64  { return r.cpu.Seconds() }
func rssOf(r run) float64  { return float64(r.rss) / (1 << 20) }

// s3Result is one shape's figures on one route.
type s3Result struct {
	shape, route           string
	records                int
	wall, cpu, rss, server [members]stat
	ratio, cpuRatio        [members]stat // cci over the member, round by round
}

func (s *s3Samples) summarize(shape, route string, n int) s3Result {
	r := s3Result{shape: shape, route: route, records: n}
	for m := range members {
		r.wall[m], r.cpu[m], r.rss[m], r.server[m] = s.each(m, wallOf), s.each(m, cpuOf), s.each(m, rssOf), summarize(s.server[m])
		r.ratio[m], r.cpuRatio[m] = s.ratio(m, wallOf), s.ratio(m, cpuOf)
	}
	return r
}

// BenchmarkS3Process is BenchmarkProcess on S3: versitygw on loopback
// holds the trail, and `cci extract --events-path s3://...` runs as a
// process of its own against the S3 floor (cmd/s3floor: list, GET and
// gunzip of the same objects with cci's concurrency, also a process of its
// own, started by ccibench as cci is), directly and through a proxy that
// adds s3Latency to every request. The floor runs twice a round: with the
// SDK's GetObject, the way a program would read S3, and with -direct, the
// plain signed GETs cci sends first, so that the ratio against the floor
// that shares cci's own request path is there too. It prints, per shape
// (default unique, or CCI_BENCH_SHAPES) and route, medians and ranges of
// CCI_BENCH_REPS rounds, the order rotating: wall and CPU time of each,
// cci's ratios to both floors round by round, peak RSS, and versitygw's
// CPU during each run (the server shares the client's cores here, which a
// real S3 does not). It skips without versitygw.
func BenchmarkS3Process(b *testing.B) {
	sizes := envInts(b, "CCI_BENCH_RECORDS", []int{200_000})
	reps := envInts(b, "CCI_BENCH_REPS", []int{5})[0]
	j := jobs(b)
	srv := s3test.Start(b)
	s3test.SetEnv(b) // the children inherit it: test credentials, nothing else
	proxy := s3test.NewLatencyProxy(b, srv.URL, s3Latency)
	routes := []s3Route{
		{"loopback", "versitygw on loopback, nothing between", srv.URL},
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
				launch := func(m int, r s3Route) (run, time.Duration) {
					var args []string
					switch m {
					case memberFloor, memberFloorDirect:
						args = []string{"--", bs.s3floor, "-jobs", strconv.Itoa(j), "-endpoint-url", r.endpoint, "-s3-path-style"}
						if m == memberFloorDirect {
							args = append(args, "-direct")
						}
						args = append(args, spec)
					default:
						args = append([]string{"--", bs.cci}, s3ExtractArgs(spec, r.endpoint, shape, b.TempDir(), j)...)
					}
					s0 := serverCPU()
					res := bs.launch(b, args...)
					server := serverCPU() - s0
					if m != memberCCI {
						if got := strings.TrimSpace(string(res.stdout)); got != strconv.FormatInt(t.stats.JSONBytes, 10) {
							b.Fatalf("the S3 floor read %s bytes of JSON, the generator wrote %d", got, t.stats.JSONBytes)
						}
					}
					return res, server
				}
				samples := make([]s3Samples, len(routes))
				for b.Loop() {
					for i := range reps {
						for k, r := range routes {
							// Rotate the order of the round, so that a
							// drift in the machine's load favours no member.
							for o := range members {
								m := (o + i) % members
								res, server := launch(m, r)
								samples[k].add(m, res, server)
							}
						}
					}
				}
				var sb strings.Builder
				fmt.Fprintf(&sb, "\n  %s on S3: %s\n", shape.Name, shape.Doc)
				fmt.Fprintf(&sb, "    trail          %d records, %d objects, %.1f MB JSON, %.1f MB gzip; %d workers, %d rounds, medians (range)\n",
					t.stats.Records, t.stats.Objects, float64(t.stats.JSONBytes)/1e6, float64(t.stats.GzipBytes)/1e6, j, reps)
				fmt.Fprintf(&sb, "    floor          s3floor -jobs %d -endpoint-url URL -s3-path-style %s (list + GetObject + gunzip, 64 GETs in flight)\n", j, spec)
				fmt.Fprintf(&sb, "    floor -direct  the same with plain signed GETs, as cci sends them first\n")
				fmt.Fprintf(&sb, "    cci            %s\n", strings.Join(s3ExtractArgs(spec, "URL", shape, "OUT", j), " "))
				names := [members]string{"floor", "floor -direct", "cci process"}
				for k, r := range routes {
					res := samples[k].summarize(shape.Name, r.name, n)
					all = append(all, res)
					fmt.Fprintf(&sb, "    %s: %s\n", r.name, r.doc)
					for m := range members {
						fmt.Fprintf(&sb, "      %-13s %s  cpu %s  peak RSS %s  versitygw cpu %s\n",
							names[m], res.wall[m].secs(), res.cpu[m].secs(), res.rss[m].mib(), res.server[m].secs())
					}
					for _, m := range []int{memberFloor, memberFloorDirect} {
						fmt.Fprintf(&sb, "      cci / %-7s %s  round by round; of CPU time %s\n",
							strings.TrimPrefix(names[m], "floor "), res.ratio[m].x(), res.cpuRatio[m].x())
					}
					b.ReportMetric(res.ratio[memberFloor].med, r.name+"-ratio")
					b.ReportMetric(res.cpuRatio[memberFloor].med, r.name+"-cpu-ratio")
					b.ReportMetric(res.rss[memberCCI].med, r.name+"-peak-RSS-MiB")
				}
				fmt.Print(sb.String())
			})
		}
	}
	fmt.Printf("\n  S3 %-9s %9s %8s %20s %20s %18s %18s %18s %18s %22s\n", "shape", "records", "route", "floor s", "cci s",
		"cci / floor", "CPU cci / floor", "CPU cci / -direct", "peak RSS MiB", "versitygw CPU s f/cci")
	for _, r := range all {
		fl, ci := r.wall[memberFloor], r.wall[memberCCI]
		fmt.Printf("  S3 %-9s %9d %8s %20s %20s %18s %18s %18s %18s %22s\n", r.shape, r.records, r.route,
			fmt.Sprintf("%.3f (%.3f-%.3f)", fl.med, fl.lo, fl.hi),
			fmt.Sprintf("%.3f (%.3f-%.3f)", ci.med, ci.lo, ci.hi),
			r.ratio[memberFloor].plain(), r.cpuRatio[memberFloor].plain(), r.cpuRatio[memberFloorDirect].plain(),
			fmt.Sprintf("%.1f (%.1f-%.1f)", r.rss[memberCCI].med, r.rss[memberCCI].lo, r.rss[memberCCI].hi),
			fmt.Sprintf("%.2f / %.2f", r.server[memberFloor].med, r.server[memberCCI].med))
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

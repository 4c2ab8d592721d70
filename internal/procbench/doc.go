// Package procbench measures `cci extract` as a user runs it: a cci
// process, built once, started and timed from outside, its peak RSS taken
// from the kernel (cmd/ccibench), beside the floor of the same trail
// (read + gunzip with klauspost gzip, the same number of workers, also a
// process of its own) in the same run. It holds only benchmarks; it needs
// the cci, ccibench and s3floor binaries (built by the benchmark) and
// generated trails (internal/trailgen's Shapes), nothing of extract's
// internals.
//
//	for each size, each shape:
//	    generate the trail (or reuse it from CCI_BENCH_TRAILS)
//	    repeat CCI_BENCH_REPS times (5), the pair's order alternating:
//	        floor:   ccibench -floor DIR -jobs J
//	        extract: ccibench -- cci extract --events-path DIR --jobs J [--principal-prefix P]
//	        (in-process: extract.Run on the same trail, when CCI_BENCH_INPROCESS=1)
//	    report medians with their range; the ratio is taken pair by pair
//
// BenchmarkS3Process does the same on S3 (s3_test.go): versitygw on
// loopback (internal/s3test; the benchmark skips without it) holds each
// trail, and the pairs are the S3 floor (cmd/s3floor: list + GET + gunzip
// with cci's concurrency, a process started by ccibench as cci is) and
// `cci extract --events-path s3://...`, directly and through a proxy adding
// 20 ms to every request, with versitygw's CPU during each run beside
// them. Its shapes are CCI_BENCH_SHAPES, or unique when that is unset.
//
// BenchmarkInProcess runs extract.Run on one shape for `go test
// -cpuprofile/-memprofile`; with CCI_BENCH_TRAILS set the trails are made
// once and reused, so the profile holds the extraction only.
//
// No figure is asserted: the numbers are for people (docs/performance.md).
package procbench

// Package procbench measures `cci extract` as a user runs it: a cci
// process, built once, started and timed from outside, its peak RSS taken
// from the kernel (cmd/ccibench), beside the floor of the same trail
// (read + gunzip with klauspost gzip, the same number of workers, also a
// process of its own) in the same run. It holds only benchmarks; it needs
// the cci and ccibench binaries (built by the benchmark) and generated
// trails (internal/trailgen's Shapes), nothing of extract's internals.
//
//	for each size, each shape:
//	    generate the trail (or reuse it from CCI_BENCH_TRAILS)
//	    repeat CCI_BENCH_REPS times (5), the pair's order alternating:
//	        floor:   ccibench -floor DIR -jobs J
//	        extract: ccibench -- cci extract --events-path DIR --jobs J [--principal-prefix P]
//	        (in-process: extract.Run on the same trail, when CCI_BENCH_INPROCESS=1)
//	    report medians with their range; the ratio is taken pair by pair
//
// BenchmarkInProcess runs extract.Run on one shape for `go test
// -cpuprofile/-memprofile`; with CCI_BENCH_TRAILS set the trails are made
// once and reused, so the profile holds the extraction only.
//
// No figure is asserted: the numbers are for people (docs/performance.md).
package procbench

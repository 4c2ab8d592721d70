package ctjson

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// threadCPU returns the CPU time of the calling thread (lock it first):
// on a loaded machine the benchmark's wall time measures the neighbours.
func threadCPU() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkDecode runs the Decoder over the objects of a trail on disk
// (CTJSON_BENCH_DIR, e.g. a gentrail output; skipped without it), first
// without a Drop, then with one that keeps the identities whose ARN holds
// CTJSON_BENCH_KEEP (default ci-op-c01-, the filtered shape's cluster), as
// a principal filter does. One op is one object.
func BenchmarkDecode(b *testing.B) {
	objs := benchObjects(b, 40)
	keep := os.Getenv("CTJSON_BENCH_KEEP")
	if keep == "" {
		keep = "ci-op-c01-"
	}
	drop := benchDrop(keep)
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"all", Config{MaxItem: 1 << 20}},
		{"drop", Config{MaxItem: 1 << 20, Drop: drop, Undrop: func(r *Record) bool { return r.EventName == "CreateUser" }}},
	} {
		b.Run(c.name, func(b *testing.B) {
			d := NewDecoder(c.cfg)
			var rd bytes.Reader
			var records, size int64
			for _, o := range objs {
				size += int64(len(o))
			}
			b.SetBytes(size / int64(len(objs)))
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cpu0 := threadCPU()
			i := 0
			for b.Loop() {
				rd.Reset(objs[i%len(objs)])
				i++
				d.Reset(&rd)
				for {
					it, err := d.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					_ = it
					records++
				}
			}
			cpu := float64(threadCPU() - cpu0)
			b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "items/s")
			b.ReportMetric(cpu/float64(records), "cpu-ns/item")
		})
	}
}

// BenchmarkClassify runs each classifier of the machine on a chunk of a
// record's size class (what strIndex.more classifies at once).
func BenchmarkClassify(b *testing.B) {
	src := bytes.Repeat([]byte(record(`{"a":["b\"c",1]}`)), 8)[:indexChunk*64]
	q, s := make([]byte, len(src)/8), make([]byte, len(src)/8)
	o, c := make([]byte, len(src)/8), make([]byte, len(src)/8)
	for l := simdNone; l <= simdBest; l++ {
		restore := useSIMD(l)
		b.Run(fmt.Sprintf("level%d/quotes", l), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				classifyBlocks(src, q, s)
			}
		})
		b.Run(fmt.Sprintf("level%d/all", l), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				classifyAll(src, q, s, o, c)
			}
		})
		restore()
	}
}

// BenchmarkDecodeFloor is BenchmarkDecode's per-byte floor: the objects
// copied into a scanner's buffer and classified, nothing walked.
func BenchmarkDecodeFloor(b *testing.B) {
	objs := benchObjects(b, 40)
	counts := make([]int64, len(objs))
	for k, o := range objs {
		counts[k] = int64(bytes.Count(o, []byte(`{"eventVersion"`)))
	}
	for _, braces := range []bool{false, true} {
		b.Run(fmt.Sprint("braces=", braces), func(b *testing.B) {
			sc := newScanner(1 << 20)
			var x strIndex
			x.braces = braces
			var rd bytes.Reader
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cpu0 := threadCPU()
			var items int64
			i := 0
			for b.Loop() {
				o := objs[i%len(objs)]
				items += counts[i%len(objs)]
				i++
				rd.Reset(o)
				sc.reset(&rd)
				for sc.fill() {
					x.reset(sc.buf[:sc.end])
					for x.more() {
					}
					sc.pos = sc.end
				}
			}
			b.ReportMetric(float64(threadCPU()-cpu0)/float64(items), "cpu-ns/item")
		})
	}
}

// BenchmarkDecodeOne decodes one record of the sample again and again:
// what a record costs when every branch is predicted.
func BenchmarkDecodeOne(b *testing.B) {
	item := []byte(record(`x`))
	var fr fastRec
	for b.Loop() {
		if _, st := fastRecord(item, &fr); st != fastOK {
			b.Fatal(st)
		}
	}
	b.ReportMetric(float64(len(item)), "bytes/item")
}

// BenchmarkDecodeObject decodes CTJSON_BENCH_DIR's second object (the
// first is a digest in a gentrail trail) from memory with a Decoder, with
// and without a Drop: BenchmarkDecode without the trail's variety, for an
// instruction counter (decodeObject).
func BenchmarkDecodeObject(b *testing.B) {
	dir := os.Getenv("CTJSON_BENCH_DIR")
	if dir == "" {
		b.Skip("CTJSON_BENCH_DIR not set")
	}
	obj := sampleObjects(&testing.T{}, dir)[1]
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"all", Config{MaxItem: 1 << 20}},
		{"drop", Config{MaxItem: 1 << 20, Drop: benchDrop("ci-op-c01-"), Undrop: func(r *Record) bool { return r.EventName == "CreateUser" }}},
	} {
		b.Run(c.name, func(b *testing.B) {
			d := NewDecoder(c.cfg)
			n := 0
			for b.Loop() {
				n = decodeObject(d, obj)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/item")
		})
	}
}

// decodeObject reads obj through d and returns the number of items. It is
// a function of its own so that an instruction counter can be told to
// count only it (valgrind --tool=callgrind --collect-atstart=no
// --toggle-collect='*decodeObject*').
//
//go:noinline
func decodeObject(d *Decoder, obj []byte) int {
	d.Reset(bytes.NewReader(obj))
	n := 0
	for {
		if _, err := d.Next(); err != nil {
			return n
		}
		n++
	}
}

// benchDrop drops the records of identities whose ARN does not hold keep,
// as a principal filter does.
func benchDrop(keep string) func(r *Record) bool {
	return func(r *Record) bool {
		switch r.UserIdentity.Type {
		case "IAMUser", "AssumedRole", "FederatedUser", "Root", "AWSAccount":
			return !strings.Contains(r.UserIdentity.ARN, keep)
		}
		return false
	}
}

// benchObjects returns at most n objects of the trail in CTJSON_BENCH_DIR,
// and skips b without it.
func benchObjects(b *testing.B, n int) [][]byte {
	dir := os.Getenv("CTJSON_BENCH_DIR")
	if dir == "" {
		b.Skip("CTJSON_BENCH_DIR not set")
	}
	objs := sampleObjects(&testing.T{}, dir)
	return objs[:min(len(objs), n)]
}

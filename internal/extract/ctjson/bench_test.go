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
	dir := os.Getenv("CTJSON_BENCH_DIR")
	if dir == "" {
		b.Skip("CTJSON_BENCH_DIR not set")
	}
	objs := sampleObjects(&testing.T{}, dir)
	if len(objs) > 40 {
		objs = objs[:40]
	}
	keep := os.Getenv("CTJSON_BENCH_KEEP")
	if keep == "" {
		keep = "ci-op-c01-"
	}
	drop := func(r *Record) bool {
		switch r.UserIdentity.Type {
		case "IAMUser", "AssumedRole", "FederatedUser", "Root", "AWSAccount":
			return !strings.Contains(r.UserIdentity.ARN, keep)
		}
		return false
	}
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

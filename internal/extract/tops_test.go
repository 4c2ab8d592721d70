package extract

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/extract/source"
)

// stream is a run's values of one field, cut into chunks.
type stream [][]valCount

// makeStream draws n values from distinct ones, skewed (value i about
// twice as likely as value 2i), and cuts them into chunks of up to size.
func makeStream(rng *rand.Rand, n, distinct, size int) (stream, map[string]int64) {
	exact := map[string]int64{}
	var s stream
	for n > 0 {
		k := min(n, 1+rng.IntN(size))
		n -= k
		tab := map[string]int64{}
		for range k {
			v := fmt.Sprintf("10.0.%d", int(float64(distinct)*rng.Float64()*rng.Float64()))
			tab[v]++
			exact[v]++
		}
		var c []valCount
		for v, m := range tab {
			c = append(c, valCount{v: v, n: m})
		}
		rng.Shuffle(len(c), func(i, j int) { c[i], c[j] = c[j], c[i] }) // a chunk is unordered
		s = append(s, c)
	}
	return s, exact
}

func exactTop(m map[string]int64, n int) []events.Count {
	var h heavy
	for v, c := range m {
		h.insert(v, c, nil)
	}
	return h.top(n)
}

func TestHeavyExactWithinBound(t *testing.T) {
	for _, distinct := range []int{1, 10, heavyMax - 1, heavyMax} {
		t.Run(fmt.Sprint(distinct), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(distinct), 1))
			var h heavy
			exact := map[string]int64{}
			for i := range 40 {
				var c []valCount
				for v := range distinct {
					if (v+i)%3 == 0 || i == 0 {
						n := int64(1 + rng.IntN(5))
						c = append(c, valCount{v: fmt.Sprint("v", v), n: n})
						exact[fmt.Sprint("v", v)] += n
					}
				}
				h.add(c, &foldScratch{}, false)
			}
			if h.approx {
				t.Fatalf("%d distinct values: approximate, want exact", distinct)
			}
			if got, want := h.top(heavyMax+1), exactTop(exact, heavyMax+1); !reflect.DeepEqual(got, want) {
				t.Errorf("counts differ from the exact ones")
			}
		})
	}
	var h heavy
	for v := range heavyMax + 1 {
		h.add([]valCount{{v: fmt.Sprint(v), n: 1}}, &foldScratch{}, false)
	}
	if !h.approx || len(h.n) > heavyMax {
		t.Errorf("%d distinct values: approx=%v, %d kept; want approximate and at most %d", heavyMax+1, h.approx, len(h.n), heavyMax)
	}
}

// TestHeavyTop: top's running selection gives the first n of a full sort
// (count descending, then value), ties included.
func TestHeavyTop(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	for _, m := range []int{1, 2, 9, 10, 11, 50, heavyMax} {
		var h heavy
		var all []events.Count
		for v := range m {
			c := events.Count{Value: fmt.Sprintf("v%03d", rng.IntN(1000)*1000+v), Count: int64(1 + rng.IntN(4))}
			h.insert(c.Value, c.Count, nil)
			all = append(all, c)
		}
		slices.SortFunc(all, func(x, y events.Count) int {
			if x.Count != y.Count {
				return int(y.Count - x.Count)
			}
			return strings.Compare(x.Value, y.Value)
		})
		for _, n := range []int{0, 1, 3, 10, m, m + 5} {
			want := all[:min(n, m)]
			if got := h.top(n); !reflect.DeepEqual(got, want) {
				t.Errorf("%d values, top %d: %v, want %v", m, n, got, want)
			}
		}
	}
}

// TestHeavyBound checks the guarantee docs/output.md gives beyond the
// exact range: every count at most the true one and at least the true one
// minus N/(heavyK+1), every value above N/(heavyK+1) kept.
func TestHeavyBound(t *testing.T) {
	for seed := range 20 {
		rng := rand.New(rand.NewPCG(uint64(seed), 2))
		n := 20_000 + rng.IntN(50_000)
		chunks, exact := makeStream(rng, n, 1000+rng.IntN(20_000), 1+rng.IntN(chunkRecords))
		var h heavy
		for _, c := range chunks {
			h.add(c, &foldScratch{}, false)
		}
		if len(exact) > heavyMax && !h.approx {
			t.Fatalf("seed %d: %d distinct values, not marked approximate", seed, len(exact))
		}
		slack := int64(n) / (heavyK + 1)
		kept := h.counts()
		for v, got := range kept {
			if got > exact[v] || got < exact[v]-slack {
				t.Errorf("seed %d: %s counted %d, true %d, allowed down to %d", seed, v, got, exact[v], exact[v]-slack)
			}
		}
		for v, c := range exact {
			if _, ok := kept[v]; c > slack && !ok {
				t.Errorf("seed %d: %s (%d of %d) lost", seed, v, c, n)
			}
		}
		if len(kept) > heavyMax {
			t.Errorf("seed %d: %d values kept, want at most %d", seed, len(kept), heavyMax)
		}
	}
}

// TestSequencerOrder delivers the chunks of many objects from workers
// that take the objects in listing order and finish them at random
// speeds: the summaries must equal one fold in listing order.
func TestSequencerOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	type object [][]chunkID
	var objs []object
	for range 120 {
		var o object
		for range 1 + rng.IntN(3) {
			var ids []chunkID
			for id := range 1 + rng.IntN(3) {
				c, _ := makeStream(rng, 1+rng.IntN(200), 3000, 1000)
				ids = append(ids, chunkID{name: fmt.Sprint("id", id), ips: c[0]})
			}
			o = append(o, ids)
		}
		if rng.IntN(5) == 0 {
			o = nil // read nothing (a digest, an error): only the last mark
		}
		objs = append(objs, o)
	}
	want := tops{}
	for _, o := range objs {
		for _, c := range o {
			want.fold(c, &foldScratch{}, false)
		}
	}
	for _, workers := range []int{1, 2, 4, 8} {
		t.Run(fmt.Sprint(workers), func(t *testing.T) {
			s := newSequencer(1, false)
			next := make(chan int)
			go func() {
				for i := range objs {
					next <- i
				}
				close(next)
			}()
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := rand.New(rand.NewPCG(uint64(w), uint64(workers)))
					for i := range next {
						for _, c := range objs[i] {
							// Some objects take far longer, so that the
							// others finish ahead of them.
							d := time.Duration(r.IntN(100)) * time.Microsecond
							if i%5 == 0 {
								d *= 20
							}
							time.Sleep(d)
							s.deliver(0, int64(i), chunk{ids: slices.Clone(c)}, false, nil) // deliver takes the list
						}
						s.deliver(0, int64(i), chunk{}, true, nil)
					}
				}()
			}
			wg.Wait()
			got := s.result()
			for name, w := range want {
				g := got[name]
				if g == nil || !reflect.DeepEqual(g.ips.top(heavyMax), w.ips.top(heavyMax)) || g.ips.approx != w.ips.approx {
					t.Errorf("%d workers: %s differs from the fold in listing order", workers, name)
				}
			}
			if len(got) != len(want) {
				t.Errorf("%d identities, want %d", len(got), len(want))
			}
		})
	}
}

// TestRecycledChunks: a folded chunk's buffers go back to the worker,
// which writes over them for its next chunks; the summaries must not
// notice. Values stay within heavyMax, so the counts are exact.
func TestRecycledChunks(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	chunks, exact := makeStream(rng, 40_000, 400, 600)
	s := newSequencer(1, false)
	var sp spares
	var ar chunkArena
	returned := 0
	for i, c := range chunks {
		vs := make([]valCount, 0, len(c))
		for _, v := range c {
			vs = append(vs, valCount{v: ar.str(v.v, &sp), n: v.n})
		}
		ch := chunk{ids: append(sp.idList(1), chunkID{name: "a", ips: vs}), blocks: ar.blocks}
		ar = chunkArena{}
		s.deliver(0, int64(i), ch, true, &sp)
		returned += len(sp.blocks)
		for _, b := range sp.blocks {
			b = b[:cap(b)]
			for j := range b {
				b[j] = 'X'
			}
		}
		for j := range vs {
			vs[j] = valCount{v: "scribbled", n: 1 << 40} // the chunk's list is done with too
		}
	}
	if returned == 0 {
		t.Fatal("no block came back to the worker")
	}
	got := s.result()["a"]
	if got == nil || got.ips.approx || !reflect.DeepEqual(got.ips.counts(), exact) {
		t.Errorf("the summary changed with the recycled buffers")
	}
}

// TestSparesStayBounded: chunks of varying sizes from two workers must
// not make the recycled blocks pile up: a worker refilled only to its
// last chunk's use allocates whatever a larger one needs, and those
// blocks would collect in the free list for good.
func TestSparesStayBounded(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	s := newSequencer(1, false)
	var sps [2]spares
	const maxBlocks = 12
	allocated := 0
	for ord := range 3000 {
		sp := &sps[ord%2]
		var ar chunkArena
		for range 1 + rng.IntN(maxBlocks) {
			if len(sp.blocks) == 0 {
				allocated++
			}
			ar.block = ar.block[:cap(ar.block)] // full: the next string starts a block
			ar.str("v", sp)
		}
		s.deliver(0, int64(ord), chunk{ids: []chunkID{{name: "a"}}, blocks: ar.blocks}, true, sp)
	}
	// Two workers hold at most maxBlocks blocks each, in use or spare.
	if limit := 2 * maxBlocks; allocated > limit || len(s.free.blocks) > limit {
		t.Errorf("%d blocks allocated, %d in the free list; want at most %d", allocated, len(s.free.blocks), limit)
	}
}

// TestResultMergesSources: with several sources, result folds the
// later ones into the first, which must equal merging every source, in
// order, into an empty set (copying the first unchanged).
func TestResultMergesSources(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 14))
	const sources = 3
	s := newSequencer(sources, false)
	want := tops{}
	for src := range sources {
		chunks, _ := makeStream(rng, 20_000, 200+rng.IntN(2_000), 1+rng.IntN(chunkRecords))
		alone := newSequencer(1, false)
		for i, c := range chunks {
			ids := []chunkID{{name: "a", ips: c}, {name: fmt.Sprint("only", src), agents: c[:len(c)/2]}}
			s.deliver(src, int64(i), chunk{ids: slices.Clone(ids)}, true, nil)
			alone.deliver(0, int64(i), chunk{ids: slices.Clone(ids)}, true, nil)
		}
		want.merge(alone.result(), false)
	}
	got := s.result()
	if len(got) != len(want) {
		t.Fatalf("%d identities, want %d", len(got), len(want))
	}
	for name, w := range want {
		g := got[name]
		if g == nil || !reflect.DeepEqual(g.ips.counts(), w.ips.counts()) || !reflect.DeepEqual(g.agents.counts(), w.agents.counts()) ||
			g.ips.approx != w.ips.approx || g.agents.approx != w.agents.approx {
			t.Errorf("%s differs from merging the sources in order", name)
		}
	}
}

// TestSequencerCancel: a worker waiting behind a gap (an object whose
// worker was stopped) is released when the run's context ends, and what
// it delivered still counts.
func TestSequencerCancel(t *testing.T) {
	s := newSequencer(1, false)
	ctx, cancel := context.WithCancel(context.Background())
	stop := s.watch(ctx)
	defer stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := int64(1); i <= foldWindow+2; i++ { // object 0 never ends
			s.deliver(0, i, chunk{ids: []chunkID{{name: "a", ips: []valCount{{v: "x", n: 1}}}}}, true, nil)
		}
	}()
	select {
	case <-done:
		t.Fatal("the worker was not held back by the gap")
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the worker still waits after the context ended")
	}
	got := s.result()
	if c := got["a"].ips.top(1); len(c) != 1 || c[0].Count != foldWindow+2 {
		t.Errorf("after the cancel: %v, want x counted %d times", c, foldWindow+2)
	}
	if len(got) != 1 {
		t.Errorf("%d identities, want 1", len(got))
	}
}

// busyObjects is a trail where one role calls from thousands of
// addresses, a few of them often, spread over many objects of uneven
// size: past the exact range of the top-10 lists.
func busyObjects(t *testing.T) (map[string][]byte, map[string]int64) {
	rng := rand.New(rand.NewPCG(3, 3))
	objects := map[string][]byte{}
	exact := map[string]int64{}
	for i := range 24 {
		var rs []map[string]any
		for range 50 + rng.IntN(400) {
			ip := fmt.Sprintf("10.1.%d.%d", rng.IntN(16), rng.IntN(250))
			if rng.IntN(4) == 0 {
				ip = fmt.Sprintf("192.0.2.%d", rng.IntN(5)) // the heavy ones
			}
			exact[ip]++
			rs = append(rs, rec(map[string]any{"userIdentity": assumedRole("busy", fmt.Sprint("s", i)), "sourceIPAddress": ip}))
		}
		objects[fmt.Sprintf("s3://b/AWSLogs/123456789012/CloudTrail/us-east-1/2024/09/20/o%04d.json.gz", i)] = gz(t, records(t, rs...))
	}
	return objects, exact
}

// TestTopsDeterministicBeyondBound: past the exact range, the lists are
// the same whatever the workers, the fetchers and the time each object
// takes, and keep the documented bound.
func TestTopsDeterministicBeyondBound(t *testing.T) {
	objects, exact := busyObjects(t)
	if len(exact) <= heavyMax {
		t.Fatalf("the trail has %d distinct addresses, not past %d", len(exact), heavyMax)
	}
	var want map[string][]byte
	for _, tt := range []struct {
		name              string
		jobs, concurrency int
		delay             time.Duration
	}{
		{"one worker", 1, 0, 0},
		{"two workers", 2, 0, 0},
		{"four workers", 4, 0, 0},
		{"two workers, eight fetchers, slow opens", 2, 8, 3 * time.Millisecond},
		{"three workers, two fetchers", 3, 2, time.Millisecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var src source.Source = &memSource{objects: objects}
			if tt.concurrency > 0 {
				src = &remoteMem{memSource: memSource{objects: objects}, delay: tt.delay, released: make(chan struct{})}
			}
			out := t.TempDir()
			r := newRunner(Options{Jobs: tt.jobs, S3Concurrency: max(tt.concurrency, 1), MaxRecordBytes: DefaultMaxRecordBytes, Output: out}, []source.Source{src})
			if err := r.pass(context.Background()); err != nil {
				t.Fatal(err)
			}
			if _, err := r.write(false); err != nil {
				t.Fatal(err)
			}
			got := readOutput(t, out)
			if want == nil {
				want = got
				var ids map[string]*events.Identity
				if err := jsonUnmarshal(got["events.json"], &ids); err != nil {
					t.Fatal(err)
				}
				id := ids["busy"]
				if id == nil || !id.SourceIPsApproximate || id.UserAgentsApproximate {
					t.Fatalf("busy: %+v, want approximate source IPs and exact user agents", id)
				}
				var n int64
				for _, c := range exact {
					n += c
				}
				for _, c := range id.SourceIPs {
					if c.Count > exact[c.Value] || c.Count < exact[c.Value]-n/(heavyK+1) {
						t.Errorf("%s: %d, true %d", c.Value, c.Count, exact[c.Value])
					}
				}
				top := exactTop(exact, 5)
				for i, c := range top {
					if id.SourceIPs[i].Value != c.Value {
						t.Errorf("top %d is %s, want %s (the heavy ones)", i, id.SourceIPs[i].Value, c.Value)
					}
				}
				return
			}
			sameOutputs(t, tt.name, got, want)
		})
	}
}

// TestTopsExactWhenDeduplicating: when copies of records are dropped,
// which copy counts depends on timing, so the lists are exact there, past
// the bound too, and the same whatever the workers.
func TestTopsExactWhenDeduplicating(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	orig, dup := map[string][]byte{}, map[string][]byte{}
	exact := map[string]int64{}
	total := 0
	for i := range 16 {
		var rs []map[string]any
		for j := range 100 + rng.IntN(200) {
			ip := fmt.Sprintf("10.2.%d.%d", rng.IntN(16), rng.IntN(250))
			if rng.IntN(4) == 0 {
				ip = fmt.Sprintf("192.0.2.%d", rng.IntN(20))
			}
			exact[ip]++
			rs = append(rs, rec(map[string]any{"userIdentity": assumedRole("busy", fmt.Sprint("s", i)),
				"sourceIPAddress": ip, "eventID": fmt.Sprintf("e-%d-%d", i, j)}))
		}
		total += len(rs)
		body := gz(t, records(t, rs...))
		orig[fmt.Sprintf("s3://b/AWSLogs/123456789012/CloudTrail/us-east-1/2024/09/20/o%04d.json.gz", i)] = body
		dup[fmt.Sprintf("s3://c/AWSLogs/123456789012/CloudTrail/us-east-1/2024/09/20/o%04d.json.gz", 15-i)] = body
	}
	if len(exact) <= heavyMax {
		t.Fatalf("the trail has %d distinct addresses, not past %d", len(exact), heavyMax)
	}
	var want map[string][]byte
	for _, jobs := range []int{1, 2, 4} {
		out := t.TempDir()
		r := newRunner(Options{Jobs: jobs, S3Concurrency: 1, MaxRecordBytes: DefaultMaxRecordBytes, Output: out},
			[]source.Source{&memSource{objects: orig}, &memSource{objects: dup}})
		if err := r.pass(context.Background()); err != nil {
			t.Fatal(err)
		}
		sum, err := r.write(false)
		if err != nil {
			t.Fatal(err)
		}
		if sum.DuplicateRecords != int64(total) {
			t.Errorf("%d workers: %d duplicates, want %d", jobs, sum.DuplicateRecords, total)
		}
		got := readOutput(t, out)
		// Which object's copy of a record counts shows in file_status.json
		// (docs/output.md), not in the other files.
		delete(got, "file_status.json")
		if want != nil {
			sameOutputs(t, fmt.Sprint(jobs, " workers"), got, want)
			continue
		}
		want = got
		var ids map[string]*events.Identity
		if err := jsonUnmarshal(got["events.json"], &ids); err != nil {
			t.Fatal(err)
		}
		id := ids["busy"]
		if id == nil || id.SourceIPsApproximate || !reflect.DeepEqual(id.SourceIPs, exactTop(exact, topN)) {
			t.Fatalf("busy: approximate %v, %v; want the exact %v", id != nil && id.SourceIPsApproximate, id, exactTop(exact, topN))
		}
	}
}

// TestHeavyAddIsAddThenBound: add, which past the bound inserts only the
// values that survive the reduction, gives exactly what adding every value
// and then reducing gives (the definition in tops.go), with one scratch
// shared across summaries as the sequencer shares it.
func TestHeavyAddIsAddThenBound(t *testing.T) {
	for seed := range 30 {
		rng := rand.New(rand.NewPCG(uint64(seed), 3))
		n := 5_000 + rng.IntN(40_000)
		chunks, _ := makeStream(rng, n, 100+rng.IntN(5_000), 1+rng.IntN(chunkRecords))
		var got heavy
		var want heavy
		sc := &foldScratch{}
		var other heavy
		for i, c := range chunks {
			got.add(c, sc, false)
			if i%3 == 0 {
				other.add(c[:len(c)/2], sc, false)
			}
			for _, v := range c {
				want.bump(v.v, v.n, nil)
			}
			want.bound()
			if !reflect.DeepEqual(got.counts(), want.counts()) || got.approx != want.approx {
				t.Fatalf("seed %d, chunk %d: add differs from add-then-bound (%d values against %d, approx %v against %v)",
					seed, i, len(got.n), len(want.n), got.approx, want.approx)
			}
		}
		for _, v := range sc.fresh[:cap(sc.fresh)] {
			if v.v != "" {
				t.Fatalf("seed %d: the scratch still holds %q", seed, v.v)
			}
		}
	}
}

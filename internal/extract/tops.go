package extract

import (
	"context"
	"slices"
	"sync"

	"github.com/cloud-credentials-insights/cci/internal/events"
)

// The per-identity top-10 source IPs and user agents.
//
// Counting every distinct value exactly makes memory grow with them: on a
// busy account every record may come from its own address. A bounded
// summary (Misra-Gries) keeps memory flat, but it depends on the order of
// its input, and which records a worker sees depends on scheduling. So the
// order is fixed instead (docs/performance.md, "deterministic top-10
// lists"): a worker counts a chunk (up to chunkRecords consecutive records
// of one object) exactly and hands its table to a sequencer, which folds
// the chunks of each source in listing order. Every summary is then a
// function of the input alone, whatever --jobs and the scheduling.
//
// A summary is an exact map while it holds at most 2*heavyK values; when a
// fold takes it past that, every count is lowered by the (heavyK+1)-th
// largest and those at or below zero are dropped. Hence (docs/output.md):
//   - exact, and the output as it always was, while an identity has at most
//     2*heavyK distinct values of the field in the whole run;
//   - beyond, each reported count is at most the true one and at least the
//     true one minus N/(heavyK+1), N the identity's records with the field,
//     and every value with more than N/(heavyK+1) of them is kept.

const (
	// heavyK is the summary's guaranteed size after a reduction.
	heavyK = 256
	// heavyMax is how many values a summary holds before it is reduced:
	// the run's lists are exact up to this many distinct values.
	heavyMax = 2 * heavyK
	// chunkRecords is the most records one chunk counts.
	chunkRecords = 4096
	// foldWindow is how many chunks may wait for their turn to be folded
	// before the workers that delivered them wait too.
	foldWindow = 16
)

// chunkID is what one chunk saw of one identity: distinct values and their
// counts, strings owned by the chunk.
type chunkID struct {
	name        string
	ips, agents []valCount
}

// heavy is a bounded summary of one field of one identity.
type heavy struct {
	m      map[string]int64
	approx bool // reduced at least once: counts may be low (see above)
	// ar holds the strings of h's values; a reduction copies its
	// survivors into a new one, so blocks live no longer than the values
	// they hold.
	ar arena
}

// foldScratch is heavy.add's scratch, kept between chunks by whoever
// folds them (one at a time).
type foldScratch struct {
	fresh  []valCount
	counts []int64
	keep   []valCount
}

func (h *heavy) add(vs []valCount, sc *foldScratch) {
	if len(vs) == 0 {
		return
	}
	if h.m == nil {
		h.m = make(map[string]int64, min(len(vs), heavyMax))
	}
	// The result is what adding every value and then calling bound would
	// give, but past the bound a value new to h whose count does not
	// survive the reduction is never inserted (nor copied): on a busy
	// account that is nearly every value of a chunk.
	fresh := sc.fresh[:0]
	for _, v := range vs {
		if n, ok := h.m[v.v]; ok {
			h.m[v.v] = n + v.n
		} else {
			fresh = append(fresh, v)
		}
	}
	if len(h.m)+len(fresh) <= heavyMax {
		for _, v := range fresh {
			h.m[h.ar.str(v.v)] = v.n
		}
		clear(fresh) // drop the chunk's strings
		sc.fresh = fresh[:0]
		return
	}
	counts := sc.counts[:0]
	for _, n := range h.m {
		counts = append(counts, n)
	}
	for _, v := range fresh {
		counts = append(counts, v.n)
	}
	d := depth(counts)
	h.reduce(d, &sc.keep)
	for _, v := range fresh {
		if v.n > d {
			h.m[h.ar.str(v.v)] = v.n - d
		}
	}
	clear(fresh) // drop the chunk's strings
	sc.fresh, sc.counts = fresh[:0], counts[:0]
}

// merge adds o into h, copying: o is left as it was.
func (h *heavy) merge(o *heavy) {
	if len(o.m) == 0 {
		h.approx = h.approx || o.approx
		return
	}
	if h.m == nil {
		h.m = make(map[string]int64, len(o.m))
	}
	for v, n := range o.m {
		h.m[v] += n
	}
	h.approx = h.approx || o.approx
	h.bound()
}

// bound reduces h when it holds more than heavyMax values. The result
// depends on the counts only, never on the map's iteration order.
func (h *heavy) bound() {
	if len(h.m) <= heavyMax {
		return
	}
	counts := make([]int64, 0, len(h.m))
	for _, n := range h.m {
		counts = append(counts, n)
	}
	var keep []valCount
	h.reduce(depth(counts), &keep)
}

// depth is what a reduction lowers counts by: the (heavyK+1)-th largest
// of counts (sorted in place).
func depth(counts []int64) int64 {
	slices.Sort(counts)
	return counts[len(counts)-1-heavyK]
}

// reduce lowers every count by d, dropping those that reach zero. The
// survivors (at most heavyK) are copied into a new block, so the strings
// of the dropped values are freed with their blocks; keep is scratch.
func (h *heavy) reduce(d int64, keep *[]valCount) {
	k := (*keep)[:0]
	for v, n := range h.m {
		if n > d {
			k = append(k, valCount{v, n - d})
		}
	}
	clear(h.m)
	h.ar = arena{}
	for _, v := range k {
		h.m[h.ar.str(v.v)] = v.n
	}
	clear(k)
	*keep = k[:0]
	h.approx = true
}

// top returns the n largest counts, ties by value.
func (h *heavy) top(n int) []events.Count {
	if len(h.m) == 0 {
		return nil
	}
	out := make([]events.Count, 0, len(h.m))
	for v, c := range h.m {
		out = append(out, events.Count{Value: v, Count: c})
	}
	slices.SortFunc(out, func(x, y events.Count) int {
		if x.Count != y.Count {
			if x.Count > y.Count {
				return -1
			}
			return 1
		}
		if x.Value < y.Value {
			return -1
		}
		if x.Value > y.Value {
			return 1
		}
		return 0
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// idTops are one identity's summaries.
type idTops struct{ ips, agents heavy }

type tops map[string]*idTops

func (t tops) fold(ids []chunkID, sc *foldScratch) {
	for i := range ids {
		c := &ids[i]
		it := t[c.name]
		if it == nil {
			it = &idTops{}
			t[c.name] = it
		}
		it.ips.add(c.ips, sc)
		it.agents.add(c.agents, sc)
	}
}

func (t tops) merge(o tops) {
	for name, ot := range o {
		it := t[name]
		if it == nil {
			it = &idTops{}
			t[name] = it
		}
		it.ips.merge(&ot.ips)
		it.agents.merge(&ot.agents)
	}
}

// pendingObj holds the chunks of one object delivered before its turn.
type pendingObj struct {
	chunks [][]chunkID
	done   bool // its last chunk is among them
}

// srcSeq folds one source's chunks in listing order.
type srcSeq struct {
	next    int64 // ordinal of the object whose chunks fold now
	pending map[int64]*pendingObj
	sums    tops
	sc      foldScratch
}

// sequencer orders chunk folds. Objects must be handed to workers in
// listing order (per source): then the oldest unfinished chunk is always
// held by a worker that is not waiting, so back-pressure cannot deadlock.
type sequencer struct {
	mu       sync.Mutex
	cond     sync.Cond
	srcs     []*srcSeq
	npending int  // chunks held in pending, over every source
	stopped  bool // the run is being cancelled: nobody waits any more
}

func newSequencer(sources int) *sequencer {
	s := &sequencer{srcs: make([]*srcSeq, max(sources, 1))}
	s.cond.L = &s.mu
	for i := range s.srcs {
		s.srcs[i] = &srcSeq{pending: map[int64]*pendingObj{}, sums: tops{}}
	}
	return s
}

// watch stops every wait once ctx is done; call the returned function
// when the pass ends.
func (s *sequencer) watch(ctx context.Context) (stop func() bool) {
	return context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.stopped = true
		s.mu.Unlock()
		s.cond.Broadcast()
	})
}

// deliver hands over a chunk of object ord of source src; last says it is
// the object's final chunk (every object handed out delivers one, empty or
// not). It waits while too many chunks are ahead of the fold.
func (s *sequencer) deliver(src int, ord int64, ids []chunkID, last bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.srcs[src]
	if ord == q.next {
		q.sums.fold(ids, &q.sc)
		if last {
			q.next++
			s.drain(q)
			s.cond.Broadcast()
		}
		return
	}
	p := q.pending[ord]
	if p == nil {
		p = &pendingObj{}
		q.pending[ord] = p
	}
	if len(ids) > 0 {
		p.chunks = append(p.chunks, ids)
		s.npending++
	}
	p.done = p.done || last
	for s.npending > foldWindow && !s.stopped && q.next < ord {
		s.cond.Wait()
	}
}

// drain folds the pending chunks that are now in turn.
func (s *sequencer) drain(q *srcSeq) {
	for {
		p := q.pending[q.next]
		if p == nil {
			return
		}
		for _, c := range p.chunks {
			q.sums.fold(c, &q.sc)
		}
		s.npending -= len(p.chunks)
		p.chunks = nil
		if !p.done {
			return // its worker delivers the rest in turn
		}
		delete(q.pending, q.next)
		q.next++
	}
}

// flush folds whatever is still pending, in order, skipping the gaps that
// an interrupted pass leaves. It is called between passes and at the end.
func (s *sequencer) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range s.srcs {
		ords := make([]int64, 0, len(q.pending))
		for o := range q.pending {
			ords = append(ords, o)
		}
		slices.Sort(ords)
		for _, o := range ords {
			p := q.pending[o]
			for _, c := range p.chunks {
				q.sums.fold(c, &q.sc)
			}
			s.npending -= len(p.chunks)
			delete(q.pending, o)
			q.next = max(q.next, o+1)
		}
	}
	s.stopped = false
}

// result merges the sources' summaries in the order of --events-path,
// leaving them as they are.
func (s *sequencer) result() tops {
	s.flush()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := tops{}
	for _, q := range s.srcs {
		out.merge(q.sums)
	}
	return out
}

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

// chunk is what one chunk counted: its identities and the arena blocks
// that hold their values. Once folded, its buffers are recycled: nothing
// may keep a string of it.
type chunk struct {
	ids    []chunkID
	blocks [][]byte
}

// heavy is a bounded summary of one field of one identity.
//
// Value v's count is n[idx[v]]. A count is updated in n, never by
// assigning to the map: assigning m[k] for an existing k stores k again
// (Go maps replace the key), and the chunk strings a fold adds from are
// recycled once folded (sequencer.fold).
type heavy struct {
	idx    map[string]int32
	n      []int64
	approx bool // reduced at least once: counts may be low (see above)
	// ar holds the strings of h's values; a reduction copies its
	// survivors into a new one and releases the old.
	ar arena
}

// insert adds v, new to h, with count n, copying v into h's arena, whose
// full-size blocks come from pool (may be nil).
func (h *heavy) insert(v string, n int64, pool *[][]byte) {
	if h.idx == nil {
		h.idx = map[string]int32{}
	}
	v = h.ar.str(v, pool)
	h.idx[v] = int32(len(h.n))
	h.n = append(h.n, n)
}

// bump adds n to v's count, inserting v if it is new.
func (h *heavy) bump(v string, n int64, pool *[][]byte) {
	if i, ok := h.idx[v]; ok {
		h.n[i] += n
		return
	}
	h.insert(v, n, pool)
}

// counts returns h's values and counts.
func (h *heavy) counts() map[string]int64 {
	out := make(map[string]int64, len(h.idx))
	for v, i := range h.idx {
		out[v] = h.n[i]
	}
	return out
}

// foldScratch is heavy.add's scratch, kept between chunks by whoever
// folds them (one at a time).
type foldScratch struct {
	fresh  []valCount
	counts []int64
	keep   []valCount
	// blocks are arena blocks that reductions released, for the
	// arenas of later ones.
	blocks [][]byte
}

// add adds a chunk's values vs to h; exact keeps them all, without the
// bound (sequencer.exact).
func (h *heavy) add(vs []valCount, sc *foldScratch, exact bool) {
	if len(vs) == 0 {
		return
	}
	if h.idx == nil {
		h.idx = make(map[string]int32, min(len(vs), heavyMax))
	}
	// The result is what adding every value and then calling bound would
	// give, but past the bound a value new to h whose count does not
	// survive the reduction is never inserted (nor copied): on a busy
	// account that is nearly every value of a chunk.
	fresh := sc.fresh[:0]
	for _, v := range vs {
		if i, ok := h.idx[v.v]; ok {
			h.n[i] += v.n
		} else {
			fresh = append(fresh, v)
		}
	}
	if exact || len(h.n)+len(fresh) <= heavyMax {
		for _, v := range fresh {
			h.insert(v.v, v.n, &sc.blocks)
		}
		clear(fresh) // drop the chunk's strings
		sc.fresh = fresh[:0]
		return
	}
	counts := append(sc.counts[:0], h.n...)
	for _, v := range fresh {
		counts = append(counts, v.n)
	}
	d := depth(counts)
	h.reduce(d, &sc.keep, &sc.blocks)
	for _, v := range fresh {
		if v.n > d {
			h.insert(v.v, v.n-d, &sc.blocks)
		}
	}
	clear(fresh) // drop the chunk's strings
	sc.fresh, sc.counts = fresh[:0], counts[:0]
}

// merge adds o into h, copying: o is left as it was. Unless exact, the
// result is bounded.
func (h *heavy) merge(o *heavy, exact bool) {
	for v, i := range o.idx {
		h.bump(v, o.n[i], nil)
	}
	h.approx = h.approx || o.approx
	if !exact {
		h.bound()
	}
}

// bound reduces h when it holds more than heavyMax values. The result
// depends on the counts only, never on the order of h's values.
func (h *heavy) bound() {
	if len(h.n) <= heavyMax {
		return
	}
	var keep []valCount
	h.reduce(depth(slices.Clone(h.n)), &keep, nil)
}

// depth is what a reduction lowers counts by: the (heavyK+1)-th largest
// of counts (sorted in place).
func depth(counts []int64) int64 {
	slices.Sort(counts)
	return counts[len(counts)-1-heavyK]
}

// reduce lowers every count by d, dropping those that reach zero. The
// survivors (at most heavyK) are copied into a new arena and the old one
// is released to pool, so the strings of the dropped values go with it;
// keep is scratch.
func (h *heavy) reduce(d int64, keep *[]valCount, pool *[][]byte) {
	k := (*keep)[:0]
	for v, i := range h.idx {
		if c := h.n[i]; c > d {
			k = append(k, valCount{v, c - d})
		}
	}
	clear(h.idx)
	h.n = h.n[:0]
	old := h.ar
	h.ar = arena{}
	h.ar.grow(heavyBlock, pool)
	for _, v := range k {
		h.insert(v.v, v.n, pool)
	}
	clear(k)
	*keep = k[:0]
	old.release(pool)
	h.approx = true
}

// top returns the n largest counts, ties by value. It keeps the best n
// seen in order, so a summary of m values costs m comparisons with the
// n-th, not a sort of all m.
func (h *heavy) top(n int) []events.Count {
	if len(h.n) == 0 {
		return nil
	}
	out := make([]events.Count, 0, min(n, len(h.n)))
	for v, i := range h.idx {
		c := events.Count{Value: v, Count: h.n[i]}
		if len(out) == n && (n == 0 || !ranksBefore(c, out[n-1])) {
			continue
		}
		at, _ := slices.BinarySearchFunc(out, c, func(x, c events.Count) int {
			if ranksBefore(x, c) {
				return -1
			}
			return 1 // values are distinct: never equal
		})
		if len(out) < n {
			out = append(out, events.Count{})
		}
		copy(out[at+1:], out[at:len(out)-1])
		out[at] = c
	}
	return out
}

// ranksBefore reports whether x comes before y in a top list: larger
// count first, then smaller value.
func ranksBefore(x, y events.Count) bool {
	if x.Count != y.Count {
		return x.Count > y.Count
	}
	return x.Value < y.Value
}

// idTops are one identity's summaries.
type idTops struct{ ips, agents heavy }

type tops map[string]*idTops

func (t tops) fold(ids []chunkID, sc *foldScratch, exact bool) {
	for i := range ids {
		c := &ids[i]
		it := t[c.name]
		if it == nil {
			it = &idTops{}
			t[c.name] = it
		}
		it.ips.add(c.ips, sc, exact)
		it.agents.add(c.agents, sc, exact)
	}
}

func (t tops) merge(o tops, exact bool) {
	for name, ot := range o {
		it := t[name]
		if it == nil {
			it = &idTops{}
			t[name] = it
		}
		it.ips.merge(&ot.ips, exact)
		it.agents.merge(&ot.agents, exact)
	}
}

// pendingObj holds the chunks of one object delivered before its turn.
type pendingObj struct {
	chunks []chunk
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
	// free holds the buffers of folded chunks until a worker takes them:
	// at most what the chunks in flight and the workers' spares held at
	// their fullest (refill).
	free spares
	// exact makes the summaries exact maps without a bound. A run that
	// drops copies of records (de-duplication) needs it: which copy is
	// kept, and so which chunk counts it, depends on timing, and only
	// exact counts do not depend on the chunks. Such a run already keeps
	// memory per record (dedupe.go), which the maps stay within.
	exact bool
}

func newSequencer(sources int, exact bool) *sequencer {
	s := &sequencer{srcs: make([]*srcSeq, max(sources, 1)), exact: exact}
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
// not). It waits while too many chunks are ahead of the fold. When sp is
// not nil, it is refilled with spare buffers (refill).
func (s *sequencer) deliver(src int, ord int64, c chunk, last bool, sp *spares) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sp != nil {
		defer s.refill(sp, c)
	}
	q := s.srcs[src]
	if ord == q.next {
		s.fold(q, c)
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
	if len(c.ids) > 0 {
		p.chunks = append(p.chunks, c)
		s.npending++
	}
	p.done = p.done || last
	for s.npending > foldWindow && !s.stopped && q.next < ord {
		s.cond.Wait()
	}
}

// fold folds c into q's summaries and recycles its buffers.
func (s *sequencer) fold(q *srcSeq, c chunk) {
	q.sums.fold(c.ids, &q.sc, s.exact)
	if cap(c.ids) > 0 {
		clear(c.ids)
		s.free.ids = append(s.free.ids, c.ids[:0])
	}
	for _, b := range c.blocks {
		s.free.blocks = append(s.free.blocks, b[:0])
	}
}

// refill moves spares into sp until it holds as many blocks as the most
// any of its chunks used. Topping up to the last chunk's use alone would
// leak: a worker allocates whatever a larger chunk needs beyond it, and
// those blocks, once folded, would pile up in s.free for good.
func (s *sequencer) refill(sp *spares, c chunk) {
	sp.maxBlocks = max(sp.maxBlocks, len(c.blocks))
	sp.blocks = moveSpares(sp.blocks, &s.free.blocks, sp.maxBlocks)
	sp.ids = moveSpares(sp.ids, &s.free.ids, 1)
}

// moveSpares moves items from the end of *from to dst until dst holds n.
func moveSpares[T any](dst []T, from *[]T, n int) []T {
	f := *from
	k := min(max(n-len(dst), 0), len(f))
	dst = append(dst, f[len(f)-k:]...)
	clear(f[len(f)-k:])
	*from = f[:len(f)-k]
	return dst
}

// drain folds the pending chunks that are now in turn.
func (s *sequencer) drain(q *srcSeq) {
	for {
		p := q.pending[q.next]
		if p == nil {
			return
		}
		for _, c := range p.chunks {
			s.fold(q, c)
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
				s.fold(q, c)
			}
			s.npending -= len(p.chunks)
			delete(q.pending, o)
			q.next = max(q.next, o+1)
		}
	}
	s.stopped = false
}

// result merges the sources' summaries in the order of --events-path
// into the first source's and returns them: call it once, when every
// chunk has been delivered. (Merging into an empty set would copy the
// first source's summaries unchanged, at the cost of a copy.)
func (s *sequencer) result() tops {
	s.flush()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.srcs[0].sums
	for _, q := range s.srcs[1:] {
		out.merge(q.sums, s.exact)
	}
	return out
}

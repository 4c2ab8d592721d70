package extract

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// fetchPool opens objects ahead of the workers. How many opens must be in
// flight follows from Little's law: the workers take an object every
// decode/jobs, and an open takes a round trip, so jobs x open / decode
// fetchers keep them fed. 20 ms round trips and objects of a few records
// that decode in 0.1 ms need hundreds; objects of thousands of records a
// few dozen, and every connection beyond that costs CPU on both ends. So
// the pool starts with fetchInitial fetchers and, every fetchTick in which
// the workers waited for open objects (more than 1/fetchStarved of their
// time), grows to fetchHeadroom times that estimate from the opens and
// decodes so far, up to its maximum. It never shrinks: fetchers beyond the
// need just wait.
//
// Why only when the workers waited: an open that waits for a busy core or
// the server's queue looks like a long round trip, so on a machine whose
// cores the workers (or a local server) keep busy the estimate grows with
// the pool that inflates it, up to the maximum, while the workers never
// lack an object; each fetcher beyond the need costs a goroutine, a
// connection and its buffers (docs/performance.md, "S3, whole process").
//
// Objects are opened in any order but handed to the workers in listing
// order, which the sequencer of tops.go relies on: a fetcher takes a task
// and queues a slot for it in one step (takeMu), and the workers empty the
// slots in queue order (nextMu).
type fetchPool struct {
	ctx   context.Context
	tasks <-chan task
	// order holds a slot per task taken, in listing order; a fetcher puts
	// the opened object in its slot (unbuffered: each fetcher holds at
	// most one open body) and takes its next task once a worker has it.
	order  chan chan opened
	takeMu sync.Mutex
	nextMu sync.Mutex
	max    int
	// dropped, when not nil, is told of every task not handed to a worker
	// because the context was done.
	dropped func(task)

	mu      sync.Mutex
	active  int  // fetchers running
	started int  // fetchers started so far
	closed  bool // order is closed: every fetcher has finished

	openNanos, opens     atomic.Int64 // time spent opening, and opens
	decodeNanos, decodes atomic.Int64 // time workers spent on objects, and objects
	waitNanos            atomic.Int64 // time workers spent in next, once one object was decoded
}

const (
	fetchInitial  = 64
	fetchTick     = 25 * time.Millisecond
	fetchHeadroom = 1.5
	fetchStarved  = 20
)

func startFetchPool(ctx context.Context, tasks <-chan task, max, jobs int, dropped func(task)) *fetchPool {
	p := &fetchPool{ctx: ctx, tasks: tasks, max: max, dropped: dropped, order: make(chan chan opened, max)}
	p.growTo(min(fetchInitial, max))
	go p.grow(jobs)
	return p
}

// take receives the next task and queues its slot; false once tasks is
// closed.
func (p *fetchPool) take() (task, chan opened, bool) {
	p.takeMu.Lock()
	defer p.takeMu.Unlock()
	t, ok := <-p.tasks
	if !ok {
		return t, nil, false
	}
	slot := make(chan opened)
	p.order <- slot // never blocks: a fetcher has at most one slot queued
	return t, slot, true
}

// growTo starts fetchers until n run, unless the pool is finished.
func (p *fetchPool) growTo(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for !p.closed && p.started < min(n, p.max) {
		p.active++
		p.started++
		go p.fetch()
	}
}

func (p *fetchPool) fetch() {
	defer func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.active--; p.active == 0 {
			p.closed = true
			close(p.order)
		}
	}()
	for {
		t, slot, ok := p.take()
		if !ok {
			return
		}
		if p.ctx.Err() != nil {
			if p.dropped != nil {
				p.dropped(t)
			}
			close(slot)
			continue // drain so the listers can finish
		}
		start := time.Now()
		o := openTask(p.ctx, t)
		p.openNanos.Add(int64(time.Since(start)))
		p.opens.Add(1)
		// A worker always comes to this slot: the workers take every slot
		// in order until order is closed, even once ctx has ended.
		slot <- o
	}
}

// next hands a worker the next open object, in listing order; false once
// every object has been handed out. Once ctx has ended, the workers drop
// what it returns (pipeline.go).
func (p *fetchPool) next() (opened, bool) {
	start := time.Now()
	p.nextMu.Lock()
	defer p.nextMu.Unlock()
	for slot := range p.order {
		if o, ok := <-slot; ok {
			// The wait before the first decode is the first round trip,
			// which no number of fetchers shortens.
			if p.decodes.Load() > 0 {
				p.waitNanos.Add(int64(time.Since(start)))
			}
			return o, true
		}
		// Dropped by its fetcher: the context has ended.
	}
	return opened{}, false
}

// decoded tells the pool a worker spent d on an object.
func (p *fetchPool) decoded(d time.Duration) {
	p.decodeNanos.Add(int64(d))
	p.decodes.Add(1)
}

// want is how many fetchers keep jobs workers fed, from the averages so
// far; 0 until an object has been both opened and decoded.
func (p *fetchPool) want(jobs int) int {
	opens, decodes := p.opens.Load(), p.decodes.Load()
	if opens == 0 || decodes == 0 {
		return 0
	}
	open := float64(p.openNanos.Load()) / float64(opens)
	decode := max(float64(p.decodeNanos.Load())/float64(decodes), 1)
	return int(fetchHeadroom*float64(jobs)*open/decode) + 1
}

func (p *fetchPool) grow(jobs int) {
	t := time.NewTicker(fetchTick)
	defer t.Stop()
	var waited int64
	for {
		select {
		case <-p.ctx.Done():
			return
		case <-t.C:
		}
		if p.starved(jobs, &waited) {
			p.growTo(p.want(jobs))
		}
		p.mu.Lock()
		done := p.closed || p.started >= p.max
		p.mu.Unlock()
		if done {
			return
		}
	}
}

// starved tells whether the jobs workers waited for open objects more
// than 1/fetchStarved of a tick since the last call, whose total wait
// *waited holds.
func (p *fetchPool) starved(jobs int, waited *int64) bool {
	w := p.waitNanos.Load()
	d := w - *waited
	*waited = w
	return d*fetchStarved > int64(fetchTick)*int64(jobs)
}

package extract

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/extract/ctjson"
	"github.com/cloud-credentials-insights/cci/internal/extract/gunzip"
	"github.com/cloud-credentials-insights/cci/internal/extract/source"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"
	"golang.org/x/sync/errgroup"

	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// task is one object of one source: the srcIdx-th of --events-path, and
// the ord-th object listed by it (tops.go folds in that order).
type task struct {
	src    source.Source
	obj    source.Object
	srcIdx int
	ord    int64
}

// runner holds the state of one extraction across passes (more than one
// when waiting for late deliveries).
type runner struct {
	opts    Options
	sources []source.Source
	lo      source.ListOptions
	keep    func(name string) bool

	mu     sync.Mutex
	seen   *objectSet // nil when no object can be listed twice
	status *statusLog
	total  *aggregate
	// tops folds the workers' chunks of source IPs and user agents in
	// listing order; ords counts each source's objects across passes.
	tops *sequencer
	ords []int64

	latest   atomic.Int64 // newest eventTime seen, unix seconds
	counters counters

	ids     *eventIDSet // nil unless de-duplicating (dedupe.go)
	dups    int64       // records dropped as duplicates, merged after each pass
	rejects rejects     // what the filters dropped, merged after each pass (guard.go)
}

// worker owns everything one goroutine needs, reused across objects.
type worker struct {
	r   *runner
	agg *aggregate
	br  *bufio.Reader
	gz  gunzip.Reader
	dec *ctjson.Decoder
	// latest is the newest eventTime this worker has seen; it reaches the
	// runner once per object, not through a shared atomic per record.
	latest int64
	// cur is the object being decoded, whose chunks go to the sequencer.
	cur   task
	times timeCache
	rj    rejects
	dups  int64
}

// errDigest marks objects that are CloudTrail digests, skipped by design.
var errDigest = errors.New("CloudTrail digest file")

func newRunner(opts Options, sources []source.Source) *runner {
	r := &runner{
		opts:    opts,
		sources: sources,
		status:  newStatusLog(opts.Output),
		total:   newAggregate(),
		ords:    make([]int64, len(sources)),
		lo: source.ListOptions{
			Since: opts.Since, Until: opts.Until, DeliverySlack: opts.DeliverySlack,
			Regions: opts.Regions, Accounts: opts.Accounts, Output: opts.Output,
		},
	}
	r.keep = principalFilter(opts.PrincipalNames, opts.PrincipalPrefixes)
	// A source lists each of its objects once. Several sources may overlap,
	// and waiting lists them again: only then must names be remembered.
	if len(sources) > 1 || !opts.WaitUntil.IsZero() {
		r.seen = newObjectSet()
	}
	if len(sources) > 1 || opts.Dedupe {
		r.ids = newEventIDSet()
	}
	// Exact top-10 lists when copies are dropped (sequencer.exact).
	r.tops = newSequencer(len(sources), r.ids != nil)
	return r
}

// principalFilter selects the union of exact names and prefixes; with
// neither, everything.
func principalFilter(names, prefixes []string) func(string) bool {
	if len(names) == 0 && len(prefixes) == 0 {
		return func(string) bool { return true }
	}
	set := map[string]bool{}
	for _, n := range names {
		set[n] = true
	}
	return func(name string) bool {
		if set[name] {
			return true
		}
		for _, p := range prefixes {
			if strings.HasPrefix(name, p) {
				return true
			}
		}
		return false
	}
}

// pass lists every source and processes the objects not seen before.
//
// Objects are decoded by opts.Jobs workers, one per core by default. For
// remote sources, where opening an object costs a round trip, a pool of up
// to opts.S3Concurrency fetchers (fetch.go) opens objects ahead of the
// workers and hands over the open bodies: the round trips overlap each
// other and the decoding, while the decoding itself stays on as many
// workers as there are cores, each with its own warm caches.
func (r *runner) pass(ctx context.Context) error {
	fetchers := 0
	for _, s := range r.sources {
		if rs, ok := s.(source.Remote); ok && rs.Remote() {
			fetchers = r.opts.S3Concurrency
		}
	}
	outer := ctx
	g, ctx := errgroup.WithContext(ctx)
	tasks := make(chan task, max(r.opts.Jobs, fetchers))
	var listers sync.WaitGroup
	for i, src := range r.sources {
		listers.Add(1)
		g.Go(func() error {
			defer listers.Done()
			return src.List(ctx, r.lo, func(obj source.Object) error {
				if r.seen != nil {
					r.mu.Lock()
					dup := !r.seen.add(obj.Name)
					r.mu.Unlock()
					if dup {
						return nil
					}
				}
				r.counters.ObjectsListed.Add(1)
				if obj.Size >= 0 {
					r.counters.BytesListed.Add(obj.Size)
				} else {
					r.counters.SizeUnknown.Store(true)
				}
				t := task{src: src, obj: obj, srcIdx: i, ord: r.ords[i]}
				r.ords[i]++
				select {
				case tasks <- t:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
		})
	}
	r.counters.ListingDone.Store(false)
	go func() {
		listers.Wait()
		r.counters.ListingDone.Store(true)
		close(tasks)
	}()
	// interrupted lists an object a signal kept from being finished.
	interrupted := func(t task) {
		r.mu.Lock()
		defer r.mu.Unlock()
		_ = r.status.add(events.FileStatus{File: t.obj.Name, CloudProvider: "AWS",
			Result: events.ResultInterrupted, Error: "interrupted before it was read"})
	}

	// next hands a worker its next object, opened. Without fetchers the
	// worker opens it itself.
	next := func() (opened, bool) {
		t, ok := <-tasks
		if !ok || ctx.Err() != nil {
			return opened{task: t}, ok
		}
		return openTask(ctx, t), true
	}
	var pool *fetchPool
	if fetchers > 0 {
		pool = startFetchPool(ctx, tasks, fetchers, r.opts.Jobs, func(t task) {
			if outer.Err() != nil {
				interrupted(t)
			}
		})
		next = pool.next
	}

	stopWatch := r.tops.watch(ctx)
	defer stopWatch()
	workers := make([]*worker, r.opts.Jobs)
	for i := range r.opts.Jobs {
		w := r.newWorker()
		workers[i] = w
		g.Go(func() error {
			for {
				o, ok := next()
				if !ok {
					return nil
				}
				if ctx.Err() != nil {
					o.close()
					if outer.Err() != nil {
						interrupted(o.task)
					}
					continue // drain so the listers and fetchers can finish
				}
				start := time.Now()
				w.cur = o.task
				st := w.process(o)
				w.endChunk(true)
				if outer.Err() != nil && st.Result == events.ResultError {
					// The signal broke the read (an S3 body), not the object.
					st.Result, st.Error = events.ResultInterrupted, "interrupted while reading: "+st.Error
				}
				if pool != nil {
					pool.decoded(time.Since(start))
				}
				r.mu.Lock()
				err := r.status.add(st)
				r.mu.Unlock()
				if err != nil {
					return err
				}
				r.counters.ObjectsDone.Add(1)
			}
		})
	}
	err := g.Wait()
	r.tops.flush()
	for _, w := range workers {
		r.total.merge(w.agg)
		r.rejects.merge(&w.rj)
		r.dups += w.dups
	}
	if err == nil {
		err = outer.Err()
	}
	return err
}

// opened is a task whose object has been opened, or failed to open.
// Digests are not opened at all.
type opened struct {
	task
	body io.ReadCloser
	err  error
}

func (o opened) close() {
	if o.body != nil {
		_ = o.body.Close()
	}
}

// openTask opens t's object. A panic in a source is a bug; it is reported
// as the object's error rather than taking the run down.
func openTask(ctx context.Context, t task) (o opened) {
	o.task = t
	if source.IsDigest(t.obj.Name) {
		return o
	}
	defer func() {
		if p := recover(); p != nil {
			o.body, o.err = nil, fmt.Errorf("internal error: %v", p)
		}
	}()
	o.body, o.err = t.src.Open(ctx, t.obj)
	return o
}

func (r *runner) newWorker() *worker {
	return &worker{r: r, agg: newAggregate(), dec: ctjson.NewDecoder(ctjson.Config{MaxItem: r.opts.MaxRecordBytes,
		Drop: dropByIdentity(&r.opts, r.keep), Undrop: undropLineage})}
}

// process reads one object into the worker's aggregate and says how it
// went. It never panics on input: a panic in decoding is a bug, reported
// as an object error so that one bad object cannot take the run down.
func (w *worker) process(o opened) (st events.FileStatus) {
	st = events.FileStatus{File: o.obj.Name, CloudProvider: "AWS", Result: events.ResultSuccess}
	defer o.close()
	if source.IsDigest(o.obj.Name) {
		st.Result, st.Error = events.ResultSkipped, errDigest.Error()
		return st
	}
	if o.obj.Skip != "" {
		st.Result, st.Error = events.ResultSkipped, o.obj.Skip
		return st
	}
	defer func() {
		if p := recover(); p != nil {
			st.Result, st.Error = events.ResultError, fmt.Sprintf("internal error while decoding: %v", p)
		}
	}()
	if o.err != nil {
		st.Result, st.Error = events.ResultError, fmt.Sprintf("opening: %v", o.err)
		return st
	}
	err := w.decode(o.body, &st.Stat)
	switch {
	case errors.Is(err, ctjson.ErrNotJSON) && source.LooksLikeCloudTrail(o.obj.Name):
		// Named like a delivery: a corrupt one must reach the exit code.
		st.Result, st.Error = events.ResultError, "named like CloudTrail but neither gzip nor JSON"
		return st
	case errors.Is(err, ctjson.ErrNotJSON):
		st.Result, st.Error = events.ResultSkipped, "not CloudTrail: not JSON"
		return st
	case errors.Is(err, errDigest):
		st.Result, st.Error = events.ResultSkipped, errDigest.Error()
		return st
	case err != nil:
		st.Result, st.Error = events.ResultError, err.Error()
		if st.Stat.Total > 0 {
			st.Error = fmt.Sprintf("%v (after %d records)", err, st.Stat.Total)
		}
		return st
	}
	switch {
	case st.Stat.Total == 0:
		st.Result, st.Error = events.ResultSkipped, "not CloudTrail: no records"
	case st.Stat.Invalid == st.Stat.Total:
		st.Result, st.Error = events.ResultError, fmt.Sprintf("no valid records: %d invalid", st.Stat.Invalid)
	case st.Stat.Invalid > 0:
		st.Result, st.Error = events.ResultPartial, fmt.Sprintf("%d of %d records invalid", st.Stat.Invalid, st.Stat.Total)
	}
	return st
}

// countingReader counts compressed bytes for progress.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// decode streams body (gzip or not, told by its magic bytes) through the
// scanner and aggregates every record.
func (w *worker) decode(body io.Reader, stat *events.Stat) error {
	body = countingReader{body, &w.r.counters.BytesRead}
	if w.br == nil {
		w.br = bufio.NewReaderSize(body, 32<<10)
	} else {
		w.br.Reset(body)
	}
	var in io.Reader = w.br
	magic, err := w.br.Peek(2)
	if err != nil && len(magic) == 0 {
		if err == io.EOF {
			return nil // empty object: no records
		}
		return fmt.Errorf("reading: %w", err)
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		if err := w.gz.Reset(w.br); err != nil {
			return fmt.Errorf("gzip: %w", err)
		}
		in = &w.gz
	}
	w.dec.Reset(in)
	foreign := int64(0)
	for {
		item, err := w.dec.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, ctjson.ErrNotJSON) && stat.Total == 0 {
				return ctjson.ErrNotJSON
			}
			return wrapStreamErr(err)
		}
		stat.Total++
		switch item.Kind {
		case ctjson.KindInvalid:
			stat.Invalid++
			continue
		case ctjson.KindDigest:
			if stat.Total == 1 {
				stat.Total = 0
				return errDigest
			}
			foreign++
			stat.Invalid++
			continue
		case ctjson.KindForeign:
			// In an array of records, a non-record is a record of the wrong
			// shape; a top-level object that is no record may just be
			// someone else's JSON.
			if !item.InContainer {
				foreign++
			}
			stat.Invalid++
			continue
		}
		if w.record(item.Record) {
			stat.Processed++
			if w.agg.chunkRecs >= chunkRecords {
				w.endChunk(false)
			}
		} else {
			stat.Skipped++
		}
	}
	if foreign == stat.Total && stat.Processed == 0 && stat.Skipped == 0 {
		// JSON, but nothing in it is a CloudTrail record (package.json, a
		// policy document): not an error, just not ours.
		stat.Total, stat.Invalid = 0, 0
	}
	w.r.counters.Records.Add(stat.Total)
	w.publishLatest()
	return nil
}

// endChunk hands the sequencer what the current chunk counted; last ends
// the object (every object handed to a worker ends, read or not).
func (w *worker) endChunk(last bool) {
	c := w.agg.takeChunk()
	w.r.tops.deliver(w.cur.srcIdx, w.cur.ord, c, last, &w.agg.spare)
}

func (w *worker) publishLatest() {
	for {
		old := w.r.latest.Load()
		if w.latest <= old || w.r.latest.CompareAndSwap(old, w.latest) {
			return
		}
	}
}

// wrapStreamErr turns decompression and read errors into the sentence
// file_status.json shows.
func wrapStreamErr(err error) error {
	var se *ctjson.SyntaxError
	switch {
	case errors.As(err, &se):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("truncated: unexpected end of data")
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader):
		return fmt.Errorf("corrupt gzip: %w", err)
	}
	return fmt.Errorf("reading: %w", err)
}

// record filters one record and adds it to the aggregate. It reports
// whether the record was kept.
func (w *worker) record(r *ctjson.Record) bool {
	o := &w.r.opts
	a := w.agg
	if (r.EventType == "AwsServiceEvent" || r.UserIdentity.Type == typeAWSService) && !o.IncludeServicePrincipals {
		a.service++
		return false
	}
	ts := r.EventTime
	if ts == "" {
		ts = r.Timestamp
	}
	t, ok := w.times.parse(ts)
	if !ok {
		t = 0
	}
	if (!o.Since.IsZero() || !o.Until.IsZero()) && t == 0 {
		w.rj.windowTime(0)
		return false
	}
	if !o.Since.IsZero() && t < o.Since.Unix() {
		w.rj.windowTime(t)
		return false
	}
	if !o.Until.IsZero() && t >= o.Until.Unix() {
		w.rj.windowTime(t)
		return false
	}
	if len(o.Regions) > 0 && !slices.Contains(o.Regions, r.AWSRegion) {
		w.rj.region++
		return false
	}
	account := r.Account()
	if len(o.Accounts) > 0 && !slices.Contains(o.Accounts, account) {
		w.rj.account++
		return false
	}
	name, typ, subject := identityOf(r)
	if name == "" {
		w.rj.noIdentity++
		return false
	}
	w.latest = max(w.latest, t)
	// Lineage is kept whatever the principal filters say: a minted user's
	// created_by names the installer even when the installer is filtered out.
	if r.ErrorCode == "" && (r.EventName == "CreateUser" || r.EventName == "CreateRole") && policy.Prefix(r.EventSource) == "iam" {
		created := r.RequestParameters.UserName
		if r.EventName == "CreateRole" {
			created = r.RequestParameters.RoleName
		}
		if created != "" {
			a.addLineage(name, created)
		}
	}
	if !w.r.keep(name) {
		w.rj.principal++
		w.rj.name(name)
		return false
	}
	if w.r.ids != nil && r.EventID != "" && !w.r.ids.add(r.EventID) {
		w.dups++
		return false
	}
	a.add(name, typ, subject, r, t)
	return true
}

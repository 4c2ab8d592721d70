package extract

import (
	"context"
	"fmt"
	"github.com/cloud-credentials-insights/cci/internal/extract/source"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// remoteMem is a memSource that says it is remote and counts what the
// pipeline does with its objects. The first `barrier` opens wait for one
// another: they return only once that many are in progress at the same
// time, so a pipeline that opened objects one worker at a time would never
// get past them. cancelAt cancels the run when that many opens began.
type remoteMem struct {
	memSource
	barrier  int
	delay    time.Duration // each open takes this long (a round trip)
	cancelAt int64
	cancel   context.CancelFunc

	mu       sync.Mutex
	waiting  int
	released chan struct{}

	opens, closes       atomic.Int64
	inOpen, maxInOpen   atomic.Int64 // opens in progress
	live, maxLive       atomic.Int64 // bodies open and not closed
	reading, maxReading atomic.Int64 // bodies read from and not closed
}

func raise(max *atomic.Int64, v int64) {
	for m := max.Load(); v > m && !max.CompareAndSwap(m, v); m = max.Load() {
	}
}

func (s *remoteMem) Remote() bool { return true }

func (s *remoteMem) Open(ctx context.Context, obj source.Object) (io.ReadCloser, error) {
	raise(&s.maxInOpen, s.inOpen.Add(1))
	defer s.inOpen.Add(-1)
	time.Sleep(s.delay)
	n := s.opens.Add(1)
	if s.cancelAt > 0 && n == s.cancelAt {
		s.cancel()
	}
	if n <= int64(s.barrier) {
		s.mu.Lock()
		s.waiting++
		if s.waiting == s.barrier {
			close(s.released)
		}
		s.mu.Unlock()
		select {
		case <-s.released:
		case <-time.After(10 * time.Second):
			return nil, fmt.Errorf("only %d of %d opens ever ran at once", s.waiting, s.barrier)
		}
	}
	body, err := s.memSource.Open(ctx, obj)
	if err != nil {
		s.closes.Add(1)
		return nil, err
	}
	raise(&s.maxLive, s.live.Add(1))
	return &countedBody{ReadCloser: body, s: s}, nil
}

type countedBody struct {
	io.ReadCloser
	s       *remoteMem
	once    sync.Once
	started bool
}

func (b *countedBody) Read(p []byte) (int, error) {
	if !b.started {
		b.started = true
		raise(&b.s.maxReading, b.s.reading.Add(1))
	}
	return b.ReadCloser.Read(p)
}

func (b *countedBody) Close() error {
	b.once.Do(func() {
		b.s.live.Add(-1)
		b.s.closes.Add(1)
		if b.started {
			b.s.reading.Add(-1)
		}
	})
	return b.ReadCloser.Close()
}

func fetchObjects(t *testing.T, n int) map[string][]byte {
	// Six contents, shared by the objects: building 1,200 gzip streams
	// under the race detector takes seconds.
	var variants [6][]byte
	for i := range variants {
		r := rec(map[string]any{"userIdentity": iamUser(fmt.Sprintf("user-%d", i%3)),
			"eventName": []string{"DescribeInstances", "CreateTags"}[i%2]})
		variants[i] = gz(t, records(t, r, r))
	}
	objects := map[string][]byte{}
	for i := range n {
		objects[fmt.Sprintf("s3://b/AWSLogs/123456789012/CloudTrail/us-east-1/2024/09/20/o%04d.json.gz", i)] = variants[i%len(variants)]
	}
	return objects
}

// readOutput returns the files a run wrote.
func readOutput(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, name := range []string{"events.json", "file_status.json"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = b
	}
	return out
}

func TestRemoteObjectsOpenedAhead(t *testing.T) {
	objects := fetchObjects(t, 40)
	tests := []struct {
		name              string
		jobs, concurrency int
	}{
		{"one worker, four fetchers", 1, 4},
		{"two workers, eight fetchers", 2, 8},
		{"fetchers fewer than workers", 3, 2},
	}
	var want map[string][]byte
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &remoteMem{memSource: memSource{objects: objects}, barrier: tt.concurrency, released: make(chan struct{})}
			out := t.TempDir()
			r := newRunner(Options{Jobs: tt.jobs, S3Concurrency: tt.concurrency, MaxRecordBytes: DefaultMaxRecordBytes, Output: out}, []source.Source{src})
			if err := r.pass(context.Background()); err != nil {
				t.Fatal(err)
			}
			if _, err := r.write(false); err != nil {
				t.Fatal(err)
			}
			if got := src.opens.Load(); got != int64(len(objects)) {
				t.Errorf("opened %d objects, want %d", got, len(objects))
			}
			if o, c := src.opens.Load(), src.closes.Load(); o != c {
				t.Errorf("%d bodies opened, %d closed", o, c)
			}
			// Each fetcher holds at most one open body it has not handed
			// over, and each worker decodes one.
			if max := src.maxLive.Load(); max > int64(tt.jobs+tt.concurrency) {
				t.Errorf("%d bodies open at once, want at most %d", max, tt.jobs+tt.concurrency)
			}
			// Decoding stays on the workers, however many fetchers there are.
			if max := src.maxReading.Load(); max > int64(tt.jobs) {
				t.Errorf("%d bodies decoded at once, want at most %d (the workers)", max, tt.jobs)
			}
			got := readOutput(t, out)
			if want == nil {
				want = got
				return
			}
			sameOutputs(t, tt.name, got, want)
		})
	}
}

func TestRemoteCancelClosesEveryBody(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := &remoteMem{memSource: memSource{objects: fetchObjects(t, 40)}, cancelAt: 10, cancel: cancel}
	r := newRunner(Options{Jobs: 2, S3Concurrency: 6, MaxRecordBytes: DefaultMaxRecordBytes, Output: t.TempDir()}, []source.Source{src})
	if err := r.pass(ctx); err == nil {
		t.Fatal("pass after cancel: no error")
	}
	if o, c := src.opens.Load(), src.closes.Load(); o != c || o < 10 {
		t.Errorf("%d bodies opened, %d closed; want equal and at least 10", o, c)
	}
}

// With opens much slower than decoding, the pool grows past its initial
// size towards what keeps the worker fed, and never past the maximum.
func TestFetchPoolGrowsToTheLatency(t *testing.T) {
	// Opens take 30 ms and decoding a two-record object well under a
	// millisecond even under the race detector: the estimate is in the
	// hundreds, whatever the machine.
	src := &remoteMem{memSource: memSource{objects: fetchObjects(t, 1200)}, delay: 30 * time.Millisecond}
	const maxFetchers = fetchInitial * 2
	r := newRunner(Options{Jobs: 1, S3Concurrency: maxFetchers, MaxRecordBytes: DefaultMaxRecordBytes, Output: t.TempDir()}, []source.Source{src})
	if err := r.pass(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := src.maxInOpen.Load(); got <= fetchInitial || got > maxFetchers {
		t.Errorf("at most %d opens at once, want more than the initial %d and at most %d", got, fetchInitial, maxFetchers)
	}
	if o, c := src.opens.Load(), src.closes.Load(); o != 1200 || c != o {
		t.Errorf("%d opened, %d closed; want 1200 and 1200", o, c)
	}
}

// The pool grows only after a tick in which the workers waited for open
// objects more than 1/fetchStarved of their time: a busy machine makes
// opens look slow without the workers lacking anything.
func TestFetchPoolStarved(t *testing.T) {
	tick := int64(fetchTick)
	for _, tt := range []struct {
		name   string
		jobs   int
		before int64 // total wait at the last tick
		now    int64 // total wait now
		want   bool
	}{
		{"no wait", 2, 0, 0, false},
		{"old wait only", 2, tick, tick, false},
		{"just under", 2, 0, 2 * tick / fetchStarved, false},
		{"just over", 2, 0, 2*tick/fetchStarved + 1, true},
		{"one worker waited the whole tick", 2, tick, 2 * tick, true},
		{"more workers, more wait needed", 8, 0, 2*tick/fetchStarved + 1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := &fetchPool{}
			p.waitNanos.Store(tt.now)
			waited := tt.before
			if got := p.starved(tt.jobs, &waited); got != tt.want {
				t.Errorf("starved = %v, want %v", got, tt.want)
			}
			if waited != tt.now {
				t.Errorf("waited = %d after the call, want %d", waited, tt.now)
			}
		})
	}
}

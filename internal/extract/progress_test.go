package extract

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

func TestFormatProgress(t *testing.T) {
	tests := []struct {
		s       progressSnapshot
		elapsed time.Duration
		want    string
	}{
		{progressSnapshot{}, 0, "cci: 0/0+ objects, 0.0 MB, 0 records"},
		{progressSnapshot{Listed: 10}, time.Second, "cci: 0/10+ objects, 0.0 MB, 0 records (0/s)"},
		// While listing, no total and no ETA.
		{progressSnapshot{Listed: 100, Done: 25, Bytes: 12_345_678, Records: 5000}, 10 * time.Second,
			"cci: 25/100+ objects, 12.3 MB, 5000 records (500/s)"},
		// Listing done, sizes unknown: the ETA from the objects done.
		{progressSnapshot{Listed: 100, Done: 25, Bytes: 12_345_678, Records: 5000, ListingDone: true}, 10 * time.Second,
			"cci: 25/100 objects, 12.3 MB, 5000 records (500/s), ETA 0:30"},
		// Sizes known: the ETA from the bytes done (a quarter of the objects
		// but a tenth of the bytes: 90 s more, not 30).
		{progressSnapshot{Listed: 100, Done: 25, Bytes: 10e6, BytesListed: 100e6, Records: 5000, ListingDone: true}, 10 * time.Second,
			"cci: 25/100 objects, 10.0 MB of 100.0 MB, 5000 records (500/s), ETA 1:30"},
		{progressSnapshot{Listed: 100, Done: 100, Bytes: 1e6, Records: 10, ListingDone: true}, 2 * time.Second,
			"cci: 100/100 objects, 1.0 MB, 10 records (5/s)"},
		{progressSnapshot{Listed: 7201, Done: 1, Records: 1, ListingDone: true}, time.Second,
			"cci: 1/7201 objects, 0.0 MB, 1 records (1/s), ETA 2:00:00"},
	}
	for _, tt := range tests {
		if got := formatProgress(tt.s, tt.elapsed); got != tt.want {
			t.Errorf("formatProgress(%+v, %v)\ngot  %q\nwant %q", tt.s, tt.elapsed, got, tt.want)
		}
	}
}

// lockedBuffer lets the test read what the printer goroutine wrote.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestStartProgress(t *testing.T) {
	var c counters
	c.ObjectsListed.Add(3)
	c.ObjectsDone.Add(1)
	var out lockedBuffer
	stop := startProgress(context.Background(), &out, &c, time.Now(), true, progressInterval)
	stop()
	stop() // idempotent
	got := out.String()
	if !strings.HasPrefix(got, "\rcci: 1/3+ objects") {
		t.Errorf("output does not start with the first line: %q", got)
	}
	if !strings.HasSuffix(got, "\r") || strings.Contains(got, "\n") {
		t.Errorf("stop must blank the line and leave the cursor at its start, without a newline: %q", got)
	}
	before := len(got)
	time.Sleep(2 * progressInterval) // nothing may be written after stop
	if len(out.String()) != before {
		t.Errorf("written after stop: %q", out.String()[before:])
	}
}

func TestStartProgressStopsWithContext(t *testing.T) {
	var c counters
	var out lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	stop := startProgress(ctx, &out, &c, time.Now(), true, progressInterval)
	cancel()
	stop() // returns once the printer has seen ctx end
	if !strings.HasPrefix(out.String(), "\rcci: 0/0+ objects") {
		t.Errorf("got %q", out.String())
	}
}

// A signal ends the progress with "interrupted by SIGTERM", never
// "context canceled".
func TestProgressInterrupted(t *testing.T) {
	for _, inPlace := range []bool{true, false} {
		var c counters
		var out lockedBuffer
		ctx, cancel := context.WithCancelCause(context.Background())
		stop := startProgress(ctx, &out, &c, time.Now(), inPlace, progressInterval)
		cancel(exit.Signal(syscall.SIGTERM))
		stop()
		got := out.String()
		if !strings.Contains(got, ", interrupted by SIGTERM\n") || strings.Contains(got, "canceled") {
			t.Errorf("inPlace=%v: got %q", inPlace, got)
		}
	}
}

// In a log (stderr is no terminal), progress is whole lines, one per
// interval, and nothing is rewritten or blanked.
func TestStartProgressLog(t *testing.T) {
	var c counters
	c.ObjectsListed.Add(4)
	c.ObjectsDone.Add(2)
	var out lockedBuffer
	stop := startProgress(context.Background(), &out, &c, time.Now(), false, 20*time.Millisecond)
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(out.String(), "\n") < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	got := out.String()
	if strings.Contains(got, "\r") {
		t.Errorf("carriage return in log output: %q", got)
	}
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) < 2 || !strings.HasSuffix(got, "\n") {
		t.Fatalf("want at least two whole lines, got %q", got)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "cci: 2/4+ objects") {
			t.Errorf("line %q", l)
		}
	}
}

package extract

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progressInterval is how often the progress line is refreshed on a
// terminal; progressLogInterval how often a line is added to a log (stderr
// is no terminal, --progress).
const (
	progressInterval    = 500 * time.Millisecond
	progressLogInterval = 10 * time.Second
)

// progressSnapshot is one reading of the counters.
type progressSnapshot struct {
	Listed, Done, Bytes, Records int64
}

func (c *counters) snapshot() progressSnapshot {
	return progressSnapshot{
		Listed:  c.ObjectsListed.Load(),
		Done:    c.ObjectsDone.Load(),
		Bytes:   c.BytesRead.Load(),
		Records: c.Records.Load(),
	}
}

// startProgress reports progress on w until ctx is done or stop is called.
// On a terminal (inPlace) it prints a single line, rewritten with "\r"
// every interval; stop blanks it, so that what is written next starts on
// a clean line. Otherwise (a CI log) it adds a whole line every interval
// and nothing at stop. stop waits for the printer and may be called more
// than once.
func startProgress(ctx context.Context, w io.Writer, c *counters, start time.Time, inPlace bool, interval time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	width := 0
	draw := func() {
		line := formatProgress(c.snapshot(), time.Since(start))
		if !inPlace {
			fmt.Fprintln(w, line)
			return
		}
		// Pad over the tail of a longer previous line.
		pad := max(width-len(line), 0)
		fmt.Fprintf(w, "\r%s%s", line, strings.Repeat(" ", pad))
		width = len(line)
	}
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		if inPlace {
			draw()
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				draw()
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			<-done
			if width > 0 {
				fmt.Fprintf(w, "\r%s\r", strings.Repeat(" ", width))
			}
		})
	}
}

// formatProgress renders one progress line: objects processed of listed,
// megabytes read, records and their rate, and an estimate of the time left
// from the object rate (a lower bound while listing is still going).
func formatProgress(s progressSnapshot, elapsed time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "cci: %d/%d objects, %.1f MB, %d records", s.Done, s.Listed, float64(s.Bytes)/1e6, s.Records)
	secs := elapsed.Seconds()
	if secs > 0 {
		fmt.Fprintf(&b, " (%.0f/s)", float64(s.Records)/secs)
	}
	if remaining := s.Listed - s.Done; s.Done > 0 && remaining > 0 && secs > 0 {
		eta := time.Duration(float64(remaining) / (float64(s.Done) / secs) * float64(time.Second))
		fmt.Fprintf(&b, ", ETA %s", formatETA(eta))
	}
	return b.String()
}

// formatETA prints a duration as m:ss or h:mm:ss.
func formatETA(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d/time.Hour), int(d/time.Minute)%60, int(d/time.Second)%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}

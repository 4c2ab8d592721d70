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
	ListingDone                  bool  // Listed is the total
	BytesListed                  int64 // sizes of the listed objects, when every one is known
}

func (c *counters) snapshot() progressSnapshot {
	return progressSnapshot{
		Listed:      c.ObjectsListed.Load(),
		Done:        c.ObjectsDone.Load(),
		Bytes:       c.BytesRead.Load(),
		Records:     c.Records.Load(),
		ListingDone: c.ListingDone.Load(),
		BytesListed: func() int64 {
			if c.SizeUnknown.Load() {
				return 0
			}
			return c.BytesListed.Load()
		}(),
	}
}

// startProgress reports progress on w until ctx is done or stop is called.
// On a terminal (inPlace) it prints a single line, rewritten with "\r"
// every interval; stop blanks it, so that what is written next starts on
// a clean line. Otherwise (a CI log) it adds a whole line every interval
// and nothing at stop. stop waits for the printer and may be called more
// than once.
func startProgress(ctx context.Context, w io.Writer, c *counters, start time.Time, inPlace bool, interval time.Duration) (stop func()) {
	ctx, cancel := context.WithCancelCause(ctx)
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
				if cause := context.Cause(ctx); cause != context.Canceled && cause != nil {
					// A signal: say so on the progress line itself, and keep it.
					line := formatProgress(c.snapshot(), time.Since(start)) + ", " + interruptedText(cause)
					if inPlace {
						fmt.Fprintf(w, "\r%s%s\n", line, strings.Repeat(" ", max(width-len(line), 0)))
						width = 0
					} else {
						fmt.Fprintln(w, line)
					}
				}
				return
			case <-t.C:
				draw()
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel(context.Canceled)
			<-done
			if width > 0 {
				fmt.Fprintf(w, "\r%s\r", strings.Repeat(" ", width))
			}
		})
	}
}

// interruptedText is what the progress line says when a signal stops the
// run: "interrupted by SIGTERM", never "context canceled".
func interruptedText(cause error) string {
	if msg := cause.Error(); strings.HasPrefix(msg, "interrupted") {
		return msg
	}
	return "interrupted"
}

// formatProgress renders one progress line: objects processed of listed
// ("N+" while listing goes on, the total once it is done), megabytes read,
// records and their rate, and, once the total is known, an estimate of the
// time left: from the bytes read when every object's size is known (S3,
// local files with --progress), else from the objects done.
func formatProgress(s progressSnapshot, elapsed time.Duration) string {
	var b strings.Builder
	more := "+"
	if s.ListingDone {
		more = ""
	}
	fmt.Fprintf(&b, "cci: %d/%d%s objects, %.1f MB", s.Done, s.Listed, more, float64(s.Bytes)/1e6)
	if s.ListingDone && s.BytesListed > 0 {
		fmt.Fprintf(&b, " of %.1f MB", float64(s.BytesListed)/1e6)
	}
	fmt.Fprintf(&b, ", %d records", s.Records)
	secs := elapsed.Seconds()
	if secs > 0 {
		fmt.Fprintf(&b, " (%.0f/s)", float64(s.Records)/secs)
	}
	if !s.ListingDone || secs <= 0 || s.Done >= s.Listed {
		return b.String()
	}
	var eta time.Duration
	switch {
	case s.BytesListed > 0 && s.Bytes > 0:
		eta = time.Duration(float64(max(s.BytesListed-s.Bytes, 0)) / (float64(s.Bytes) / secs) * float64(time.Second))
	case s.Done > 0:
		eta = time.Duration(float64(s.Listed-s.Done) / (float64(s.Done) / secs) * float64(time.Second))
	default:
		return b.String()
	}
	fmt.Fprintf(&b, ", ETA %s", formatETA(eta))
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

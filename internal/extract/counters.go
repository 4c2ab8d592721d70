package extract

import (
	"io"
	"os"
	"sync/atomic"
)

// counters is the pipeline's live progress, updated by listers and workers
// and read by the progress printer (progress.go).
type counters struct {
	ObjectsListed atomic.Int64
	ObjectsDone   atomic.Int64
	BytesRead     atomic.Int64 // compressed bytes read from objects
	Records       atomic.Int64
	BytesListed   atomic.Int64 // sizes of the objects listed, when known
	SizeUnknown   atomic.Bool  // some object was listed without a size
	ListingDone   atomic.Bool  // the current pass has listed everything
}

// isTerminal reports whether w is a character device (a terminal), where a
// refreshing progress line makes sense.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

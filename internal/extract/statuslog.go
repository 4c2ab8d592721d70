package extract

import (
	"bufio"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"io"
	"os"
	"slices"
)

// statusLog holds the per-object results of a run (file_status.json) and
// the tallies the summary needs, in memory that does not grow with the
// number of objects: a day of a busy account is hundreds of thousands of
// objects, and an entry takes a few hundred bytes. Entries are kept in a
// batch; a full batch is sorted by file name and spilled to a temporary
// file (a run) in the output directory, and each merges the runs with the
// last batch in file-name order. Runs are merged in tiers, as they pile up:
// statusFanIn runs of one tier become one run of the next, so an entry is
// rewritten once per tier (log base 16 of the number of batches) and few
// files are open at once.
type statusLog struct {
	dir   string // where runs are written
	batch int    // entries held before a spill
	mem   []events.FileStatus
	runs  []statusRun

	tally statusTally
}

// statusTally is what the summary says about the objects.
type statusTally struct {
	objects, digests                     int64
	byResult                             map[string]int64
	records, processed, skipped, invalid int64
	skipReasons                          map[string]int
	problems                             []events.FileStatus // error and partial objects, the first maxProblems by name
	problemCount                         int
}

// statusBatch is a variable so that tests can make spills happen.
var statusBatch = 512

const (
	statusFanIn = 16
	// maxProblems is how many objects with problems the summary names.
	maxProblems = 20
)

func newStatusLog(dir string) *statusLog {
	return &statusLog{dir: dir, batch: statusBatch,
		tally: statusTally{byResult: map[string]int64{}, skipReasons: map[string]int{}}}
}

// add records one object's result. It spills a full batch; an error means
// the spill could not be written.
func (l *statusLog) add(st events.FileStatus) error {
	l.count(st)
	l.mem = append(l.mem, st)
	if len(l.mem) < l.batch {
		return nil
	}
	sortStatuses(l.mem)
	path, err := l.spill(slices.Values(l.mem))
	if err != nil {
		return err
	}
	l.runs = append(l.runs, statusRun{path: path})
	clear(l.mem) // let the strings go
	l.mem = l.mem[:0]
	return l.compact()
}

// statusRun is a spilled, sorted run and its tier.
type statusRun struct {
	path string
	tier int
}

func runPaths(runs []statusRun) []string {
	paths := make([]string, len(runs))
	for i, r := range runs {
		paths[i] = r.path
	}
	return paths
}

func (l *statusLog) count(st events.FileStatus) {
	t := &l.tally
	t.objects++
	t.byResult[st.Result]++
	if st.Error == errDigest.Error() {
		t.digests++
	}
	t.records += st.Stat.Total
	t.processed += st.Stat.Processed
	t.skipped += st.Stat.Skipped
	t.invalid += st.Stat.Invalid
	switch st.Result {
	case events.ResultSkipped:
		t.skipReasons[st.Error]++
	case events.ResultError, events.ResultPartial:
		t.problemCount++
		i, _ := slices.BinarySearchFunc(t.problems, st.File, func(p events.FileStatus, f string) int { return cmp.Compare(p.File, f) })
		if i < maxProblems {
			t.problems = slices.Insert(t.problems, i, st)
			if len(t.problems) > maxProblems {
				t.problems = t.problems[:maxProblems]
			}
		}
	}
}

func sortStatuses(s []events.FileStatus) {
	slices.SortFunc(s, func(a, b events.FileStatus) int { return cmp.Compare(a.File, b.File) })
}

// compact merges the runs of a tier into one run of the next tier while a
// tier holds statusFanIn runs. Runs are appended in tier order (a merged
// run replaces runs of lower tiers), so the runs of the newest tier are
// always the last ones.
func (l *statusLog) compact() error {
	for {
		n := len(l.runs)
		if n < statusFanIn {
			return nil
		}
		tier := l.runs[n-1].tier
		group := l.runs[n-statusFanIn:]
		if group[0].tier != tier {
			return nil
		}
		path, err := l.mergeRuns(runPaths(group))
		if err != nil {
			return err
		}
		for _, r := range group {
			os.Remove(r.path)
		}
		l.runs = append(l.runs[:n-statusFanIn], statusRun{path: path, tier: tier + 1})
	}
}

// mergeRuns merges runs into a new one.
func (l *statusLog) mergeRuns(runs []string) (string, error) {
	var path string
	err := l.merge(runs, nil, func(next func() (*events.FileStatus, error)) error {
		var nextErr error
		p, err := l.spill(func(yield func(events.FileStatus) bool) {
			for {
				st, err := next()
				if err != nil {
					nextErr = err
					return
				}
				if st == nil || !yield(*st) {
					return
				}
			}
		})
		if err != nil {
			return err
		}
		if nextErr != nil {
			os.Remove(p)
			return nextErr
		}
		path = p
		return nil
	})
	return path, err
}

// each calls fn with every entry in file-name order. fn must not keep the
// pointer.
func (l *statusLog) each(fn func(*events.FileStatus) error) error {
	sortStatuses(l.mem)
	return l.merge(runPaths(l.runs), l.mem, func(next func() (*events.FileStatus, error)) error {
		for {
			st, err := next()
			if err != nil {
				return err
			}
			if st == nil {
				return nil
			}
			if err := fn(st); err != nil {
				return err
			}
		}
	})
}

// close removes the runs.
func (l *statusLog) close() {
	for _, r := range l.runs {
		os.Remove(r.path)
	}
	l.runs = nil
}

// spill writes entries, already in order, to a new run file.
func (l *statusLog) spill(entries func(yield func(events.FileStatus) bool)) (path string, err error) {
	f, err := os.CreateTemp(l.dir, ".cci-status-*.tmp")
	if err != nil {
		return "", fmt.Errorf("spilling file statuses: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("spilling file statuses: %w", cerr)
		}
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	w := bufio.NewWriterSize(f, 16<<10)
	var buf []byte
	for st := range entries {
		buf = appendStatus(buf[:0], &st)
		if _, err := w.Write(buf); err != nil {
			return "", fmt.Errorf("spilling file statuses: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		return "", fmt.Errorf("spilling file statuses: %w", err)
	}
	return f.Name(), nil
}

// merge opens runs and hands use a function returning the next entry of
// runs and mem (sorted) in file-name order, and nil at the end.
func (l *statusLog) merge(runs []string, mem []events.FileStatus, use func(next func() (*events.FileStatus, error)) error) error {
	h := &statusHeap{}
	for _, p := range runs {
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("reading spilled file statuses: %w", err)
		}
		defer f.Close()
		c := &statusCursor{r: bufio.NewReaderSize(f, 8<<10), name: p}
		if ok, err := c.advance(); err != nil {
			return err
		} else if ok {
			h.items = append(h.items, c)
		}
	}
	if len(mem) > 0 {
		c := &statusCursor{mem: mem}
		c.advance()
		h.items = append(h.items, c)
	}
	heap.Init(h)
	var cur events.FileStatus
	next := func() (*events.FileStatus, error) {
		if h.Len() == 0 {
			return nil, nil
		}
		c := h.items[0]
		cur = c.cur
		ok, err := c.advance()
		if err != nil {
			return nil, err
		}
		if ok {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
		return &cur, nil
	}
	return use(next)
}

// statusCursor walks one run (or the in-memory batch).
type statusCursor struct {
	r    *bufio.Reader
	name string
	mem  []events.FileStatus
	cur  events.FileStatus
	buf  []byte
}

func (c *statusCursor) advance() (bool, error) {
	if c.r == nil {
		if len(c.mem) == 0 {
			return false, nil
		}
		c.cur, c.mem = c.mem[0], c.mem[1:]
		return true, nil
	}
	st, buf, err := readStatus(c.r, c.buf)
	c.buf = buf
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading spilled file statuses %s: %w", c.name, err)
	}
	c.cur = st
	return true, nil
}

type statusHeap struct{ items []*statusCursor }

func (h *statusHeap) Len() int           { return len(h.items) }
func (h *statusHeap) Less(i, j int) bool { return h.items[i].cur.File < h.items[j].cur.File }
func (h *statusHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *statusHeap) Push(x any)         { h.items = append(h.items, x.(*statusCursor)) }
func (h *statusHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// A spilled entry: four length-prefixed strings (file, cloud provider,
// result, error) and the four counts of its Stat, as varints.
func appendStatus(b []byte, st *events.FileStatus) []byte {
	for _, s := range [...]string{st.File, st.CloudProvider, st.Result, st.Error} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, n := range [...]int64{st.Stat.Total, st.Stat.Processed, st.Stat.Skipped, st.Stat.Invalid} {
		b = binary.AppendVarint(b, n)
	}
	return b
}

var errBadSpill = errors.New("corrupt entry")

// maxSpilledString bounds a string read back from a run: S3 keys are at
// most 1 KiB and cci's error messages far shorter, so a longer one means a
// damaged file, not a reason to allocate.
const maxSpilledString = 1 << 20

// readStatus reads one entry written by appendStatus; io.EOF at a clean
// end. buf is scratch space, returned for reuse.
func readStatus(r *bufio.Reader, buf []byte) (events.FileStatus, []byte, error) {
	var st events.FileStatus
	var strs [4]string
	for i := range strs {
		n, err := binary.ReadUvarint(r)
		if err != nil {
			if i == 0 && err == io.EOF {
				return st, buf, io.EOF
			}
			return st, buf, errBadSpill
		}
		if n > maxSpilledString {
			return st, buf, errBadSpill
		}
		buf = slices.Grow(buf[:0], int(n))[:n]
		if _, err := io.ReadFull(r, buf); err != nil {
			return st, buf, errBadSpill
		}
		strs[i] = string(buf)
	}
	st.File, st.CloudProvider, st.Result, st.Error = strs[0], strs[1], strs[2], strs[3]
	for _, p := range [...]*int64{&st.Stat.Total, &st.Stat.Processed, &st.Stat.Skipped, &st.Stat.Invalid} {
		n, err := binary.ReadVarint(r)
		if err != nil {
			return st, buf, errBadSpill
		}
		*p = n
	}
	return st, buf, nil
}

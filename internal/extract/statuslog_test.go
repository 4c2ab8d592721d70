package extract

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/extract/source"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

func testStatuses(n int) []events.FileStatus {
	results := []string{events.ResultSuccess, events.ResultSuccess, events.ResultPartial, events.ResultSkipped, events.ResultError}
	var out []events.FileStatus
	for i := range n {
		st := events.FileStatus{File: fmt.Sprintf("s3://b/AWSLogs/%03d/o%05d.json.gz", i%7, i), CloudProvider: "AWS",
			Result: results[i%len(results)], Stat: events.Stat{Total: int64(i), Processed: int64(i / 2), Skipped: int64(i % 3), Invalid: int64(i % 2)}}
		switch st.Result {
		case events.ResultSkipped:
			st.Error = []string{"not CloudTrail: no records", errDigest.Error()}[i%2]
		case events.ResultError, events.ResultPartial:
			st.Error = fmt.Sprintf("problem %d: \"quoted\" ✓", i)
		}
		out = append(out, st)
	}
	return out
}

func spillFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".cci-status-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The log gives back every entry in name order whatever the batch size,
// spilling and compacting on the way, and leaves no file behind.
func TestStatusLog(t *testing.T) {
	all := testStatuses(500)
	want := slices.Clone(all)
	sortStatuses(want)
	for _, batch := range []int{1, 3, 64, 1000} {
		t.Run(fmt.Sprintf("batch %d", batch), func(t *testing.T) {
			dir := t.TempDir()
			l := newStatusLog(dir)
			l.batch = batch
			shuffled := slices.Clone(all)
			rand.New(rand.NewPCG(1, uint64(batch))).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			maxRuns := 0
			for _, st := range shuffled {
				if err := l.add(st); err != nil {
					t.Fatal(err)
				}
				maxRuns = max(maxRuns, len(l.runs))
			}
			if batch < len(all) && len(spillFiles(t, dir)) == 0 {
				t.Errorf("nothing spilled with a batch of %d", batch)
			}
			// 500 entries in batches of one: three tiers of fewer than
			// statusFanIn runs each.
			if maxRuns >= 3*statusFanIn {
				t.Errorf("%d runs at once, want fewer than %d", maxRuns, 3*statusFanIn)
			}
			var got []events.FileStatus
			if err := l.each(func(st *events.FileStatus) error { got = append(got, *st); return nil }); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("each gave %d entries, not the %d sorted ones added", len(got), len(want))
			}
			l.close()
			if left := spillFiles(t, dir); len(left) != 0 {
				t.Errorf("files left after close: %v", left)
			}

			tl := l.tally
			if tl.objects != 500 || tl.byResult[events.ResultSuccess] != 200 || tl.byResult[events.ResultError] != 100 ||
				tl.digests != 50 || tl.skipReasons["not CloudTrail: no records"] != 50 || tl.problemCount != 200 {
				t.Errorf("tally = %+v", tl)
			}
			var problems []events.FileStatus
			for _, st := range want {
				if st.Result == events.ResultError || st.Result == events.ResultPartial {
					problems = append(problems, st)
				}
			}
			if !slices.Equal(tl.problems, problems[:maxProblems]) {
				t.Errorf("problems named = %v, want the first %d by name", tl.problems, maxProblems)
			}
		})
	}
}

func TestStatusLogSpillErrors(t *testing.T) {
	l := newStatusLog(filepath.Join(t.TempDir(), "missing"))
	l.batch = 2
	if err := l.add(testStatuses(1)[0]); err != nil {
		t.Fatal(err)
	}
	if err := l.add(testStatuses(2)[1]); err == nil || !strings.Contains(err.Error(), "spilling file statuses") {
		t.Errorf("spill into a missing directory: err = %v", err)
	}

	dir := t.TempDir()
	l = newStatusLog(dir)
	l.batch = 2
	for _, st := range testStatuses(4) {
		if err := l.add(st); err != nil {
			t.Fatal(err)
		}
	}
	// A run cut short: reading it must fail, not end early.
	run := l.runs[0].path
	b, err := os.ReadFile(run)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(run, b[:len(b)-3], 0o600); err != nil {
		t.Fatal(err)
	}
	err = l.each(func(*events.FileStatus) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "corrupt entry") {
		t.Errorf("truncated run: err = %v", err)
	}
	l.close()
}

// A run that spills writes the same file_status.json as one that does not.
func TestRunSpillsStatuses(t *testing.T) {
	files := map[string][]byte{"bad.json.gz": {0x1f, 0x8b, 1}}
	for i := range 60 {
		files[fmt.Sprintf("AWSLogs/123456789012/CloudTrail/us-east-1/2024/09/20/o%02d.json", i)] = records(t, rec(nil))
	}
	in := writeFiles(t, files)
	var want map[string][]byte
	for _, batch := range []int{statusBatch, 1, 7} {
		old := statusBatch
		statusBatch = batch
		out := filepath.Join(t.TempDir(), "out")
		res := runOpts(t, Options{EventsPaths: []string{in}, Jobs: 3}, out)
		statusBatch = old
		if exit.Code(res.err) != exit.Partial {
			t.Fatalf("batch %d: %v", batch, res.err)
		}
		if left := spillFiles(t, out); len(left) != 0 {
			t.Errorf("batch %d: files left: %v", batch, left)
		}
		if want == nil {
			want = res.raw
			continue
		}
		sameOutputs(t, fmt.Sprintf("batch %d", batch), res.raw, want)
	}
}

func FuzzReadStatus(f *testing.F) {
	for _, st := range testStatuses(5) {
		f.Add(appendStatus(nil, &st))
	}
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		// Whatever the bytes, reading ends in entries, a clean EOF or an
		// error; every entry read writes back to the bytes it came from.
		r := bufio.NewReader(bytes.NewReader(data))
		var buf []byte
		consumed := 0
		for {
			st, b, err := readStatus(r, buf)
			buf = b
			if err != nil {
				return
			}
			enc := appendStatus(nil, &st)
			if !bytes.Equal(enc, data[consumed:consumed+len(enc)]) {
				// Varints have one canonical form per value only when
				// minimal; a non-minimal input must still read to the
				// same entry when written minimally and read again.
				again, _, err := readStatus(bufio.NewReader(bytes.NewReader(enc)), nil)
				if err != nil || again != st {
					t.Fatalf("entry %+v does not round-trip", st)
				}
				return
			}
			consumed += len(enc)
		}
	})
}

// Overlapping sources (a directory and one inside it) list some objects
// twice; each is processed once.
func TestOverlappingSourcesCountOnce(t *testing.T) {
	day := "AWSLogs/123456789012/CloudTrail/us-east-1/2024/09/20"
	in := writeFiles(t, map[string][]byte{
		day + "/a.json":      records(t, rec(nil)),
		day + "/b.json":      records(t, rec(nil)),
		"AWSLogs/other.json": records(t, rec(nil)),
	})
	res := runOpts(t, Options{EventsPaths: []string{in, filepath.Join(in, day), filepath.Join(in, day, "a.json")}, Jobs: 2},
		filepath.Join(t.TempDir(), "out"))
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.statuses) != 3 || res.summary.RecordsProcessed != 3 {
		t.Errorf("%d statuses, %d records processed; want 3 and 3", len(res.statuses), res.summary.RecordsProcessed)
	}
}

func TestObjectSet(t *testing.T) {
	s := newObjectSet()
	for _, name := range []string{"a", "b", "", "a/b", "ab"} {
		if !s.add(name) {
			t.Errorf("add(%q) the first time: not new", name)
		}
	}
	for _, name := range []string{"a", "", "ab"} {
		if s.add(name) {
			t.Errorf("add(%q) again: new", name)
		}
	}
}

// A spilled run that cannot be read back fails the write before any output
// file exists.
func TestWriteFailsBeforeOutputsOnBadSpill(t *testing.T) {
	old := statusBatch
	statusBatch = 2
	defer func() { statusBatch = old }()
	src := &memSource{objects: map[string][]byte{}}
	for i := range 5 {
		src.objects[fmt.Sprintf("mem://o%d.json", i)] = records(t, rec(nil))
	}
	out := t.TempDir()
	r := newRunner(Options{Jobs: 1, MaxRecordBytes: DefaultMaxRecordBytes, Output: out}, []source.Source{src})
	defer r.status.close()
	if err := r.pass(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(r.status.runs) == 0 {
		t.Fatal("nothing spilled")
	}
	if err := os.WriteFile(r.status.runs[0].path, []byte{0x05, 'a'}, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := r.write(false); err == nil || !strings.Contains(err.Error(), "corrupt entry") {
		t.Fatalf("write with a damaged run: err = %v", err)
	}
	for _, name := range []string{events.EventsFile, events.FileStatusFile, events.SummaryFile} {
		if _, err := os.Stat(filepath.Join(out, name)); err == nil {
			t.Errorf("%s written by a failed run", name)
		}
	}
}

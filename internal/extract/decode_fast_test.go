package extract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/extract/ctjson"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// decodeBoth runs one object through a worker with the fast path and
// through one without it, and returns what each saw.
func decodeBoth(t testing.TB, data []byte, maxDepth int, prefixes ...string) (fast, slow string) {
	run := func(useFast bool) string {
		opts := Options{EventsPaths: []string{"-"}, Output: "-", MaxRecordBytes: 1 << 16, PrincipalPrefixes: prefixes}
		if err := opts.Validate(); err != nil {
			t.Fatal(err)
		}
		r := newRunner(opts, nil)
		w := r.newWorker()
		w.dec = ctjson.NewDecoder(ctjson.Config{MaxItem: opts.MaxRecordBytes, MaxDepth: maxDepth, SlowPath: !useFast,
			Drop: dropByIdentity(&opts, r.keep), Undrop: undropLineage})
		var st events.Stat
		err := w.decode(bytes.NewReader(data), &st)
		w.endChunk(true)
		ids, jerr := json.Marshal(w.agg.identities(func(string) bool { return true }, r.tops.result()))
		if jerr != nil {
			t.Fatal(jerr)
		}
		return fmt.Sprintf("%+v err=%v service=%d lineage=%v\n%s", st, err, w.agg.service, len(w.agg.lineage), ids)
	}
	return run(true), run(false)
}

// TestFastObjectsMatchSlow runs every object of the sample trails and
// the input shapes of the other tests through the worker on both decoder
// paths (ctjson holds the paths to each other item by item).
func TestFastObjectsMatchSlow(t *testing.T) {
	var objs [][]byte
	err := filepath.WalkDir(filepath.Join("..", "..", "testdata", "trails"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		objs = append(objs, b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r1, r2 := rec(nil), rec(map[string]any{"eventTime": "2024-09-20T03:00:00Z", "userIdentity": assumedRole("r", "s")})
	ctEvent := map[string]any{"EventId": "x", "CloudTrailEvent": string(mustJSON(t, r1))}
	envelope := map[string]any{"detail-type": "AWS API Call via CloudTrail", "detail": r1}
	objs = append(objs,
		records(t, r1, r2), mustJSON(t, []any{r1, r2}), lines(t, r1, r2),
		mustJSON(t, map[string]any{"Events": []any{ctEvent}}), lines(t, envelope, r2),
		[]byte(`{"Records":[1, "x", null, {"foo": "bar"}, {"eventName": 5, "eventSource": {}}]}`),
		[]byte(`{"Records":[`+string(mustJSON(t, r1))+`, {"eventName": "X",, ]}`),
		append(records(t, r1), "garbage"...),
	)
	for _, o := range objs {
		if fast, slow := decodeBoth(t, o, 0); fast != slow {
			t.Errorf("object %.200q:\nfast %s\nslow %s", o, fast, slow)
		}
		// With a principal filter the fast path drops records early.
		if fast, slow := decodeBoth(t, o, 0, "ci-op-", "bo"); fast != slow {
			t.Errorf("filtered, object %.200q:\nfast %s\nslow %s", o, fast, slow)
		}
	}
}

// FuzzWorkerPaths runs arbitrary objects through the worker with and
// without the fast path: the aggregates must agree.
func FuzzWorkerPaths(f *testing.F) {
	f.Add(records(f, rec(nil), rec(map[string]any{"userIdentity": assumedRole("r", "s")})))
	f.Add([]byte(`{"Records":[{"a":"\"\\"}],"x":[1,{"y":"]"}],"Records":[]}`))
	f.Add([]byte(`{"eventName":"a","userIdentity":{"type":"T"},"userIdentity":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if fast, slow := decodeBoth(t, data, 64); fast != slow {
			t.Fatalf("object %q:\nfast %s\nslow %s", data, fast, slow)
		}
		// Early drops may count a malformed dropped record as skipped:
		// the filtered paths must agree on valid JSON.
		if !json.Valid(data) {
			return
		}
		if fast, slow := decodeBoth(t, data, 64, "al"); fast != slow {
			t.Fatalf("filtered, object %q:\nfast %s\nslow %s", data, fast, slow)
		}
	})
}

func TestTimeCacheMatchesParseTime(t *testing.T) {
	var c timeCache
	for _, s := range []string{
		"2026-03-10T00:00:00Z", "2026-03-10T23:59:59Z", "2026-03-10T12:34:60Z", "2026-03-10T24:00:00Z",
		"2026-03-10T1a:00:00Z", "2026-03-11T00:00:01Z", "2026-02-31T10:00:00Z", "2026-02-31T10:00:01Z",
		"2026-03-10T00:00:00.123Z", "2026-03-10T00:00:00+02:00", "", "garbage", "2026-13-10T00:00:00Z",
		"2026-03-10T00:00:00Z", "2026-03-10T00:61:00Z", "2026-03-10T05:06:07Z",
	} {
		got, gok := c.parse(s)
		want, wok := parseTime(s)
		if got != want || gok != wok {
			t.Errorf("%q: cache %d %v, parseTime %d %v", s, got, gok, want, wok)
		}
	}
}

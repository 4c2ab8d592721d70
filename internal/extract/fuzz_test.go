package extract

import (
	"bytes"
	"encoding/json"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"io"
	"testing"
)

// FuzzDecode feeds arbitrary bytes through the whole object decoder: it
// must never panic, never loop, and account for every item.
func FuzzDecode(f *testing.F) {
	f.Add(records(f, rec(nil), rec(map[string]any{"userIdentity": assumedRole("r", "s")})))
	f.Add(gz(f, records(f, rec(nil))))
	f.Add(lines(f, rec(nil), rec(nil)))
	f.Add([]byte(`{"Events":[{"CloudTrailEvent":"{\"eventName\":\"X\",\"eventSource\":\"ec2.amazonaws.com\",\"userIdentity\":{\"type\":\"Root\"}}"}]}`))
	f.Add([]byte(`[{"detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"X","userIdentity":{"type":"Root"}}}]`))
	f.Add([]byte(`{"Records":null}`))
	f.Add([]byte(`{"Records":[{"a":"\"\\"}],"x":[1,{"y":"]"}],"Records":[]}`))
	f.Add([]byte("\xef\xbb\xbf[]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := newRunner(Options{Jobs: 1, MaxRecordBytes: 1 << 16}, nil)
		w := r.newWorker()
		w.sc.maxDepth = 64
		var st events.Stat
		_ = w.decode(bytes.NewReader(data), &st)
		if st.Processed+st.Skipped+st.Invalid != st.Total {
			t.Fatalf("stat does not add up: %+v", st)
		}
	})
}

// FuzzScanner checks the scanner against encoding/json on valid input: a
// top-level array yields exactly its elements, byte for byte compacted.
func FuzzScanner(f *testing.F) {
	f.Add([]byte(`[1, "a", {"b": [2, "]"]}, null, true, -1.5e3]`))
	f.Add([]byte(`{"Records": [{"x": "\"}"}, []]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var want []json.RawMessage
		var top map[string]json.RawMessage
		switch {
		case bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("[")) && json.Unmarshal(data, &want) == nil:
		case json.Unmarshal(data, &top) == nil && bytes.HasPrefix(bytes.TrimSpace(data), []byte(`{"Records"`)):
			if json.Unmarshal(top["Records"], &want) != nil {
				return
			}
		default:
			return
		}
		sc := newScanner(1 << 20)
		sc.reset(slowReader{bytes.NewReader(data)})
		var got []json.RawMessage
		for {
			item, err := sc.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				if isItemErr(err) {
					return // nesting beyond the limit: counted, not returned
				}
				t.Fatalf("valid JSON %q: %v", data, err)
			}
			got = append(got, append(json.RawMessage(nil), item...))
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %d items, want %d", data, len(got), len(want))
		}
		for i := range got {
			var a, b bytes.Buffer
			if json.Compact(&a, got[i]) != nil || json.Compact(&b, want[i]) != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Fatalf("%q: item %d = %q, want %q", data, i, got[i], want[i])
			}
		}
	})
}

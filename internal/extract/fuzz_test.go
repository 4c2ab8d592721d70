package extract

import (
	"bytes"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/extract/ctjson"
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
		w.dec = ctjson.NewDecoder(ctjson.Config{MaxItem: 1 << 16, MaxDepth: 64})
		var st events.Stat
		_ = w.decode(bytes.NewReader(data), &st)
		if st.Processed+st.Skipped+st.Invalid != st.Total {
			t.Fatalf("stat does not add up: %+v", st)
		}
	})
}

package events

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzFileStatusJSON holds the hand-written file_status.json entry to the
// bytes encoding/json writes for it.
func FuzzFileStatusJSON(f *testing.F) {
	f.Add("AWSLogs/1/x.json.gz", "AWS", "success", "", int64(5), int64(4), int64(1), int64(0))
	f.Add("s3://b/k\"\\\x00\u2028\xff", "", "error", "gzip: invalid header <&>", int64(-1), int64(0), int64(1<<62), int64(-1<<63))
	f.Fuzz(func(t *testing.T, file, provider, result, errMsg string, total, processed, skipped, invalid int64) {
		st := FileStatus{File: file, CloudProvider: provider, Result: result, Error: errMsg,
			Stat: Stat{Total: total, Processed: processed, Skipped: skipped, Invalid: invalid}}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("  ", "  ")
		if err := enc.Encode(st); err != nil {
			t.Fatal(err)
		}
		got := st.AppendIndentJSON([]byte("x"), "  ")
		if string(got) != "x"+strings.TrimSuffix(want.String(), "\n") {
			t.Fatalf("got\n%s\nwant\n%s", got[1:], want.String())
		}
	})
}

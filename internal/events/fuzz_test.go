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

// FuzzIdentityJSON holds the hand-written events.json entry to the bytes
// encoding/json writes for it, with every field set or left empty as the
// flags say.
func FuzzIdentityJSON(f *testing.F) {
	f.Add("arn:aws:iam::1:role/a", "ec2:RunInstances", "AccessDenied", int64(3), uint32(0xffffffff))
	f.Add("", "", "", int64(0), uint32(0))
	f.Add("x\"\\\x00\u2028\xff<&>", "s3:GetObject", "", int64(-1<<63), uint32(0x5a5a5a5a))
	f.Fuzz(func(t *testing.T, s1, s2, s3 string, n int64, flags uint32) {
		on := func(bit int) bool { return flags&(1<<bit) != 0 }
		strs := func(bit int, vs ...string) []string {
			if !on(bit) {
				return nil
			}
			if on(bit + 1) {
				return []string{}
			}
			return vs
		}
		pick := func(bit int, v string) string {
			if on(bit) {
				return v
			}
			return ""
		}
		act := &Action{Count: n, FirstSeen: pick(0, s1), LastSeen: pick(1, s2), EventNames: strs(2, s1, s2),
			Unmapped: on(4), Permissionless: on(5), DataEvent: on(6), Resources: strs(7, s3), ResourcesTruncated: on(9)}
		if on(10) {
			act.Errors = map[string]int64{s1: n, s2 + "x": 1, s3 + "y": -n}
		}
		if on(11) {
			act.Denied = []Denial{{ErrorCode: s1, Action: pick(12, s2), Cause: pick(13, s3), Count: n,
				Resources: strs(14, s3, s1), EncodedMessages: strs(16, s2)}, {ErrorCode: s3}}
		}
		id := Identity{Provider: "AWS", Name: s1, Type: pick(18, s2), Types: strs(19, s2, s3),
			Creates: strs(21, s3), CreatedBy: pick(23, s2), ARNs: strs(24, s1), Accounts: strs(2, s2), Regions: strs(4, s3),
			Subjects: strs(6, s1), FirstSeen: pick(26, s2), LastSeen: pick(27, s3),
			SourceIPsApproximate: on(28), UserAgentsApproximate: on(29)}
		if on(30) {
			id.SourceIPs = []Count{{Value: s1, Count: n}, {Value: s2, Count: 1}}
			id.UserAgents = []Count{{Value: s3, Count: -n}}
		}
		switch {
		case on(31) && on(8):
			id.Events = nil
		case on(31):
			id.Events = map[string]*Action{}
		default:
			id.Events = map[string]*Action{s2: act, s2 + "\x01": nil, "z" + s3: {Count: 1}}
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("  ", "  ")
		if err := enc.Encode(&id); err != nil {
			t.Fatal(err)
		}
		got := id.AppendIndentJSON([]byte("x"), "  ")
		if string(got) != "x"+strings.TrimSuffix(want.String(), "\n") {
			t.Fatalf("got\n%s\nwant\n%s", got[1:], want.String())
		}
	})
}

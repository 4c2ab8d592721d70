package extract

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sonicItem decodes item the old way: scanner boundaries, then sonic.
func sonicItem(item []byte) (rawRecord, itemKind, error) {
	var it rawItem
	var rec rawRecord
	kind, err := decodeItem(item, &it, &rec)
	return rec, kind, err
}

// checkFast compares the fast path with sonic on one item. It reports
// whether the fast path took it.
func checkFast(t *testing.T, item []byte) bool {
	t.Helper()
	var fr fastRec
	n, st := fastRecord(item, &fr)
	got := fr.rawRecord
	if st != fastOK {
		return false
	}
	if n != len(item) {
		t.Fatalf("fast path read %d bytes of a %d-byte item %q", n, len(item), item)
	}
	want, kind, err := sonicItem(item)
	if err != nil {
		t.Fatalf("fast path accepted %q, sonic: %v", item, err)
	}
	if kind == kindDigest {
		t.Fatalf("fast path accepted a digest %q", item)
	}
	if got != want {
		t.Fatalf("item %q:\nfast  %+v\nsonic %+v", item, got, want)
	}
	if k := recordKind(&got); k != kind {
		t.Fatalf("item %q: fast kind %d, sonic kind %d", item, k, kind)
	}
	return true
}

// sampleItems returns the items of every object under dir.
func sampleItems(t *testing.T, dir string) [][]byte {
	t.Helper()
	var items [][]byte
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if len(b) > 2 && b[0] == 0x1f && b[1] == 0x8b {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return err
			}
			if b, err = io.ReadAll(zr); err != nil {
				return err
			}
		}
		sc := newScanner(1 << 20)
		sc.reset(bytes.NewReader(b))
		for {
			item, err := sc.next()
			if err != nil {
				break
			}
			items = append(items, bytes.Clone(item))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func TestFastMatchesSonic(t *testing.T) {
	items := sampleItems(t, filepath.Join("..", "..", "testdata", "trails"))
	fast := 0
	for _, item := range items {
		if checkFast(t, item) {
			fast++
		}
	}
	t.Logf("%d of %d sample items on the fast path", fast, len(items))
	if fast < len(items)*9/10 {
		t.Errorf("only %d of %d sample items took the fast path", fast, len(items))
	}
	for _, s := range fastCases {
		checkFast(t, []byte(s))
	}
}

var fastCases = []string{
	`{}`,
	`{"eventName":"a"}`,
	`{"eventName":"a","eventSource":"s","x":[1,-2.5e+3,true,false,null,{"a":[]},"\"]"]}`,
	` {"eventName":"a"}`,
	"{ \"eventName\" : \"a\" ,\n\t\"userIdentity\" : { \"type\" : \"Root\" } }",
	`{"EVENTNAME":"up","eventName":"low"}`,
	`{"eventName":"low","EVENTNAME":"up"}`,
	`{"eventName":"a","userIdentity":{"type":"T"},"userIdentity":{"userName":"u"}}`,
	`{"eventName":"a","userIdentity":{"type":"T"},"userIdentity":null}`,
	`{"eventName":"a","eventName":null}`,
	`{"eventName":"a","requestParameters":{"RoleName":"r","roleArn":"arn:aws:iam::1:role/x","other":{"userName":"no"}}}`,
	`{"eventName":"a","userIdentity":{"Type":"IAMUser","USERNAME":"bob","sessionContext":{"SessionIssuer":{"userName":"r","Arn":"x"}}}}`,
	`{"eventName":"a","x":"\q\u00zz","eventSource":"s"}`,
	"{\"eventName\":\"a\x01\xff\",\"eventSource\":\"s\"}",
	`{"eventName":"a","x":01}`,
	`{"eventName":"a","x":1.}`,
	`{"eventName":"a","x":tru}`,
	`{"eventName":"a","x":[1,2,]}`,
	`{"eventName":"a",}`,
	`{"eventName":"a","x":{"a":1,}}`,
	`{"eventName":5,"eventSource":"s"}`,
	`{"eventName":"a","userIdentity":5}`,
	`{"eventName":"a\"b"}`,
	`{"event\u004eame":"esc"}`,
	`{"eventName":"a","detail":{"eventName":"b"}}`,
	`{"digestStartTime":"x"}`,
	`{"eventName":"a","x":[}`,
	`{"eventName":"a","x":{]}`,
	`{"eventName":"a","ınvokedBy":"x"}`,
	`{"eventName":"a\"b\\c\/d\b\f\n\r\te","eventSource":"s"}`,
	`{"eventName":"\u00e9\u4e2d\ud83d\ude00x","errorMessage":"on resource: \"arn:aws:s3:::b\""}`,
	`{"eventName":"\ud800","eventSource":"s"}`,
	`{"eventName":"\ude00\ud800","eventSource":"s"}`,
	`{"eventName":"\ud800\u0041","eventSource":"s"}`,
	`{"eventName":"\q","eventSource":"s"}`,
	`{"eventName":"\u00zz","eventSource":"s"}`,
	"{\"eventName\":\"\\n\x01\xff\",\"eventSource\":\"s\"}",
}

// TestFastSkippedNames guards the names member skips without a case
// check: none may fold to a kept name.
func TestFastSkippedNames(t *testing.T) {
	skipped := map[objKind][]string{
		objTop: {"eventVersion", "eventID", "requestID", "readOnly", "managementEvent",
			"responseElements", "tlsDetails", "resources", "additionalEventData",
			"sharedEventID", "vpcEndpointId", "vpcEndpointAccountId", "serviceEventDetails",
			"apiVersion", "sessionCredentialFromConsole", "edgeDeviceDetails", "insightDetails"},
		objUser:    {"accessKeyId", "identityProvider", "onBehalfOf", "credentialId", "inScopeOf"},
		objSession: {"attributes", "webIdFederationData", "ec2RoleDelivery", "sourceIdentity", "assumedRoot"},
		objIssuer:  {"principalId", "accountId"},
	}
	for kind, names := range skipped {
		for _, n := range names {
			for _, k := range keptNames[kind] {
				if strings.EqualFold(n, k) {
					t.Errorf("%q is skipped but folds to kept %q", n, k)
				}
			}
		}
	}
}

// decodeBoth runs one object through a worker with the fast path and
// through one without it, and returns what each saw.
func decodeBoth(t testing.TB, data []byte, maxDepth int) (fast, slow string) {
	run := func(useFast bool) string {
		opts := Options{EventsPaths: []string{"-"}, Output: "-", MaxRecordBytes: 1 << 16}
		if err := opts.Validate(); err != nil {
			t.Fatal(err)
		}
		w := newRunner(opts, nil).newWorker()
		if maxDepth > 0 {
			w.sc.maxDepth = maxDepth
		}
		if !useFast {
			w.sc.fast = nil
		}
		var st events.Stat
		err := w.decode(bytes.NewReader(data), &st)
		ids, jerr := json.Marshal(w.agg.identities(func(string) bool { return true }))
		if jerr != nil {
			t.Fatal(jerr)
		}
		return fmt.Sprintf("%+v err=%v service=%d lineage=%v\n%s", st, err, w.agg.service, len(w.agg.lineage), ids)
	}
	return run(true), run(false)
}

// TestFastObjectsMatchSlow runs every object of the sample trails and
// the input shapes of the other tests through both paths.
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
	for _, s := range fastCases {
		objs = append(objs, []byte(`{"Records":[`+s+`]}`), []byte(s+"\n"+s))
	}
	for _, o := range objs {
		if fast, slow := decodeBoth(t, o, 0); fast != slow {
			t.Errorf("object %.200q:\nfast %s\nslow %s", o, fast, slow)
		}
	}
}

// FuzzFastMatchesSonic compares the fast path with sonic on arbitrary
// items (when the fast path takes one, sonic must agree) and whole objects
// through the worker with and without the fast path.
func FuzzFastMatchesSonic(f *testing.F) {
	for _, s := range fastCases {
		f.Add([]byte(s))
	}
	f.Add(records(f, rec(nil), rec(map[string]any{"userIdentity": assumedRole("r", "s")})))
	f.Add([]byte(`{"Records":[{"a":"\"\\"}],"x":[1,{"y":"]"}],"Records":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fr fastRec
		if n, st := fastRecord(data, &fr); st == fastOK {
			checkFast(t, data[:n])
		}
		if fast, slow := decodeBoth(t, data, 64); fast != slow {
			t.Fatalf("object %q:\nfast %s\nslow %s", data, fast, slow)
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

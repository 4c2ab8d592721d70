package ctjson

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// trails holds the sample trails of the repository.
var trails = filepath.Join("..", "..", "..", "testdata", "trails")

// slowReader returns one byte per Read, to exercise buffer refills.
type slowReader struct{ r io.Reader }

func (s slowReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return s.r.Read(p)
}

// record is a CloudTrail record with pad inside requestParameters.
func record(pad string) string {
	return fmt.Sprintf(`{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE",`+
		`"arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012","userName":"alice"},`+
		`"eventTime":"2024-09-20T02:45:12Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances",`+
		`"awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-sdk-go/1.0",`+
		`"requestParameters":{"pad":%q},"responseElements":null,"eventType":"AwsApiCall",`+
		`"recipientAccountId":"123456789012","eventCategory":"Management"}`, pad)
}

// sonicItem decodes item the old way: scanner boundaries, then sonic.
func sonicItem(item []byte) (Record, Kind, error) {
	var it rawItem
	var rec Record
	kind, err := decodeItem(item, &it, &rec)
	return rec, kind, err
}

// checkFast compares the fast path with sonic on one item. It reports
// whether the fast path took it.
func checkFast(t *testing.T, item []byte) bool {
	t.Helper()
	var fr fastRec
	n, st := fastRecord(item, &fr)
	got := fr.Record
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
	if kind == KindDigest {
		t.Fatalf("fast path accepted a digest %q", item)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("item %q:\nfast  %+v\nsonic %+v", item, got, want)
	}
	if k := recordKind(&got); k != kind {
		t.Fatalf("item %q: fast kind %d, sonic kind %d", item, k, kind)
	}
	return true
}

// sampleObjects returns every object under dir, gunzipped.
func sampleObjects(t *testing.T, dir string) [][]byte {
	t.Helper()
	var objs [][]byte
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
		objs = append(objs, b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// sampleItems returns the items of every object under dir.
func sampleItems(t *testing.T, dir string) [][]byte {
	t.Helper()
	var items [][]byte
	for _, b := range sampleObjects(t, dir) {
		sc := newScanner(1 << 20)
		sc.reset(bytes.NewReader(b))
		for {
			item, err := sc.next()
			if err != nil {
				break
			}
			items = append(items, bytes.Clone(item))
		}
	}
	return items
}

func TestFastMatchesSonic(t *testing.T) {
	items := sampleItems(t, trails)
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
	`{"eventSource":"s3.amazonaws.com","eventCategory":"Data","requestParameters":{"bucketName":"b-1","key":"k","BucketName":"B"}}`,
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
	`{"eventName":"a","resources":[{"ARN":"arn:aws:s3:::b/k","type":"AWS::S3::Object"}],"additionalEventData":{"AuthenticationMethod":"QueryString"}}`,
	`{"eventName":"a","resources":null,"additionalEventData":{ "x" : [1, "}"] }}`,
	`{"eventName":"a","Resources":[],"ADDITIONALEVENTDATA":"s"}`,
	`{"eventName":"a","resources":5,"resources":[{"ARN":"x"}]}`,
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
	`{"eventName":"a","resources":[{"accountId":"1","type":"AWS::S3::Object","ARN":"arn:aws:s3:::b/k"},{"ARN":"arn:aws:s3:::b"}]}`,
	`{"eventName":"a","resources":[]}`,
	`{"eventName":"a","resources":null}`,
	`{"eventName":"a","resources":[null,{"ARN":""},{},{"ARN":null},{"arn":"folded"},{"ARN":"x","ARN":"y"}]}`,
	`{"eventName":"a","Resources":[{"ARN":"a\/b"}]}`,
	`{"eventName":"a","resources":[{"ARN":"a"}],"resources":[{"ARN":"b"}]}`,
	`{"eventName":"a","resources":[{"ARN":5}]}`,
	`{"eventName":"a","resources":[5]}`,
	`{"eventName":"a","resources":{"ARN":"x"}}`,
	`{"eventName":"a","resources":[{"ARN":"a"},]}`,
	`{"eventName":"a","resources":[{"ARN":"a"} {"ARN":"b"}]}`,
	`{"eventName":"a","resources":[{"ARN":"a","other":{"ARN":"no"}}]}`,
}

// TestFastSkippedNames guards the names member skips without a case
// check: none may fold to a kept name.
func TestFastSkippedNames(t *testing.T) {
	skipped := map[objKind][]string{
		objTop: {"eventVersion", "requestID", "readOnly", "managementEvent",
			"responseElements", "tlsDetails",
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

// decodeAll reads data through a Decoder and describes every item and the
// final error.
func decodeAll(data []byte, c Config) string {
	d := NewDecoder(c)
	d.Reset(bytes.NewReader(data))
	var b strings.Builder
	for {
		it, err := d.Next()
		if err != nil {
			fmt.Fprintf(&b, "err=%v\n", err)
			return b.String()
		}
		fmt.Fprintf(&b, "kind=%d in=%v", it.Kind, it.InContainer)
		if it.Record != nil {
			fmt.Fprintf(&b, " %+v", *it.Record)
		}
		b.WriteByte('\n')
	}
}

// pathsAgree decodes data on the fast and the slow path and fails when
// they differ in any item, kind or error.
func pathsAgree(t testing.TB, data []byte, maxDepth int) {
	t.Helper()
	fast := decodeAll(data, Config{MaxItem: 1 << 16, MaxDepth: maxDepth})
	slow := decodeAll(data, Config{MaxItem: 1 << 16, MaxDepth: maxDepth, SlowPath: true})
	if fast != slow {
		t.Fatalf("object %.200q:\nfast %s\nslow %s", data, fast, slow)
	}
}

// TestDecoderPathsAgree runs every object of the sample trails and the
// input shapes below through both paths of the Decoder.
func TestDecoderPathsAgree(t *testing.T) {
	objs := sampleObjects(t, trails)
	r1 := record("")
	ctEvent, err := json.Marshal(map[string]any{"EventId": "x", "CloudTrailEvent": r1})
	if err != nil {
		t.Fatal(err)
	}
	objs = append(objs,
		[]byte(`{"Records":[`+r1+`,`+r1+`]}`), []byte(`[`+r1+`,`+r1+`]`), []byte(r1+"\n"+r1+"\n"),
		[]byte(`{"Events":[`+string(ctEvent)+`]}`),
		[]byte(`{"detail-type":"AWS API Call via CloudTrail","detail":`+r1+`}`+"\n"+r1),
		[]byte(`{"Records":[1, "x", null, {"foo": "bar"}, {"eventName": 5, "eventSource": {}}]}`),
		[]byte(`{"Records":[`+r1+`, {"eventName": "X",, ]}`),
		[]byte(`{"Records":[`+r1+`]}garbage`),
	)
	for _, s := range fastCases {
		objs = append(objs, []byte(`{"Records":[`+s+`]}`), []byte(s+"\n"+s))
	}
	for _, o := range objs {
		pathsAgree(t, o, 0)
	}
}

// FuzzFastMatchesSonic compares the fast path with sonic on arbitrary
// items (when the fast path takes one, sonic must agree) and whole objects
// through the Decoder with and without the fast path.
func FuzzFastMatchesSonic(f *testing.F) {
	for _, s := range fastCases {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"Records":[` + record("x") + `,` + record(`"\`) + `]}`))
	f.Add([]byte(`{"Records":[{"a":"\"\\"}],"x":[1,{"y":"]"}],"Records":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fr fastRec
		if n, st := fastRecord(data, &fr); st == fastOK {
			checkFast(t, data[:n])
		}
		pathsAgree(t, data, 64)
	})
}

// The scanner must give the same items however the input is chunked.
func TestScannerChunking(t *testing.T) {
	var rs []string
	for i := range 50 {
		rs = append(rs, record(strings.Repeat("x\\\"y", i*40)))
	}
	data := []byte(`{"Records":[` + strings.Join(rs, ",") + `]}`)
	for _, max := range []int{1 << 20, 100} {
		sc := newScanner(max)
		sc.reset(slowReader{bytes.NewReader(data)})
		var n, tooLarge int
		for {
			_, err := sc.next()
			if err != nil {
				if isItemErr(err) {
					tooLarge++
					continue
				}
				if err != io.EOF {
					t.Fatalf("next: %v", err)
				}
				break
			}
			n++
		}
		if n+tooLarge != 50 {
			t.Errorf("max %d: %d items + %d too large, want 50 in all", max, n, tooLarge)
		}
		if max == 100 && tooLarge != 50 {
			t.Errorf("max 100: %d too large, want 50", tooLarge)
		}
	}
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

// dropTest drops records whose userIdentity.arn has an even length and
// decodes CreateUser calls in full again.
var dropTest = Config{MaxItem: 1 << 16, MaxDepth: 64,
	Drop:   func(r *Record) bool { return r.UserIdentity.Type != "" && len(r.UserIdentity.ARN)%2 == 0 },
	Undrop: func(r *Record) bool { return r.EventName == "CreateUser" }}

// dropAgrees decodes data with dropTest and on the slow path: on valid
// JSON every item must agree, a dropped one with its requestParameters
// left out (the only part Drop allows to go undecoded).
func dropAgrees(t testing.TB, data []byte) {
	t.Helper()
	type item struct {
		s       string
		dropped bool
	}
	all := func(c Config) []item {
		d := NewDecoder(c)
		d.Reset(bytes.NewReader(data))
		var out []item
		for {
			it, err := d.Next()
			if err != nil {
				return append(out, item{s: fmt.Sprintf("err=%v", err)})
			}
			s := fmt.Sprintf("kind=%d in=%v", it.Kind, it.InContainer)
			if it.Record != nil {
				r := *it.Record
				// requestParameters and resources of a dropped record are
				// never read: no dropped record reaches the aggregate
				// (lineage is undropped).
				r.RequestParameters = Record{}.RequestParameters
				r.Resources = nil
				s += fmt.Sprintf(" %+v", r)
			}
			out = append(out, item{s, it.Dropped})
		}
	}
	c := dropTest
	c.SlowPath = true
	full := all(c)
	dropped := all(dropTest)
	valid := json.Valid(data)
	for i := range min(len(full), len(dropped)) {
		if full[i].s == dropped[i].s {
			continue
		}
		if !valid && dropped[i].dropped {
			return // malformed inside a dropped record: documented leniency
		}
		t.Fatalf("object %.300q item %d:\ndropped %s\nfull    %s", data, i, dropped[i].s, full[i].s)
	}
	if len(full) != len(dropped) {
		t.Fatalf("object %.300q: %d items dropping, %d in full", data, len(dropped), len(full))
	}
}

// TestDropMatchesFull runs the sample trails and the fast-path cases
// through dropAgrees, and checks that records are dropped at all.
func TestDropMatchesFull(t *testing.T) {
	objs := sampleObjects(t, trails)
	long := strings.Replace(record(`{"x":["}"]}\"`), `"responseElements":null`, `"responseElements":{"a":[{"b":"]}"},[]],"c":{}}`, 1)
	objs = append(objs, []byte(`{"Records":[`+long+`,`+record("")+`]}`),
		[]byte(strings.Replace(long, `"eventName":"DescribeInstances"`, `"eventName":"CreateUser"`, 1)))
	for _, s := range fastCases {
		objs = append(objs, []byte(`{"Records":[`+s+`]}`))
	}
	for _, o := range objs {
		dropAgrees(t, o)
	}
	d := NewDecoder(dropTest)
	d.Reset(strings.NewReader(long))
	it, err := d.Next()
	if err != nil || !it.Dropped || it.Record.EventName != "DescribeInstances" || it.Record.RecipientAccountID != "123456789012" {
		t.Errorf("record with an even-length ARN: dropped %v, %+v, %v", it.Dropped, it.Record, err)
	}
}

// FuzzDropMatchesFull is dropAgrees on arbitrary input.
func FuzzDropMatchesFull(f *testing.F) {
	f.Add([]byte(`{"Records":[` + record(`{"a":"}"}`) + `]}`))
	f.Add([]byte(`{"userIdentity":{"type":"T","arn":"ab"},"eventName":"x","resources":[{"a":"\"]"}],"eventSource":"s"}`))
	f.Fuzz(func(t *testing.T, data []byte) { dropAgrees(t, data) })
}

package ctjson

import (
	"encoding/json"
	"reflect"
	"testing"
)

// jsonARNs is ResourceARNs as encoding/json reads it.
func jsonARNs(r RawJSON) []string {
	var rs []struct {
		ARN string `json:"ARN"`
	}
	if r == "" || json.Unmarshal([]byte(r), &rs) != nil {
		return nil
	}
	var out []string
	for _, x := range rs {
		if x.ARN != "" {
			out = append(out, x.ARN)
		}
	}
	return out
}

func collectARNs(r RawJSON) []string {
	var out []string
	ResourceARNs(r, func(a string) { out = append(out, a) })
	return out
}

var arnCases = []string{
	``,
	`[]`,
	`[{"ARN":"arn:aws:s3:::b/k","type":"AWS::S3::Object"},{"accountId":"1","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::b"}]`,
	` [ { "type" : "x" , "ARN" : "a" } ] `,
	`[{"type":"ARN","ARN":"real"}]`,
	`[{"ARN":""},{"ARN":"b"}]`,
	`[{"arn":"folded"}]`,
	`[{"ARN":"a","ARN":"b"}]`,
	`[{"ARN":"esc\u0041ped"}]`,
	`[{"ARN":1}]`,
	`{"ARN":"not an array"}`,
	`[{"ARN":"a"}`,
	`[{}]`,
	`[{"ARN":"a"}] x`,
}

func TestResourceARNs(t *testing.T) {
	for _, c := range arnCases {
		t.Run(c, func(t *testing.T) {
			if got, want := collectARNs(RawJSON(c)), jsonARNs(RawJSON(c)); !reflect.DeepEqual(got, want) {
				t.Errorf("got %q, want %q (encoding/json)", got, want)
			}
		})
	}
	if got := collectARNs(RawJSON(arnCases[2])); !reflect.DeepEqual(got, []string{"arn:aws:s3:::b/k", "arn:aws:s3:::b"}) {
		t.Errorf("got %q", got)
	}
}

func TestAuthenticationMethod(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{``, ""},
		{`{"SignatureVersion":"SigV4","AuthenticationMethod":"QueryString"}`, "QueryString"},
		{`{"AuthenticationMethod":5}`, ""},
		{`"text"`, ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := AuthenticationMethod(RawJSON(tc.in)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// FuzzResourceARNs holds the allocation-free scan to encoding/json.
func FuzzResourceARNs(f *testing.F) {
	for _, c := range arnCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := collectARNs(RawJSON(s)), jsonARNs(RawJSON(s)); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %q, want %q (encoding/json)", s, got, want)
		}
	})
}

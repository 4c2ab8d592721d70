package policyfile

import (
	"testing"
)

// FuzzParseShorthand: no input panics, and an entry that parses and checks
// has a name.
func FuzzParseShorthand(f *testing.F) {
	f.Add("ContextKeyName=aws:TagKeys,ContextKeyValues=[a,b],ContextKeyType=stringList")
	f.Add(`ContextKeyName=k,ContextKeyValues="x,y"`)
	f.Add("ContextKeyName=k,ContextKeyValues=")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseShorthand(s)
		if err != nil {
			return
		}
		if e.Check() == nil && e.Name == "" {
			t.Fatalf("%q: checked entry without a name", s)
		}
	})
}

// FuzzUnwrapDocument: no input panics.
func FuzzUnwrapDocument(f *testing.F) {
	f.Add([]byte(`{"PolicyVersion":{"Document":"%7B%22Statement%22%3A%5B%5D%7D"}}`))
	f.Add([]byte(`{"Policy":{"PolicySummary":{"Name":"n"},"Content":"{}"}}`))
	f.Add([]byte(`{"PolicyName":"p","PolicyDocument":{"Statement":[]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, _, _, _ = UnwrapDocument(data)
	})
}

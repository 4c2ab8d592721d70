package authz

import (
	"encoding/json"
	"testing"
)

// FuzzParseMessage: any text parses without panic, and a Result built from
// it encodes as JSON.
func FuzzParseMessage(f *testing.F) {
	for _, s := range []string{
		"User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:1:instance/* because no identity-based policy allows the ec2:RunInstances action",
		"User: arn:aws:iam::1:user/u is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::b/k\" with an explicit deny in a permissions boundary",
		"You are not authorized to perform this operation. Encoded authorization failure message: abc...",
		"You are not authorized to perform this operation.",
		"Not authorized to perform sts:AssumeRoleWithWebIdentity",
		"An error occurred (AccessDenied) when calling the X operation: User: ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := ParseMessage(s)
		_ = m.Decision()
		if _, err := json.Marshal(m.result(SourceMessage)); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzParse: any input either fails with an error or gives a Result with a
// decision.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[{"statementId":"","effect":"DENY","principals":{"items":[{"value":"SCOPE_POLICY_ISSUER"}]},"actions":{"items":[{"value":"ec2:RunInstances"}]},"resources":{"items":[{"value":"*"}]},"conditions":{"items":[]}}]},"failures":{"items":[]},"context":{"principal":{"id":"AROA:s","arn":"arn:aws:sts::1:assumed-role/r/s"},"action":"ec2:RunInstances","resource":"*","conditions":{"items":[{"key":"k","values":{"items":[{"value":"v"}]}}]}}}`,
		`{"DecodedMessage":"{\"allowed\":false,\"explicitDeny\":false}"}`,
		`{"errorCode":"AccessDenied","errorMessage":"User: x is not authorized to perform: s3:GetObject"}`,
		`{"allowed":fal`,
		"plain text",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Parse(b)
		if err != nil {
			return
		}
		if r.Decision == "" {
			t.Fatalf("no decision for %q", b)
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzParseDecoded: a decoded message (or its DecodedMessage wrapper)
// parses or fails without panic, and classifies to a decision.
func FuzzParseDecoded(f *testing.F) {
	f.Add([]byte(`{"DecodedMessage":"{\"allowed\":false,\"explicitDeny\":true,\"matchedStatements\":{\"items\":[{\"effect\":\"DENY\",\"principals\":{\"items\":[{\"value\":\"SCOPE_POLICY_ISSUER\"}]}}]}}"}`))
	f.Add([]byte(`{"allowed":false,"explicitDeny":false,"context":{"action":"RunInstances","resource":"arn:aws:ec2:r:1:instance/*"}}`))
	f.Add([]byte(`{"matchedStatements":{"items":[{"effect":"ALLOW"}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ParseDecoded(b)
		if err != nil {
			return
		}
		if r := d.explain(); r.Decision == "" {
			t.Fatal("no decision")
		}
	})
}

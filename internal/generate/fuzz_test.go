package generate

import (
	"testing"
)

// FuzzParseCompiled feeds compiled_users.json readers arbitrary bytes:
// errors, never panics, and every user read has a target other than
// ambiguous.
func FuzzParseCompiled(f *testing.F) {
	f.Add([]byte(`{"users":{"u":{"target":"credentials-request","credRequestRef":"a.yaml","required":["ec2:RunInstances"],"diff":{"unsupportedCheck":["iam:PassRole"],"unsupportedCheckReasons":{"iam:PassRole":"r"}}},"unknown":["x"],"notFound":["x"],"ambiguous":[]}}`))
	f.Add([]byte(`{"users":{"a":{"target":"ambiguous"}}}`))
	f.Add([]byte(`{"users":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCompiled(data)
		if err != nil {
			return
		}
		for name, u := range c.Users {
			if u == nil || u.Target == "ambiguous" {
				t.Fatalf("user %q: %+v", name, u)
			}
		}
	})
}

// FuzzParseRequestsJSON reads credentials_requests.json as compare writes
// it and renders each request with its own entries: errors, never
// panics.
func FuzzParseRequestsJSON(f *testing.F) {
	f.Add([]byte(`{"a.yaml":{"apiVersion":"cloudcredential.openshift.io/v1","kind":"CredentialsRequest","metadata":{"name":"n","namespace":"ns"},"spec":{"providerSpec":{"kind":"AWSProviderSpec","statementEntries":[{"effect":"Allow","action":["ec2:Describe*"],"resource":"*","policyCondition":{"Bool":{"k":true}}}]},"secretRef":{"name":"s","namespace":"ns"}}}}`))
	f.Add([]byte(`{"a":{"kind":"CredentialsRequest","spec":{"providerSpec":{"kind":"GCPProviderSpec"}}}}`))
	f.Add([]byte(`{"a":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		reqs, err := ParseRequestsJSON(data)
		if err != nil {
			return
		}
		for ref, r := range reqs {
			if r.Ref != ref {
				t.Fatalf("ref %q read as %q", ref, r.Ref)
			}
			g := Build(true, Input{Identity: "u", Required: []string{"ec2:RunInstances"}, Statements: r.Policy.Views(), Ref: ref})
			if _, err := RenderRequest(r.Manifest, g.Entries, headComment(g)); err != nil {
				t.Fatalf("rendering %s: %v", ref, err)
			}
		}
	})
}

package credreq

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds manifests to Parse: it must never panic, every request
// it returns must be JSON-encodable for credentials_requests.json, and
// every problem must name the file.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(realDir, "*.yaml"))
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("kind: List\nitems:\n- kind: CredentialsRequest\n  metadata: {name: a}\n  spec: {providerSpec: {kind: AWSProviderSpec}}\n"))
	f.Add([]byte("a: &a [x, *a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		reqs, _, problems := Parse("f.yaml", data)
		for _, r := range reqs {
			if _, err := json.Marshal(r.Manifest); err != nil {
				t.Fatalf("manifest not encodable: %v", err)
			}
			if r.Policy == nil {
				t.Fatal("request without a policy returned")
			}
		}
		for _, p := range problems {
			if p.File != "f.yaml" {
				t.Fatalf("problem names %q", p.File)
			}
		}
	})
}

func FuzzParsePolicy(f *testing.F) {
	if data, err := os.ReadFile("../../testdata/installer/aws-permissions-policy-creds.derived-minimal-mint.json"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("{}"))
	f.Add([]byte(`{"Statement": {"Effect": "Deny", "NotAction": "iam:*"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParsePolicy("p.json", data)
		if err == nil && d == nil {
			t.Fatal("nil document without error")
		}
	})
}

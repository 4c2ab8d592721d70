package explain

import (
	"net/url"
	"strings"
	"testing"
)

func TestTrustPolicyReader(t *testing.T) {
	const host = "mycluster-oidc.s3.us-east-1.amazonaws.com"
	const doc = `{"Version":"2012-10-17","Statement":[{"Sid":"Web","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/` + host + `"},"Action":["sts:AssumeRoleWithWebIdentity"],"Condition":{"StringEquals":{"` + host + `:sub":["system:serviceaccount:ns:a","system:serviceaccount:ns:b"],"` + host + `:aud":"openshift"}}}]}`
	tests := []struct {
		name, in, sub string
		aud           []string
		ok            bool
		want          string
	}{
		{"admitted", doc, "system:serviceaccount:ns:b", []string{"openshift"}, true, "statement Web of f admits sub system:serviceaccount:ns:b"},
		{"wrong sub", doc, "system:serviceaccount:ns:c", []string{"openshift"}, false, "statement Web admits sub system:serviceaccount:ns:a, system:serviceaccount:ns:b"},
		{"wrong aud", doc, "system:serviceaccount:ns:a", []string{"sts.amazonaws.com"}, false, "admits aud openshift, the token has sts.amazonaws.com"},
		{"url-encoded get-role", `{"Role":{"AssumeRolePolicyDocument":"` + url.QueryEscape(doc) + `"}}`, "system:serviceaccount:ns:a", []string{"openshift"}, true, "admits sub"},
		{"other issuer", strings.ReplaceAll(doc, "oidc-provider/"+host, "oidc-provider/other.example.com"), "system:serviceaccount:ns:a", []string{"openshift"}, false, "trusts arn:aws:iam::1:oidc-provider/other.example.com, not this issuer"},
		{"no sub condition", `{"Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/` + host + `"},"Action":"sts:*"}}`, "system:serviceaccount:x:y", nil, true, "admits any sub"},
		{"other operator", strings.Replace(doc, `"StringEquals"`, `"ForAnyValue:StringLike"`, 1), "system:serviceaccount:ns:z", nil, true, "not read by the temporary trust-policy reader: condition ForAnyValue:StringLike"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := parseTrustPolicy("f", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			ok, detail := r.Admits("https://"+host, tt.sub, tt.aud)
			if ok != tt.ok || !strings.Contains(detail, tt.want) {
				t.Errorf("Admits = %v, %q; want %v, %q", ok, detail, tt.ok, tt.want)
			}
		})
	}
	for _, bad := range []string{`nope`, `{}`, `{"Statement":3}`} {
		if _, err := parseTrustPolicy("f", []byte(bad)); err == nil {
			t.Errorf("parseTrustPolicy(%s) succeeded", bad)
		}
	}
}

// denyAll is a SubjectPolicy that admits nothing.
type denyAll struct{}

func (denyAll) Admits(_, sub string, _ []string) (bool, string) {
	return false, "denyAll refuses " + sub
}

// TestSubjectPolicyHook: Options.SubjectPolicy decides the subject check.
func TestSubjectPolicyHook(t *testing.T) {
	tok := signed(t, keyA(t), "kid-a", nil)
	stdout, _, err := run(t, Options{Token: Stdin, Stdin: strings.NewReader(tok), Now: now, SubjectPolicy: denyAll{}})
	if err != nil {
		t.Fatal(err)
	}
	if !hasRow(stdout, "subject", "FAILED", "denyAll", "refuses", "system:serviceaccount:openshift-machine-api:machine-api-controllers") {
		t.Errorf("the hook was not asked:\n%s", stdout)
	}
}

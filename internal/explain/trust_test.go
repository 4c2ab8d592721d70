package explain

import (
	"net/url"
	"strings"
	"testing"
)

// TestTrustPolicy: the trust policy is decided by the IAM evaluator,
// Deny statements and every condition operator included.
func TestTrustPolicy(t *testing.T) {
	const host = "mycluster-oidc.s3.us-east-1.amazonaws.com"
	const doc = `{"Version":"2012-10-17","Statement":[{"Sid":"Web","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/` + host + `"},"Action":["sts:AssumeRoleWithWebIdentity"],"Condition":{"StringEquals":{"` + host + `:sub":["system:serviceaccount:ns:a","system:serviceaccount:ns:b"],"` + host + `:aud":"openshift"}}}]}`
	deny := strings.Replace(doc, `]}`, `,{"Sid":"NotB","Effect":"Deny","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/`+host+`"},"Action":"sts:*","Condition":{"StringEquals":{"`+host+`:sub":"system:serviceaccount:ns:b"}}}]}`, 1)
	tests := []struct {
		name, in, sub string
		aud           []string
		ok            bool
		want          string
	}{
		{"admitted", doc, "system:serviceaccount:ns:b", []string{"openshift"}, true, "statement Web of f admits sub system:serviceaccount:ns:b (allowed)"},
		{"wrong sub", doc, "system:serviceaccount:ns:c", []string{"openshift"}, false, "(implicitDeny): statement Web admits only StringEquals " + host + ":aud openshift; StringEquals " + host + ":sub system:serviceaccount:ns:a, system:serviceaccount:ns:b"},
		{"wrong aud", doc, "system:serviceaccount:ns:a", []string{"sts.amazonaws.com"}, false, "aud sts.amazonaws.com (implicitDeny)"},
		{"no aud", doc, "system:serviceaccount:ns:a", nil, false, "(implicitDeny)"},
		{"url-encoded get-role", `{"Role":{"Arn":"arn:aws:iam::1:role/r","AssumeRolePolicyDocument":"` + url.QueryEscape(doc) + `"}}`, "system:serviceaccount:ns:a", []string{"openshift"}, true, "admits sub"},
		{"other account", `{"Role":{"Arn":"arn:aws:iam::2:role/r","AssumeRolePolicyDocument":` + doc + `}}`, "system:serviceaccount:ns:a", []string{"openshift"}, false, "trusts arn:aws:iam::1:oidc-provider/" + host + ", not arn:aws:iam::2:oidc-provider/" + host},
		{"other issuer", strings.ReplaceAll(doc, "oidc-provider/"+host, "oidc-provider/other.example.com"), "system:serviceaccount:ns:a", []string{"openshift"}, false, "trusts arn:aws:iam::1:oidc-provider/other.example.com, not"},
		{"no conditions", `{"Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/` + host + `"},"Action":"sts:*"}}`, "system:serviceaccount:x:y", nil, true, "admits sub"},
		{"pattern", strings.Replace(strings.Replace(doc, `"StringEquals"`, `"StringLike"`, 1), "ns:a", "ns:*", 1), "system:serviceaccount:ns:z", []string{"openshift"}, true, "admits sub system:serviceaccount:ns:z"},
		{"explicit deny", deny, "system:serviceaccount:ns:b", []string{"openshift"}, false, "statement NotB of f denies sub system:serviceaccount:ns:b (explicitDeny)"},
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
	for _, bad := range []string{`nope`, `{}`, `{"Statement":3}`, `{"Role":{"RoleName":"r"}}`} {
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

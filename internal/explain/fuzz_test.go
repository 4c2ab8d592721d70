package explain

import "testing"

// FuzzTrustPolicy: a trust policy (document or get-role output) parses or fails
// without panic, and a parsed policy answers.
func FuzzTrustPolicy(f *testing.F) {
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/h"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"h:sub":"system:serviceaccount:a:b"}}}]}`))
	f.Add([]byte(`{"Role":{"AssumeRolePolicyDocument":"%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%7D%7D"}}`))
	f.Add([]byte(`{"Statement":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseTrustPolicy("f", b)
		if err != nil {
			return
		}
		r.Admits("https://h", "system:serviceaccount:a:b", []string{"openshift"})
	})
}

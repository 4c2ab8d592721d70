package oidc

import (
	"strings"
	"testing"
	"time"
)

// FuzzParseToken: any text parses or fails without panic; a parsed token
// can be checked, and no check quotes the token.
func FuzzParseToken(f *testing.F) {
	f.Add("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJpc3MiOiJodHRwczovL3giLCJhdWQiOlsib3BlbnNoaWZ0Il0sImV4cCI6MX0.c2ln")
	f.Add("a.b.c")
	f.Add("eyJ9.e30.AA")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := ParseToken(s)
		if err != nil {
			return
		}
		prov := &Provider{URL: "x", ClientIDList: []string{"openshift"}}
		for _, c := range CheckToken(tok, Inputs{Provider: prov, Now: time.Unix(0, 0)}) {
			if len(s) > 16 && strings.Contains(c.Detail, strings.TrimSpace(s)) {
				t.Fatalf("check %s quotes the token", c.Name)
			}
		}
	})
}

// FuzzParseJWKS: no panic; a parsed set has a key.
func FuzzParseJWKS(f *testing.F) {
	f.Add([]byte(`{"keys":[{"kty":"RSA","kid":"a","use":"sig","n":"AQAB","e":"AQAB"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"EC"}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ks, err := ParseJWKS(b)
		if err == nil && len(ks.Keys) == 0 {
			t.Fatal("no error and no key")
		}
	})
}

// FuzzParseProvider: no panic; a parsed provider has a URL.
func FuzzParseProvider(f *testing.F) {
	f.Add([]byte(`{"Url":"x.s3.us-east-1.amazonaws.com","ClientIDList":["openshift"],"ThumbprintList":[]}`))
	f.Add([]byte(`{"Url":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseProvider(b)
		if err == nil && (p.URL == "" || p.Issuer() == "") {
			t.Fatal("no error and no URL")
		}
	})
}

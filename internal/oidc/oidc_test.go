package oidc

import (
	"context"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/oidc/oidctest"
)

const issuer = "https://mycluster-oidc.s3.us-east-1.amazonaws.com"

var now = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func loadKey(t *testing.T, name string) *rsa.PrivateKey {
	t.Helper()
	k, err := oidctest.LoadKey("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func claims() map[string]any {
	return map[string]any{
		"iss": issuer, "sub": "system:serviceaccount:openshift-machine-api:machine-api-controllers",
		"aud": []string{"openshift"}, "iat": now.Add(-time.Hour).Unix(), "nbf": now.Add(-time.Hour).Unix(),
		"exp": now.Add(time.Hour).Unix(),
	}
}

func sign(t *testing.T, key *rsa.PrivateKey, kid string, mod func(map[string]any)) string {
	t.Helper()
	c := claims()
	if mod != nil {
		mod(c)
	}
	tok, err := oidctest.Sign(key, map[string]any{"alg": "RS256", "kid": kid, "typ": "JWT"}, c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestCheckToken(t *testing.T) {
	a, b := loadKey(t, "test-key-a.pem"), loadKey(t, "test-key-b.pem")
	keys, err := ParseJWKS(oidctest.JWKS("kid-a", &a.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	prov := &Provider{URL: strings.TrimPrefix(issuer, "https://"), ClientIDList: []string{"openshift"}}
	tests := []struct {
		name   string
		token  string
		failed []string
	}{
		{"matching", sign(t, a, "kid-a", nil), nil},
		{"wrong aud", sign(t, a, "kid-a", func(c map[string]any) { c["aud"] = "sts.amazonaws.com" }), []string{CheckAudience}},
		{"wrong iss", sign(t, a, "kid-a", func(c map[string]any) { c["iss"] = issuer + "/" }), []string{CheckIssuer}},
		{"expired", sign(t, a, "kid-a", func(c map[string]any) { c["exp"] = now.Add(-time.Minute).Unix() }), []string{CheckExpiry}},
		{"no exp", sign(t, a, "kid-a", func(c map[string]any) { delete(c, "exp") }), []string{CheckExpiry}},
		{"not yet", sign(t, a, "kid-a", func(c map[string]any) { c["nbf"] = now.Add(time.Minute).Unix() }), []string{CheckNotBefore}},
		{"unknown kid", sign(t, a, "kid-x", nil), []string{CheckKid}},
		{"bad signature", sign(t, b, "kid-a", nil), []string{CheckSignature}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := ParseToken(tt.token)
			if err != nil {
				t.Fatal(err)
			}
			var failed []string
			for _, c := range CheckToken(tok, Inputs{Provider: prov, Keys: keys, KeysFrom: "test", Now: now}) {
				if c.Status == StatusFailed {
					failed = append(failed, c.Name)
				}
				if strings.Contains(c.Detail, tt.token) {
					t.Errorf("check %s quotes the token", c.Name)
				}
			}
			if strings.Join(failed, ",") != strings.Join(tt.failed, ",") {
				t.Errorf("failed checks %v, want %v", failed, tt.failed)
			}
		})
	}
}

func TestParseTokenErrors(t *testing.T) {
	a := loadKey(t, "test-key-a.pem")
	good := sign(t, a, "k", nil)
	parts := strings.Split(good, ".")
	tests := []struct{ name, in, want string }{
		{"empty", " ", "empty token"},
		{"two parts", parts[0] + "." + parts[1], "found 2"},
		{"bad base64", "!!." + parts[1] + "." + parts[2], "decoding the header: not base64url"},
		{"header not JSON", "bm90LWpzb24." + parts[1] + "." + parts[2], "reading the header: not a JSON object"},
		{"unsigned", parts[0] + "." + parts[1] + ".", "unsigned"},
		{"bad aud", parts[0] + ".eyJhdWQiOjF9." + parts[2], "claim aud"},
		{"bad exp", parts[0] + ".eyJleHAiOiJ4In0." + parts[2], "claim exp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseToken(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if len(tt.in) > 20 && strings.Contains(err.Error(), tt.in) {
				t.Errorf("error quotes the token")
			}
		})
	}
}

func TestTokenClaims(t *testing.T) {
	a := loadKey(t, "test-key-a.pem")
	text := sign(t, a, "k", func(c map[string]any) { c["aud"] = "one" })
	tok, err := ParseToken(text + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Claims.Audience; len(got) != 1 || got[0] != "one" {
		t.Errorf("aud %v", got)
	}
	if !tok.Claims.Expiry.Equal(now.Add(time.Hour)) || tok.Header.Kid != "k" {
		t.Errorf("claims %+v header %+v", tok.Claims, tok.Header)
	}
	if tok.Fingerprint != Fingerprint(text) || !strings.HasPrefix(tok.Fingerprint, "sha256:") || len(tok.Fingerprint) != len("sha256:")+12 {
		t.Errorf("fingerprint %q", tok.Fingerprint)
	}
}

func TestParseJWKS(t *testing.T) {
	a := loadKey(t, "test-key-a.pem")
	tests := []struct{ name, in, want string }{
		{"not JSON", "nope", "not a JSON object"},
		{"no keys", `{}`, `no "keys"`},
		{"only EC", `{"keys":[{"kty":"EC","kid":"e"}]}`, "no usable RSA key"},
		{"bad n", `{"keys":[{"kty":"RSA","kid":"r","n":"!","e":"AQAB"}]}`, "no usable RSA key"},
		{"short n", `{"keys":[{"kty":"RSA","kid":"r","n":"AQAB","e":"AQAB"}]}`, "no usable RSA key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseJWKS([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
	doc := strings.Replace(string(oidctest.JWKS("a", &a.PublicKey)), `"keys":[`, `"keys":[{"kty":"EC","kid":"e"},`, 1)
	ks, err := ParseJWKS([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(ks.Keys) != 1 || len(ks.Skipped) != 1 || ks.Keys["a"].N.Cmp(a.PublicKey.N) != 0 {
		t.Errorf("key set %+v", ks)
	}
}

func TestParseProvider(t *testing.T) {
	p, err := ParseProvider([]byte(`{"Url":"mycluster-oidc.s3.us-east-1.amazonaws.com","ClientIDList":["openshift"],"ThumbprintList":["a"],"CreateDate":"2026-01-01T00:00:00Z","Tags":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Issuer() != issuer || IssuerHost(p.Issuer()) != "mycluster-oidc.s3.us-east-1.amazonaws.com" {
		t.Errorf("issuer %q", p.Issuer())
	}
	for _, in := range []string{`{}`, `[]`, `{"Url":1}`} {
		if _, err := ParseProvider([]byte(in)); err == nil {
			t.Errorf("ParseProvider(%s) succeeded", in)
		}
	}
}

func TestProbe(t *testing.T) {
	a := loadKey(t, "test-key-a.pem")
	jwks := oidctest.JWKS("a", &a.PublicKey)
	tests := []struct {
		name                 string
		discStatus, keyStat  int
		discPublic, jwksPub  bool
		wantDiscErr, wantKey string
	}{
		{"public", 200, 200, true, true, "", ""},
		{"private bucket", 403, 200, false, false, "HTTP 403", "not fetched"},
		{"private keys", 200, 403, true, false, "", "HTTP 403"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") != "" {
					t.Errorf("probe sent credentials")
				}
				switch r.URL.Path {
				case DiscoveryPath:
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(tt.discStatus)
					if tt.discStatus == 200 {
						w.Write([]byte(`{"issuer":"` + srv.URL + `","jwks_uri":"` + srv.URL + `/keys.json"}`))
					} else {
						w.Write([]byte(`<Error><Code>AccessDenied</Code></Error>`))
					}
				case "/keys.json":
					w.WriteHeader(tt.keyStat)
					if tt.keyStat == 200 {
						w.Write(jwks)
					}
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			res, err := Probe(context.Background(), srv.Client(), srv.URL, time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if res.Discovery.Public != tt.discPublic || res.JWKS.Public != tt.jwksPub || res.Public() != (tt.discPublic && tt.jwksPub) {
				t.Errorf("result %+v", res)
			}
			if !strings.Contains(res.Discovery.Error, tt.wantDiscErr) || !strings.Contains(res.JWKS.Error, tt.wantKey) {
				t.Errorf("errors %q / %q", res.Discovery.Error, res.JWKS.Error)
			}
			if tt.jwksPub && (res.Keys == nil || res.Keys.Keys["a"] == nil || res.Issuer != srv.URL) {
				t.Errorf("keys %+v issuer %q", res.Keys, res.Issuer)
			}
		})
	}
}

func TestProbeTimeout(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	res, err := Probe(context.Background(), srv.Client(), srv.URL, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if res.Discovery.Public || !strings.Contains(res.Discovery.Error, "no answer within") {
		t.Errorf("result %+v", res.Discovery)
	}
}

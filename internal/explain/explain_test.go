package explain

import (
	"bytes"
	"context"
	"crypto/rsa"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/oidc/oidctest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/golden/name, or rewrites it.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update after checking):\n%s", path, lineDiff(string(want), string(got)))
	}
}

func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n- " + wl + "\n+ " + gl + "\n")
		}
	}
	return b.String()
}

// rowValue is the rest of the first line whose first field is key.
func rowValue(out, key string) string {
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 1 && f[0] == key {
			return strings.Join(f[1:], " ")
		}
	}
	return ""
}

// hasRow reports whether out has a line whose first fields are fields.
func hasRow(out string, fields ...string) bool {
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) >= len(fields) && strings.Join(f[:len(fields)], " ") == strings.Join(fields, " ") {
			return true
		}
	}
	return false
}

func run(t *testing.T, opts Options) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	err = Run(context.Background(), opts, &o, &e)
	return o.String(), e.String(), err
}

// TestExplainMessages: every form of refusal names its cause (golden).
func TestExplainMessages(t *testing.T) {
	files, err := filepath.Glob("testdata/messages/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no messages: %v", err)
	}
	wantCause := map[string]string{
		"decoded-missing-allow.json":        "identity-policy",
		"decoded-boundary.json":             "permissions-boundary",
		"decoded-scp.json":                  "scp",
		"decoded-identity-deny.json":        "explicit-deny",
		"plain-missing-allow.txt":           "identity-policy",
		"plain-boundary.txt":                "permissions-boundary",
		"plain-scp.txt":                     "scp",
		"plain-identity-deny.txt":           "explicit-deny",
		"plain-session-policy.txt":          "session-policy",
		"plain-resource-policy.txt":         "resource-policy",
		"plain-encoded.txt":                 "encoded",
		"plain-bare.txt":                    "vpc-endpoint-policy (suspected)",
		"cloudtrail-encoded-truncated.json": "encoded-truncated",
	}
	for _, f := range files {
		base := filepath.Base(f)
		t.Run(base, func(t *testing.T) {
			want, ok := wantCause[base]
			if !ok {
				t.Fatalf("no expected cause for %s", base)
			}
			for _, format := range []string{FormatText, FormatJSON} {
				stdout, stderr, err := run(t, Options{Input: f, Format: format, CredentialsRequestsPath: "testdata/credreqs"})
				if err != nil {
					t.Fatalf("%s: %v\n%s", format, err, stderr)
				}
				if format == FormatText && !strings.HasPrefix(rowValue(stdout, "cause"), want) {
					t.Errorf("cause is not %s:\n%s", want, stdout)
				}
				name := strings.TrimSuffix(base, filepath.Ext(base))
				ext := ".txt"
				if format == FormatJSON {
					ext = ".json"
				}
				golden(t, name+ext, []byte(stdout+stderrSection(stderr)))
			}
		})
	}
}

func stderrSection(stderr string) string {
	if stderr == "" {
		return ""
	}
	return "--- stderr\n" + stderr
}

func TestExplainRequestMatch(t *testing.T) {
	stdout, _, err := run(t, Options{Input: "testdata/messages/decoded-missing-allow.json", Format: FormatText, CredentialsRequestsPath: "testdata/credreqs"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"machine-api.yaml (openshift-machine-api/aws-cloud-credentials, matched by sts-role-name); requests the action: yes",
		"cluster name mycluster from 1 STS role(s)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q in\n%s", want, stdout)
		}
	}
	stdout, _, err = run(t, Options{Input: "testdata/messages/plain-resource-policy.txt", CredentialsRequestsPath: "testdata/credreqs"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "ingress.yaml (openshift-ingress-operator/cloud-credentials, matched by mint-user-name)") {
		t.Errorf("mint user not matched:\n%s", stdout)
	}
}

func TestExplainBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		opts Options
		code int
		want string
	}{
		{"not a message", Options{Input: write("a.txt", "hello\n")}, exit.Runtime, "a.txt: neither JSON nor an AWS authorization error message"},
		{"truncated", Options{Input: write("b.json", `{"allowed":false,"explicitDeny":`)}, exit.Runtime, "b.json: the JSON ends early"},
		{"missing", Options{Input: filepath.Join(dir, "none")}, exit.Runtime, "reading " + filepath.Join(dir, "none")},
		{"empty stdin", Options{Stdin: strings.NewReader("")}, exit.Runtime, "stdin: empty input"},
		{"bad format", Options{Input: "x", Format: "xml"}, exit.Usage, "--format"},
		{"jwks without token", Options{Input: "x", JWKS: "k"}, exit.Usage, "--jwks checks a token"},
		{"both", Options{Input: "x", Token: "t"}, exit.Usage, "not both"},
		{"bad service account", Options{Token: "t", ServiceAccount: "nons"}, exit.Usage, "--service-account"},
		{"malformed token", Options{Token: write("t", "abc.def")}, exit.Runtime, "malformed token: not a JWT"},
		{"bad provider", Options{Token: "-", Stdin: strings.NewReader(signed(t, keyA(t), "kid-a", nil)), OIDCProvider: write("p.json", "{}")}, exit.Runtime, "reading --oidc-provider"},
		{"bad jwks", Options{Token: "-", Stdin: strings.NewReader(signed(t, keyA(t), "kid-a", nil)), JWKS: write("k.json", `{"keys":[]}`)}, exit.Runtime, "reading --jwks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := run(t, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if exit.Code(err) != tt.code {
				t.Errorf("exit code %d, want %d", exit.Code(err), tt.code)
			}
		})
	}
}

var (
	now    = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	issuer = "https://mycluster-oidc.s3.us-east-1.amazonaws.com"
)

func key(t *testing.T, name string) *rsa.PrivateKey {
	t.Helper()
	k, err := oidctest.LoadKey("../oidc/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func keyA(t *testing.T) *rsa.PrivateKey { return key(t, "test-key-a.pem") }

// signed is a machine-api token from issuer, valid at now, signed with k.
func signed(t *testing.T, k *rsa.PrivateKey, kid string, mod func(map[string]any)) string {
	t.Helper()
	c := map[string]any{
		"iss": issuer, "sub": "system:serviceaccount:openshift-machine-api:machine-api-controllers",
		"aud": []string{"openshift"}, "iat": now.Add(-10 * time.Minute).Unix(), "nbf": now.Add(-10 * time.Minute).Unix(),
		"exp":           now.Add(50 * time.Minute).Unix(),
		"kubernetes.io": map[string]any{"namespace": "openshift-machine-api", "serviceaccount": map[string]string{"name": "machine-api-controllers"}},
	}
	if mod != nil {
		mod(c)
	}
	tok, err := oidctest.Sign(k, map[string]any{"alg": "RS256", "kid": kid}, c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestKeysFile keeps testdata/token/keys.json the JWKS of test key a.
func TestKeysFile(t *testing.T) {
	golden := filepath.Join("testdata", "token", "keys.json")
	want := append(oidctest.JWKS("kid-a", &keyA(t).PublicKey), '\n')
	if *update {
		if err := os.WriteFile(golden, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(golden)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s is not the JWKS of test-key-a (run go test -update): %v", golden, err)
	}
}

const (
	roleDetails    = "testdata/token/authorization-details.json"
	machineAPIRole = "mycluster-openshift-machine-api-aws-cloud-credentials"
)

// TestExplainToken: each problem of a token is named (golden), and the
// token never appears in any output.
func TestExplainToken(t *testing.T) {
	a, b := keyA(t), key(t, "test-key-b.pem")
	tests := []struct {
		name   string
		token  string
		opts   Options
		failed []string
	}{
		{"matching", signed(t, a, "kid-a", nil), Options{TrustPolicy: "testdata/token/trust-policy.json"}, nil},
		{"wrong-aud", signed(t, a, "kid-a", func(c map[string]any) { c["aud"] = "sts.amazonaws.com" }), Options{}, []string{"audience"}},
		{"wrong-sub", signed(t, a, "kid-a", func(c map[string]any) {
			c["sub"] = "system:serviceaccount:openshift-machine-api:machine-api-operator"
		}), Options{TrustPolicy: "testdata/token/trust-policy.json"}, []string{"subject"}},
		{"wrong-sub-expected", signed(t, a, "kid-a", func(c map[string]any) {
			c["sub"] = "system:serviceaccount:openshift-machine-api:machine-api-operator"
		}), Options{ServiceAccount: "openshift-machine-api:machine-api-controllers"}, []string{"subject"}},
		{"role", signed(t, a, "kid-a", nil), Options{AuthorizationDetails: []string{roleDetails}, Role: machineAPIRole}, nil},
		{"role-wrong-sub", signed(t, a, "kid-a", func(c map[string]any) {
			c["sub"] = "system:serviceaccount:openshift-machine-api:machine-api-operator"
		}), Options{AuthorizationDetails: []string{roleDetails}, Role: machineAPIRole}, []string{"subject"}},
		{"role-wrong-aud", signed(t, a, "kid-a", func(c map[string]any) { c["aud"] = "sts.amazonaws.com" }),
			Options{AuthorizationDetails: []string{roleDetails}, Role: machineAPIRole}, []string{"audience", "subject"}},
		{"role-other-role", signed(t, a, "kid-a", nil),
			Options{AuthorizationDetails: []string{roleDetails}, Role: "mycluster-openshift-ingress-operator-cloud-credentials"}, []string{"subject"}},
		{"role-absent", signed(t, a, "kid-a", nil), Options{AuthorizationDetails: []string{roleDetails}, Role: "nosuch"}, []string{"subject"}},
		{"expired", signed(t, a, "kid-a", func(c map[string]any) { c["exp"] = now.Add(-5 * time.Minute).Unix() }), Options{}, []string{"expiry"}},
		{"unknown-kid", signed(t, a, "kid-rotated", nil), Options{}, []string{"kid"}},
		{"bad-signature", signed(t, b, "kid-a", nil), Options{}, []string{"signature"}},
		{"wrong-issuer", signed(t, a, "kid-a", func(c map[string]any) { c["iss"] = "https://oidc.example.com/mycluster" }), Options{}, []string{"issuer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, format := range []string{FormatText, FormatJSON} {
				opts := tt.opts
				opts.Token, opts.Stdin, opts.Format, opts.Now = Stdin, strings.NewReader(tt.token), format, now
				opts.OIDCProvider, opts.JWKS = "testdata/token/provider.json", "testdata/token/keys.json"
				opts.CredentialsRequestsPath = "testdata/credreqs"
				stdout, stderr, err := run(t, opts)
				if err != nil {
					t.Fatal(err)
				}
				for _, out := range []string{stdout, stderr} {
					if strings.Contains(out, tt.token) || strings.Contains(out, tt.token[strings.LastIndexByte(tt.token, '.')+1:]) ||
						strings.Contains(out, tt.token[:strings.LastIndexByte(tt.token, '.')]) {
						t.Fatalf("the token appears in the output")
					}
				}
				if format == FormatText {
					for _, name := range tt.failed {
						if !hasRow(stdout, name, "FAILED") {
							t.Errorf("%s not FAILED:\n%s", name, stdout)
						}
					}
					if got := strings.Count(stdout, "FAILED"); got != len(tt.failed) {
						t.Errorf("%d failed checks, want %d:\n%s", got, len(tt.failed), stdout)
					}
				}
				ext := ".txt"
				if format == FormatJSON {
					ext = ".json"
				}
				golden(t, "token-"+tt.name+ext, []byte(stdout+stderrSection(stderr)))
			}
		})
	}
}

// TestExplainTokenProbe: --probe-oidc reads the keys from the issuer when
// no --jwks is given, and says when the issuer is private.
func TestExplainTokenProbe(t *testing.T) {
	a := keyA(t)
	for _, public := range []bool{true, false} {
		t.Run(map[bool]string{true: "public", false: "private"}[public], func(t *testing.T) {
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !public {
					w.WriteHeader(http.StatusForbidden)
					return
				}
				switch r.URL.Path {
				case "/.well-known/openid-configuration":
					w.Write([]byte(`{"issuer":"` + srv.URL + `","jwks_uri":"` + srv.URL + `/keys.json"}`))
				case "/keys.json":
					w.Write(oidctest.JWKS("kid-a", &a.PublicKey))
				}
			}))
			defer srv.Close()
			tok := signed(t, a, "kid-a", func(c map[string]any) { c["iss"] = srv.URL })
			stdout, stderr, err := run(t, Options{Token: Stdin, Stdin: strings.NewReader(tok), Now: now, ProbeOIDC: true,
				HTTPClient: srv.Client(), ProbeTimeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(stdout+stderr, tok) {
				t.Fatal("the token appears in the output")
			}
			if public {
				if !hasRow(stdout, "signature", "ok") || !hasRow(stdout, "discovery", "public") {
					t.Errorf("keys not used from the probe:\n%s", stdout)
				}
			} else if !strings.Contains(stdout, "NOT PUBLIC") || !strings.Contains(stdout, "InvalidIdentityToken") {
				t.Errorf("private issuer not reported:\n%s", stdout)
			}
		})
	}
}

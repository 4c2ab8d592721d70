package oidc

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// MaxTokenSize bounds a token; projected service-account tokens are about
// a kilobyte.
const MaxTokenSize = 64 << 10

// Token is a decoded JWT. It keeps what signature verification needs but
// never the token text.
type Token struct {
	Header Header
	Claims Claims
	// Fingerprint names the token without revealing it: "sha256:" and the
	// first 12 hex digits of the SHA-256 of its text.
	Fingerprint string

	signingInput []byte // header.payload, what the signature covers
	signature    []byte
}

// Header is the JOSE header of a token.
type Header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid,omitempty"`
	Typ string `json:"typ,omitempty"`
}

// Claims are the registered claims AWS reads.
type Claims struct {
	Issuer    string     `json:"iss"`
	Subject   string     `json:"sub"`
	Audience  []string   `json:"aud"`
	Expiry    *time.Time `json:"exp,omitempty"`
	IssuedAt  *time.Time `json:"iat,omitempty"`
	NotBefore *time.Time `json:"nbf,omitempty"`
}

// rawClaims is the claims as JSON spells them: aud is a string or a list,
// times are NumericDates (seconds, possibly fractional).
type rawClaims struct {
	Issuer    string          `json:"iss"`
	Subject   string          `json:"sub"`
	Audience  json.RawMessage `json:"aud"`
	Expiry    json.RawMessage `json:"exp"`
	IssuedAt  json.RawMessage `json:"iat"`
	NotBefore json.RawMessage `json:"nbf"`
}

// Fingerprint is the short name of a token text.
func Fingerprint(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "sha256:" + hex.EncodeToString(sum[:6])
}

// ParseToken decodes a compact JWT (header.payload.signature). It checks
// the form only; CheckToken and Verify judge the content. Errors never
// quote the token.
func ParseToken(text string) (*Token, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, errors.New("empty token")
	}
	if len(text) > MaxTokenSize {
		return nil, fmt.Errorf("token over %d bytes: not a service-account token", MaxTokenSize)
	}
	parts := strings.Split(text, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("not a JWT: want 3 base64url parts separated by '.', found %d", len(parts))
	}
	t := &Token{Fingerprint: Fingerprint(text), signingInput: []byte(parts[0] + "." + parts[1])}
	hb, err := decodeSegment(parts[0])
	if err != nil {
		return nil, fmt.Errorf("decoding the header: %w", err)
	}
	if err := strictJSON(hb, &t.Header); err != nil {
		return nil, fmt.Errorf("reading the header: %w", err)
	}
	cb, err := decodeSegment(parts[1])
	if err != nil {
		return nil, fmt.Errorf("decoding the claims: %w", err)
	}
	var rc rawClaims
	if err := strictJSON(cb, &rc); err != nil {
		return nil, fmt.Errorf("reading the claims: %w", err)
	}
	if t.signature, err = decodeSegment(parts[2]); err != nil {
		return nil, fmt.Errorf("decoding the signature: %w", err)
	}
	if len(t.signature) == 0 {
		return nil, errors.New("the token is unsigned (empty signature)")
	}
	t.Claims.Issuer, t.Claims.Subject = rc.Issuer, rc.Subject
	if t.Claims.Audience, err = audience(rc.Audience); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		in   json.RawMessage
		out  **time.Time
	}{{"exp", rc.Expiry, &t.Claims.Expiry}, {"iat", rc.IssuedAt, &t.Claims.IssuedAt}, {"nbf", rc.NotBefore, &t.Claims.NotBefore}} {
		if len(f.in) == 0 || string(f.in) == "null" {
			continue
		}
		tm, err := numericDate(f.in)
		if err != nil {
			return nil, fmt.Errorf("claim %s: %w", f.name, err)
		}
		*f.out = &tm
	}
	return t, nil
}

func decodeSegment(s string) ([]byte, error) {
	// RFC 7515 omits padding; tolerate it anyway.
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, errors.New("not base64url")
	}
	return b, nil
}

// strictJSON reads one JSON object and nothing after it.
func strictJSON(b []byte, v any) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return errors.New("not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fmt.Errorf("field %s: want %s, got %s", te.Field, te.Type, te.Value)
		}
		return errors.New("not valid JSON")
	}
	if dec.More() {
		return errors.New("data after the JSON object")
	}
	return nil
}

func audience(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, nil
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list, nil
	}
	return nil, errors.New("claim aud: want a string or a list of strings")
}

func numericDate(raw json.RawMessage) (time.Time, error) {
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1<<40 {
		return time.Time{}, errors.New("not a NumericDate (seconds since 1970)")
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}

// ErrSignature is returned by Verify when the signature does not match.
var ErrSignature = errors.New("the signature does not match the key")

// Verify checks an RS256 signature with key.
func (t *Token) Verify(key *rsa.PublicKey) error {
	if t.Header.Alg != "RS256" {
		return fmt.Errorf("alg %q: only RS256 is verified", t.Header.Alg)
	}
	sum := sha256.Sum256(t.signingInput)
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], t.signature); err != nil {
		return ErrSignature
	}
	return nil
}

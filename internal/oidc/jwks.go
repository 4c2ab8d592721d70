package oidc

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"math/big"
	"sort"
)

// MaxDocumentSize bounds a JWKS, discovery or provider document.
const MaxDocumentSize = 1 << 20

// KeySet is the RSA keys of a JWKS by kid.
type KeySet struct {
	Keys map[string]*rsa.PublicKey
	// Skipped says which entries were not usable RSA signing keys and why.
	Skipped []string
}

// jwk is one entry of a JWKS.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// ParseJWKS reads {"keys":[{"kty":"RSA","kid":..,"n":..,"e":..},...]}.
// Entries that are not RSA signing keys are skipped and listed; a set
// with no usable key is an error.
func ParseJWKS(data []byte) (*KeySet, error) {
	if len(data) > MaxDocumentSize {
		return nil, fmt.Errorf("over %d bytes: not a JWKS", MaxDocumentSize)
	}
	var doc struct {
		Keys *[]jwk `json:"keys"`
	}
	if err := strictJSON(data, &doc); err != nil {
		return nil, err
	}
	if doc.Keys == nil {
		return nil, errors.New(`no "keys": not a JWKS`)
	}
	ks := &KeySet{Keys: map[string]*rsa.PublicKey{}}
	for i, k := range *doc.Keys {
		name := fmt.Sprintf("key %d (kid %q)", i, k.Kid)
		switch {
		case k.Kty != "RSA":
			ks.Skipped = append(ks.Skipped, fmt.Sprintf("%s: kty %q, not RSA", name, k.Kty))
			continue
		case k.Use != "" && k.Use != "sig":
			ks.Skipped = append(ks.Skipped, fmt.Sprintf("%s: use %q, not sig", name, k.Use))
			continue
		}
		pub, err := rsaKey(k.N, k.E)
		if err != nil {
			ks.Skipped = append(ks.Skipped, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		if _, dup := ks.Keys[k.Kid]; dup {
			ks.Skipped = append(ks.Skipped, fmt.Sprintf("%s: kid given twice, the first kept", name))
			continue
		}
		ks.Keys[k.Kid] = pub
	}
	if len(ks.Keys) == 0 {
		return nil, errors.New("no usable RSA key in the JWKS")
	}
	return ks, nil
}

func rsaKey(n, e string) (*rsa.PublicKey, error) {
	nb, err := decodeSegment(n)
	if err != nil || len(nb) == 0 {
		return nil, errors.New("n: not base64url")
	}
	eb, err := decodeSegment(e)
	if err != nil || len(eb) == 0 || len(eb) > 4 {
		return nil, errors.New("e: not a base64url exponent")
	}
	exp := 0
	for _, b := range eb {
		exp = exp<<8 | int(b)
	}
	if exp < 3 || exp%2 == 0 {
		return nil, fmt.Errorf("e: %d is not a usable RSA exponent", exp)
	}
	mod := new(big.Int).SetBytes(nb)
	if mod.BitLen() < 1024 {
		return nil, fmt.Errorf("n: %d bits, too short", mod.BitLen())
	}
	return &rsa.PublicKey{N: mod, E: exp}, nil
}

// Kids lists the key IDs, sorted.
func (ks *KeySet) Kids() []string {
	out := make([]string, 0, len(ks.Keys))
	for k := range ks.Keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

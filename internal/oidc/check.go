package oidc

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Check statuses.
const (
	StatusOK      = "ok"
	StatusFailed  = "failed"
	StatusSkipped = "skipped" // the input needed was not given
)

// Names of the checks, in the order CheckToken runs them.
const (
	CheckAlg       = "alg"
	CheckIssuer    = "issuer"
	CheckAudience  = "audience"
	CheckExpiry    = "expiry"
	CheckNotBefore = "not-before"
	CheckKid       = "kid"
	CheckSignature = "signature"
	CheckSubject   = "subject"
)

// Check is the outcome of one check.
type Check struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Detail string `json:"detail"`
}

// Inputs are what CheckToken compares the token with; nil fields skip the
// checks that need them.
type Inputs struct {
	Provider *Provider
	Keys     *KeySet
	// KeysFrom names where Keys came from, for the details ("--jwks FILE").
	KeysFrom string
	Now      time.Time
}

// CheckToken runs every check but the subject's (that needs the role's
// trust policy) and returns them in a fixed order.
func CheckToken(t *Token, in Inputs) []Check {
	var out []Check
	add := func(name, status, format string, args ...any) {
		out = append(out, Check{Name: name, Status: status, Detail: fmt.Sprintf(format, args...)})
	}
	if t.Header.Alg == "RS256" {
		add(CheckAlg, StatusOK, "RS256, as AWS requires of service-account tokens")
	} else {
		add(CheckAlg, StatusFailed, "alg %q: AWS accepts RS256 service-account tokens", t.Header.Alg)
	}

	if in.Provider == nil {
		add(CheckIssuer, StatusSkipped, "no --oidc-provider")
		add(CheckAudience, StatusSkipped, "no --oidc-provider")
	} else {
		want := in.Provider.Issuer()
		switch {
		case t.Claims.Issuer == "":
			add(CheckIssuer, StatusFailed, "the token has no iss claim")
		case t.Claims.Issuer == want:
			add(CheckIssuer, StatusOK, "iss is the provider's URL")
		case strings.TrimRight(t.Claims.Issuer, "/") == strings.TrimRight(want, "/"):
			add(CheckIssuer, StatusFailed, "iss %s and the provider's URL %s differ only by a trailing '/': IAM compares them exactly", t.Claims.Issuer, want)
		default:
			add(CheckIssuer, StatusFailed, "iss %s is not the provider's URL %s (the cluster's serviceAccountIssuer and the IAM OIDC provider disagree)", t.Claims.Issuer, want)
		}
		switch {
		case len(t.Claims.Audience) == 0:
			add(CheckAudience, StatusFailed, "the token has no aud claim")
		case anyIn(t.Claims.Audience, in.Provider.ClientIDList):
			add(CheckAudience, StatusOK, "aud %s is in the provider's ClientIDList", strings.Join(t.Claims.Audience, ","))
		default:
			add(CheckAudience, StatusFailed, "aud %s is not in the provider's ClientIDList [%s]",
				strings.Join(t.Claims.Audience, ","), strings.Join(in.Provider.ClientIDList, ","))
		}
	}

	now := in.Now
	switch {
	case t.Claims.Expiry == nil:
		add(CheckExpiry, StatusFailed, "the token has no exp claim")
	case !now.Before(*t.Claims.Expiry):
		add(CheckExpiry, StatusFailed, "expired at %s, %s before %s", stamp(*t.Claims.Expiry), now.Sub(*t.Claims.Expiry).Round(time.Second), stamp(now))
	default:
		add(CheckExpiry, StatusOK, "valid until %s (%s left)", stamp(*t.Claims.Expiry), t.Claims.Expiry.Sub(now).Round(time.Second))
	}
	if t.Claims.NotBefore != nil {
		if now.Before(*t.Claims.NotBefore) {
			add(CheckNotBefore, StatusFailed, "not valid before %s (the clocks of the cluster and of this machine may differ)", stamp(*t.Claims.NotBefore))
		} else {
			add(CheckNotBefore, StatusOK, "valid since %s", stamp(*t.Claims.NotBefore))
		}
	}

	if in.Keys == nil {
		add(CheckKid, StatusSkipped, "no --jwks or --probe-oidc")
		add(CheckSignature, StatusSkipped, "no --jwks or --probe-oidc")
		return out
	}
	key, ok := in.Keys.Keys[t.Header.Kid]
	if !ok {
		add(CheckKid, StatusFailed, "kid %q is not among the issuer's keys in %s [%s] (keys rotated without republishing the JWKS?)",
			t.Header.Kid, in.KeysFrom, strings.Join(in.Keys.Kids(), ","))
		add(CheckSignature, StatusSkipped, "no key with the token's kid")
		return out
	}
	add(CheckKid, StatusOK, "kid %q is in %s", t.Header.Kid, in.KeysFrom)
	if err := t.Verify(key); err != nil {
		if errors.Is(err, ErrSignature) {
			add(CheckSignature, StatusFailed, "the RS256 signature does not match key %q: the token was not signed by this issuer's key", t.Header.Kid)
		} else {
			add(CheckSignature, StatusFailed, "%v", err)
		}
	} else {
		add(CheckSignature, StatusOK, "RS256 signature verified with key %q", t.Header.Kid)
	}
	return out
}

func anyIn(list, set []string) bool {
	for _, x := range list {
		if slices.Contains(set, x) {
			return true
		}
	}
	return false
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// DefaultProbeTimeout bounds each request of Probe.
const DefaultProbeTimeout = 10 * time.Second

// DiscoveryPath is where an issuer publishes its configuration.
const DiscoveryPath = "/.well-known/openid-configuration"

// Fetch is the outcome of one anonymous GET.
type Fetch struct {
	URL         string `json:"url"`
	Status      int    `json:"status,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	// Public is set when the document was readable without credentials
	// and parsed.
	Public bool   `json:"public"`
	Error  string `json:"error,omitempty"`
}

// ProbeResult is what Probe found.
type ProbeResult struct {
	Discovery Fetch `json:"discovery"`
	JWKS      Fetch `json:"jwks"`
	// Issuer is the discovery document's issuer; it must be the issuer
	// probed.
	Issuer string `json:"issuer,omitempty"`
	// Keys are the keys read from jwks_uri, when public.
	Keys *KeySet `json:"-"`
}

// Public reports whether AWS can read both documents.
func (r *ProbeResult) Public() bool { return r.Discovery.Public && r.JWKS.Public }

// Probe fetches issuer's discovery document and its jwks_uri without
// credentials, as AWS does. Failures are recorded in the result, never
// returned; only a cancelled ctx is an error.
func Probe(ctx context.Context, client *http.Client, issuer string, timeout time.Duration) (*ProbeResult, error) {
	if timeout <= 0 {
		timeout = DefaultProbeTimeout
	}
	if client == nil {
		client = &http.Client{}
	}
	res := &ProbeResult{}
	base := strings.TrimRight(issuer, "/")
	var disc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	body := get(ctx, client, base+DiscoveryPath, timeout, &res.Discovery)
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if body != nil {
		if err := strictJSON(body, &disc); err != nil {
			res.Discovery.Error = "reading the discovery document: " + err.Error()
		} else if disc.JWKSURI == "" {
			res.Discovery.Error = "the discovery document has no jwks_uri"
		} else {
			res.Discovery.Public = true
			res.Issuer = disc.Issuer
		}
	}
	if !res.Discovery.Public {
		res.JWKS.Error = "not fetched: no jwks_uri"
		return res, nil
	}
	res.JWKS.URL = disc.JWKSURI
	body = get(ctx, client, disc.JWKSURI, timeout, &res.JWKS)
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if body != nil {
		ks, err := ParseJWKS(body)
		if err != nil {
			res.JWKS.Error = "reading the JWKS: " + err.Error()
		} else {
			res.JWKS.Public = true
			res.Keys = ks
		}
	}
	return res, nil
}

// get fetches url anonymously into f and returns the body of a 200 reply.
func get(ctx context.Context, client *http.Client, url string, timeout time.Duration, f *Fetch) []byte {
	f.URL = url
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		f.Error = "bad URL: " + err.Error()
		return nil
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			f.Error = fmt.Sprintf("no answer within %s", timeout)
		} else {
			f.Error = err.Error()
		}
		return nil
	}
	defer resp.Body.Close()
	f.Status = resp.StatusCode
	f.ContentType = resp.Header.Get("Content-Type")
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxDocumentSize+1))
	if err != nil {
		f.Error = "reading the reply: " + err.Error()
		return nil
	}
	if resp.StatusCode != http.StatusOK {
		f.Error = fmt.Sprintf("HTTP %d: not publicly readable", resp.StatusCode)
		if resp.StatusCode == http.StatusForbidden {
			f.Error += " (a private S3 bucket answers 403 AccessDenied)"
		}
		return nil
	}
	if len(body) > MaxDocumentSize {
		f.Error = fmt.Sprintf("reply over %d bytes", MaxDocumentSize)
		return nil
	}
	return body
}

// MarshalJSON lets a ProbeResult print the key IDs it found.
func (r *ProbeResult) MarshalJSON() ([]byte, error) {
	type plain ProbeResult
	out := struct {
		*plain
		Kids []string `json:"kids,omitempty"`
	}{plain: (*plain)(r)}
	if r.Keys != nil {
		out.Kids = r.Keys.Kids()
	}
	return json.Marshal(out)
}

package oidc

import (
	"errors"
	"fmt"
	"strings"
)

// Provider is the output of `aws iam get-open-id-connect-provider`.
type Provider struct {
	// URL is the issuer without its https:// scheme, as IAM stores it.
	URL            string   `json:"Url"`
	ClientIDList   []string `json:"ClientIDList"`
	ThumbprintList []string `json:"ThumbprintList"`
}

// ParseProvider reads a provider document. Url is required.
func ParseProvider(data []byte) (*Provider, error) {
	if len(data) > MaxDocumentSize {
		return nil, fmt.Errorf("over %d bytes: not an OIDC provider", MaxDocumentSize)
	}
	var p Provider
	if err := strictJSON(data, &p); err != nil {
		return nil, err
	}
	if p.URL == "" {
		return nil, errors.New(`no "Url": want the output of aws iam get-open-id-connect-provider`)
	}
	return &p, nil
}

// Issuer is the issuer URL tokens must carry as iss: https:// and Url.
func (p *Provider) Issuer() string {
	if strings.HasPrefix(p.URL, "https://") || strings.HasPrefix(p.URL, "http://") {
		return p.URL
	}
	return "https://" + p.URL
}

// IssuerHost is the issuer without its scheme: the prefix of the
// provider's condition keys (<host>:sub, <host>:aud) and the last part of
// its ARN.
func IssuerHost(issuer string) string {
	if i := strings.Index(issuer, "://"); i >= 0 {
		issuer = issuer[i+3:]
	}
	return strings.TrimRight(issuer, "/")
}

// Package oidc reads what AWS checks when a pod trades its service-account
// token for credentials (sts:AssumeRoleWithWebIdentity): the token (a JWT),
// the issuer's keys (a JWKS), the IAM OIDC provider (`aws iam
// get-open-id-connect-provider`), and, online and only when asked, whether
// the issuer's discovery document and keys are publicly readable.
//
// It knows nothing of IAM policies: whether a role's trust policy admits
// the token's subject is decided by the caller.
//
// The token is a secret: nothing here prints or returns it whole.
// Fingerprint gives a short, safe name for it.
package oidc

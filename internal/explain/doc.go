// Package explain implements `cci explain`: why AWS refused a call, and
// whether a service-account token is one AWS will accept.
//
// A refusal (a decoded authorization message, a CloudTrail record or an
// error message; see internal/authz) is read, its principal mapped to the
// CredentialsRequest it serves (internal/credreq's naming), and printed
// with its cause and what to check next.
//
// A token (--token) is decoded (internal/oidc) and checked against what is
// given: the IAM OIDC provider (iss, aud), the issuer's keys (kid, RS256
// signature, from --jwks or --probe-oidc), the clock (exp, nbf) and the
// role's trust policy (sub and aud, decided by the IAM evaluator through a
// SubjectPolicy: --trust-policy, or --authorization-details with --role).
// The token text is never printed or written; reports name it by its
// fingerprint.
package explain

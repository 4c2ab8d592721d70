// Package policy knows IAM: the canonical list of IAM actions and their
// spelling, how a CloudTrail call (eventSource, eventName) maps to the IAM
// actions it needed, what a denial message says, and how IAM policy
// statements match actions. It knows nothing of OpenShift.
//
// The tables in tables_gen.go are generated from shared/data/iam by
// internal/policy/internal/gentables (`make generate`).
package policy

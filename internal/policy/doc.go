// Package policy knows IAM: the canonical list of IAM actions and their
// spelling, how a CloudTrail call (eventSource, eventName) maps to the IAM
// actions it needed, what a denial message says, and how IAM policy
// statements match actions. It also evaluates IAM's policy language as AWS
// documents it: ParsePolicy reads a document (strictly or leniently) and
// PolicySet.Evaluate decides a Request against identity, boundary, SCP,
// resource, session and VPC endpoint policies (see evaluate.go). With
// Request.ConditionsUnknown it answers the question compare asks of a call
// seen in CloudTrail: can some request of this action be allowed, and does
// that rest on conditions or resources CloudTrail cannot show.
// ParseAccountDetails reads `aws iam get-account-authorization-details`
// (account.go) and gathers the policies in force for a user or role. It
// knows nothing of OpenShift.
//
// The tables in tables_gen.go are generated from shared/data/iam by
// internal/policy/internal/gentables (`make generate`).
package policy

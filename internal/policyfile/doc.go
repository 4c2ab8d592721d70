// Package policyfile reads the inputs of IAM evaluation as the AWS CLI
// takes and writes them: policy files (a document, get-policy-version,
// get-role-policy or organizations describe-policy output; file://
// accepted), SCP levels (a file or a directory of them) and
// --context-entries (the CLI's shorthand, JSON, or file://). `cci
// simulate` and `cci check` share it. It knows IAM, not OpenShift.
package policyfile

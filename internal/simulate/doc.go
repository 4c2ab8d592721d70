// Package simulate is `cci simulate`: AWS's policy simulator
// (aws iam simulate-custom-policy) offline, with permissions boundaries,
// SCPs, session, resource and VPC endpoint policies.
//
//	validate Options (flags, context-entry shorthand)
//	read every policy file: a document, get-policy-version output,
//	    organizations describe-policy output (file:// accepted);
//	    parse it leniently (package policy), warnings to stderr
//	read the context entries (shorthand or JSON, file:// accepted)
//	for each action, for each resource: policy.PolicySet.Evaluate
//	write the table or AWS's SimulatePolicyResponse JSON
//	--fail-on denied: exit 3 when a decision is not "allowed"
//
// The evaluation itself lives in package policy; docs/simulate.md defines
// the flags and output fields.
package simulate

// Package authz reads what AWS says about a refused call and names the
// cause. It knows IAM and nothing of OpenShift.
//
// Three inputs, told apart by their first byte:
//
//	{"DecodedMessage":"<json>"}       aws sts decode-authorization-message
//	{"allowed":..,"explicitDeny":..}  the decoded message itself
//	{"errorCode":..,"errorMessage":..} one CloudTrail record
//	anything else                     an error message as CloudTrail and the SDKs log it
//
// A decoded message is classified from its matched statements:
//
//	allowed                              -> allowed
//	explicitDeny false, no DENY matched  -> implicitDeny, cause identity-policy (missing allow)
//	DENY with principal SCOPE_POLICY_ISSUER -> permissions-boundary
//	DENY with the caller's own unique ID -> explicit-deny (identity-based policy)
//	DENY with any other principal        -> scp (an organization policy; the
//	                                        statement names neither the caller nor a boundary)
//
// A plain message names its policy type in AWS's fixed wording ("because no
// <type> policy allows the <action> action", "with an explicit deny in a
// <type> policy"); the bare "You are not authorized to perform this
// operation." with no encoded message suggests that a VPC endpoint policy
// refused the call before IAM saw it.
package authz

// Package generate writes least-privilege grants from what identities
// used: an IAM policy document or a CredentialsRequest per identity, built
// from events.json (cci extract) and, when compare's output names the
// request an identity matched, from that request.
//
//	for each identity (or those --identity names):
//	    used   = its actions, less permissionless calls and unmapped events
//	    scope  = resource and condition of the matched request's Allow that
//	             covered the action, else "*" and none
//	    --resources: resource = the action's recorded ARNs, when events.json
//	             has some and they cover every call (not resourcesTruncated)
//	    kept   = unsupportedCheck entries of the matched request (CloudTrail
//	             cannot show their use), as written, each with its reason
//	    group used + kept by (service, scope), actions sorted
//	    --collapse: fold service:Verb* (or service:*) when every action of
//	                the list the wildcard matches was used
//	write iam-policy JSON or the request's manifest with new statementEntries
//
// Suggest is the same for compare's output step: one suggested request
// and a unified diff against the original per matched request. generate
// never imports compare: compare passes what it knows as Input.
package generate

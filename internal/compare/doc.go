// Package compare diffs what each identity did (events.json of cci
// extract) against what it was granted: the CredentialsRequest it was
// minted or created for, the installer policy, or an instance-role policy.
//
//	for each identity in events.json:
//	    match it to a request (credreq.Matcher): none -> unknown, two -> ambiguous
//	    required  = observed actions needing a permission
//	    requested = Allow patterns of the matched statements, as written
//	    missing   = required that no Allow covers, or that a Deny excludes
//	    extra     = requested that covered no required action,
//	                less those CloudTrail cannot show (unsupportedCheck)
//	findings  = missing, denied, extra, unknown/ambiguous identities,
//	            requests without identity; those --baseline lists are baselined
//	write compiled_users.json, compiled_users.diff.json, credentials_requests.json
//	      and, with --junit, the JUnit XML report
//	exit 3 when a --fail-on finding is not baselined, or (empty) nothing was compared
//
// IAM evaluation lives in package policy, OpenShift naming in credreq;
// DESIGN.md section 7 and docs/compare.md define the fields.
package compare

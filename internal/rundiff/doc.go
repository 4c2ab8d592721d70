// Package rundiff is `cci diff`: what changed between two runs (two
// extract outputs or two compare outputs) or between two sets of
// CredentialsRequests (release N and N+1).
//
//	runs:     read A and B (events.json, or compiled_users.json)
//	          key each identity by what it is:
//	              credRequestRef (compiled_users.json) | "installer"
//	              | its name less cluster, infra ID and mint suffix
//	              | its name (when the key is taken twice on one side)
//	          pair A and B by key: appeared, disappeared, and per pair
//	          required +/-, missing new/resolved, extra +/-, denied new/gone,
//	          counts (--counts)
//	requests: load both sets, pair by metadata namespace/name: requests
//	          added/removed, per request Allow and Deny actions +/-,
//	          resources and conditions changed per action
//
// It reads the files through events and credreq only; it never imports
// extract or compare.
package rundiff

// Package layers holds no code, only the test that enforces the package
// layering of cci (the depcheck idea of go-containerregistry, on
// `go list -deps`):
//
//	events                 -> nothing of cci but jsonout
//	exit, jsonout, golden, textdist -> nothing of cci
//	compare, credreq,      -> never extract, the AWS SDK, smithy or sonic
//	policy, policyfile
//	(and their subpackages)
//	check                  -> the same, nor compare, simulate or explain
//	                          (policy, policyfile, credreq, oidc, events)
//	simulate, explain      -> the same, nor each other or check
//	authz, oidc, trailgen  -> never extract, compare, the AWS SDK or sonic
//	generate, rundiff      -> the same, nor each other (they read extract's
//	                          and compare's outputs as files)
//	extract (and its       -> never compare
//	subpackages)
//
// Every package is covered by a rule or listed, with the reason, as
// deliberately unruled (the commands under cmd/, the S3 test server, the
// process benchmark, this package); a new package in neither fails
// TestEveryPackageRuled.
//
// The readers of events.json must not pull in the extraction engine, and the
// engine must not know the commands that read its output.
package layers

// Package layers holds no code, only the test that enforces the package
// layering of cci (the depcheck idea of go-containerregistry, on
// `go list -deps`):
//
//	events                 -> nothing of cci but jsonout
//	compare, credreq,      -> never extract, the AWS SDK, smithy or sonic
//	policy, policyfile
//	(and their subpackages)
//	check                  -> the same, nor compare, simulate or explain
//	                          (policy, policyfile, credreq, oidc, events)
//	extract (and its       -> never compare
//	subpackages)
//
// The readers of events.json must not pull in the extraction engine, and the
// engine must not know the commands that read its output.
package layers

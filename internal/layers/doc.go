// Package layers holds no code, only the test that enforces the package
// layering of cci (the depcheck idea of go-containerregistry, on
// `go list -deps`):
//
//	events                 -> nothing of cci but jsonout
//	compare, credreq,      -> never extract, the AWS SDK, smithy or sonic
//	policy (and their subpackages)
//	extract (and its       -> never compare
//	subpackages)
//
// The readers of events.json must not pull in the extraction engine, and the
// engine must not know the commands that read its output.
package layers

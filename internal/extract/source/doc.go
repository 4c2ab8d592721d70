// Package source lists and opens the objects extract reads: local files
// and directory trees, standard input, and (through an Opener registered by
// scheme, see package s3) remote stores. It also knows CloudTrail's key
// layout (layout.go): which objects are digests, and which prefixes and
// names can hold records of a time window, account or region, so that a
// listing can prune what the filters would discard anyway.
package source

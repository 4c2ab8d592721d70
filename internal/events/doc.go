// Package events is the on-disk schema of an extract run: events.json (one
// Identity per caller, with the IAM actions it used), file_status.json (one
// FileStatus per object read) and summary.json (Summary), with their
// readers and the hand-tuned writers that keep them byte-stable.
//
// It is the leaf every consumer of extract's output depends on (compare and
// the commands that read events.json): it imports nothing of the project
// but jsonout, so reading the files never pulls in the extraction engine,
// the AWS SDK or the JSON decoder extract uses.
package events

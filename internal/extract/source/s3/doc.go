// Package s3 is the source of s3://bucket/prefix events paths: it lists a
// bucket with the CloudTrail layout's pruning (package source), opens
// objects as streams that resume after a broken connection (each GET a
// plain signed request first, GetObject after a failure: get.go), and
// retries throttling with the SDK's retryer. It knows nothing of the
// pipeline: the caller passes its fetch sizing in Options.
package s3

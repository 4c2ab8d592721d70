// Package extract is `cci extract`: it streams CloudTrail objects from one
// or more sources and groups the IAM actions each identity used, writing
// events.json, file_status.json and summary.json (package events).
//
// The work is split between packages:
//
//	source     lists and opens objects (local, stdin), CloudTrail key layout
//	source/s3  the S3 source
//	ctjson     decodes a stream into records (scanner, fast path, sonic)
//	gunzip     inflates gzip objects (klauspost/compress past what it takes)
//	extract    options, the pipeline, filters, aggregation, status, output
//
// Run, in pseudo-code:
//
//	opts.Validate()                           // before any I/O
//	sources := source.Open(each --events-path)
//	repeat (once, or until --wait-until is reached or times out):
//	    pass:
//	        listers:  for each source, List(window, regions, accounts)
//	                  -> tasks (an object listed twice is skipped)
//	        fetchers: for remote sources only, a pool that opens objects
//	                  ahead of the workers and grows while opening is the
//	                  bottleneck (fetch.go)
//	        workers (opts.Jobs, one per core):
//	            for each opened object:
//	                skip digests (by name or by content)
//	                gunzip.Reader if gzip; ctjson.Decoder.Reset(body)
//	                for item := range dec.Next():
//	                    count it (total, invalid, skipped, processed)
//	                    filter (service callers, time, region, account,
//	                            principal) and attribute it to an identity
//	                    add it to the worker's own aggregate
//	                status log += FileStatus (spilled to disk when large)
//	        merge the workers' aggregates (order-independent)
//	write file_status.json (merged from the status log, sorted by name),
//	      events.json (identities sorted, top-N lists), summary.json
//	print the summary on stderr; exit 4 when some object could not be read
//
// Every output is sorted before it is written, so the same input gives
// byte-identical files whatever the number of workers or the listing order.
package extract

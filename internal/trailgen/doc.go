// Package trailgen generates realistic, deterministic CloudTrail delivery
// objects for tests and benchmarks.
//
// A trail is made from a Scenario: one AWS account, a few OpenShift clusters
// (mint mode, a mint-mode cluster whose long name gets truncated, STS mode)
// and some non-cluster callers. Every identity carries the calls it makes,
// each with a relative weight. DefaultScenario is the layout of the committed
// sample under testdata/trails/sample and of the benchmark trails.
//
// Generation is streaming and deterministic from Config.Seed:
//
//	plan (sequential, cheap):  object i -> region i%len(Regions), delivery time,
//	                           record count, the scenario calls it must cover
//	build (Workers in parallel): rng := PCG(Seed, i); pick calls by weight,
//	                           random times in the 5 minutes before delivery,
//	                           sort by eventTime, encode {"Records":[...]}, gzip
//	emit (sequential, in i order): Sink(name, gz); digest for the first hour
//
// Each object draws only from its own random stream, so output is
// byte-identical for any Workers value, and memory is bounded by the objects
// in flight, never by the trail size. Every call of the scenario appears at
// least once when the trail is large enough (the "coverage" calls are spread
// over the first objects of each region), so even a small sample exercises
// every identity type, action mapping and denial the scenario lists.
//
// Shapes lists the benchmark trails (issue 14): BenchConfig, and the same
// with Variety (session names and source IPs per record: unique, mixed,
// four addresses) or with ManyClustersScenario and a principal prefix that
// keeps one cluster of twenty. Variety values are derived from a record's
// number in the trail, so they too are independent of Workers.
//
// Output never depends on time.Now or map iteration order; gzip uses a fixed
// level and an empty header (no name, zero mod time).
package trailgen

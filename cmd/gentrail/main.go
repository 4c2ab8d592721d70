// Command gentrail writes a deterministic, realistic CloudTrail trail in the
// AWSLogs/... layout, for tests and benchmarks of cci.
//
// The defaults reproduce the committed sample:
//
//	go run ./cmd/gentrail -out testdata/trails/sample -seed 1
//
// A benchmark trail of 200,000 records, 500 per object, every 5 minutes:
//
//	go run ./cmd/gentrail -out /tmp/trail -records 200000 -per-object 500 -interval 5m
//
// One of the benchmark shapes of issue 14 (bench, unique, mixed, ips4,
// filtered; see trailgen.Shapes), with its configuration; -records and
// -seed still apply:
//
//	go run ./cmd/gentrail -out /tmp/unique -shape unique -records 200000
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/trailgen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.As(err, new(usageError)):
		fmt.Fprintf(os.Stderr, "gentrail: error: %v\n", err)
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "gentrail: error: %v\n", err)
		os.Exit(1)
	}
}

// usageError is a bad command line, as opposed to a failure while writing.
type usageError struct{ error }

func run(ctx context.Context, args []string, stderr io.Writer) error {
	def := trailgen.SampleConfig()
	fs := flag.NewFlagSet("gentrail", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "directory to write the trail to (required)")
	seed := fs.Uint64("seed", def.Seed, "random seed")
	records := fs.Int("records", def.Records, "number of records")
	perObject := fs.Int("per-object", def.RecordsPerObject, "records per delivery object")
	start := fs.String("start", def.Start.Format(time.RFC3339), "start of the trail (RFC 3339)")
	interval := fs.Duration("interval", def.Interval, "time between a region's objects (whole minutes, at least 5m)")
	workers := fs.Int("workers", 0, "objects built in parallel (0: number of CPUs; output does not depend on it)")
	noDigest := fs.Bool("no-digest", false, "do not write a digest object")
	shape := fs.String("shape", "", "a benchmark shape (bench, unique, mixed, ips4, filtered): its configuration, with -records and -seed")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if *out == "" {
		return usageError{errors.New("-out is required")}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected arguments: %q", fs.Args())}
	}
	st, err := time.Parse(time.RFC3339, *start)
	if err != nil {
		return usageError{fmt.Errorf("parsing -start: %w", err)}
	}
	cfg := trailgen.Config{
		Seed:             *seed,
		Records:          *records,
		RecordsPerObject: *perObject,
		Start:            st,
		Interval:         *interval,
		Workers:          *workers,
		NoDigest:         *noDigest,
	}
	if *shape != "" {
		sh, ok := trailgen.ShapeByName(*shape)
		if !ok {
			return usageError{fmt.Errorf("unknown -shape %q", *shape)}
		}
		cfg = sh.Config(*records)
		cfg.Seed, cfg.Workers, cfg.NoDigest = *seed, *workers, *noDigest
	}
	began := time.Now()
	stats, err := trailgen.Write(ctx, *out, cfg)
	if err != nil {
		return fmt.Errorf("generating trail in %s: %w", *out, err)
	}
	fmt.Fprintf(stderr, "gentrail: wrote %d objects (+%d digest), %d records, %.1f MB JSON, %.1f MB gzip, %s to %s in %s\n",
		stats.Objects, stats.Digests, stats.Records, float64(stats.JSONBytes)/1e6, float64(stats.GzipBytes)/1e6,
		stats.First.Format(time.RFC3339), stats.Last.Format(time.RFC3339), time.Since(began).Round(time.Millisecond))
	return nil
}

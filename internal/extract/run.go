package extract

import (
	"context"
	"errors"
	"fmt"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/extract/source"
	"github.com/cloud-credentials-insights/cci/internal/extract/source/s3"
	"io"
	"maps"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/jsonout"
)

// Run is `cci extract`: it reads every source, writes events.json,
// file_status.json and summary.json into opts.Output and a summary on
// stderr. The error carries the exit code (see internal/exit): Partial when
// some object could not be read.
func Run(ctx context.Context, opts Options, stdout, stderr io.Writer) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	// Before any listing or waiting: a 30-minute wait must not end in
	// "permission denied".
	if err := checkOutput(opts.Output); err != nil {
		return err
	}
	var sources []source.Source
	for _, p := range opts.EventsPaths {
		s, err := source.Open(ctx, p, opts.Stdin, schemes(opts))
		if err != nil {
			return err // a usage error when the path is wrong, else a runtime error
		}
		sources = append(sources, s)
	}
	r := newRunner(opts, sources)
	defer r.status.close()
	start := time.Now()
	stopProgress := func() {}
	if tty := isTerminal(stderr); !opts.Quiet && (opts.Progress || tty) {
		interval := progressInterval
		if !tty {
			interval = progressLogInterval
		}
		stopProgress = startProgress(ctx, stderr, &r.counters, start, tty, interval)
		r.lo.Sizes = true // for the ETA from bytes
	}
	err := r.pass(ctx)
	if err == nil && !opts.WaitUntil.IsZero() {
		err = r.wait(ctx, stderr)
	}
	stopProgress()
	interrupted := ctx.Err() != nil
	if err != nil && !errors.Is(err, errWaitTimedOut) && !interrupted {
		return fmt.Errorf("extracting: %w", err)
	}
	var waitErr error
	if !interrupted {
		waitErr = err
	}
	sum, err := r.write(interrupted)
	if err != nil {
		return err
	}
	if !opts.Quiet {
		r.printSummary(stderr, sum, time.Since(start))
	}
	if interrupted {
		return r.interrupted(ctx, stderr, sum)
	}
	empty := sum.RecordsProcessed == 0
	if empty {
		fmt.Fprintf(stderr, "cci: warning: nothing analysed: %s\n", r.emptyReason(sum))
	}
	if failed := sum.ObjectsByResult[events.ResultError]; failed > 0 {
		return exit.Errorf(exit.Partial, "%d of %d objects could not be read; see %s", failed, sum.Objects, filepath.Join(opts.Output, events.FileStatusFile))
	}
	if empty && opts.failOn(FailEmpty) {
		return exit.Errorf(exit.Findings, "no record kept (--fail-on %s)", FailEmpty)
	}
	if waitErr != nil {
		if opts.WaitStrict {
			return &exit.Error{Code: exit.WaitTimeout, Err: waitErr}
		}
		fmt.Fprintf(stderr, "cci: warning: %v\n", waitErr)
	}
	return nil
}

// interrupted ends a run stopped by a signal: the partial result is
// written; say so and return the signal's error (exit 130 or 143).
func (r *runner) interrupted(ctx context.Context, stderr io.Writer, sum *events.Summary) error {
	cause := context.Cause(ctx)
	fmt.Fprintf(stderr, "cci: warning: %v: wrote the %d objects finished (%d interrupted) to %s, with \"interrupted\": true in %s\n",
		cause, sum.Objects-sum.ObjectsByResult[events.ResultInterrupted], sum.ObjectsByResult[events.ResultInterrupted],
		r.opts.Output, events.SummaryFile)
	var ee *exit.Error
	if errors.As(cause, &ee) {
		return cause
	}
	return &exit.Error{Code: exit.Interrupted, Err: fmt.Errorf("interrupted: %w", cause)}
}

var errWaitTimedOut = errors.New("wait timed out")

// wait lists again until a record after WaitUntil has been seen or the
// timeout passes. Only objects not seen before are processed, so the
// result equals one pass over everything.
func (r *runner) wait(ctx context.Context, stderr io.Writer) error {
	deadline := time.Now().Add(r.opts.WaitTimeout)
	target := r.opts.WaitUntil.Unix()
	for r.latest.Load() <= target {
		if !time.Now().Before(deadline) {
			return fmt.Errorf("%w: no record after %s within %s (newest seen: %s)", errWaitTimedOut,
				r.opts.WaitUntil.UTC().Format(time.RFC3339), r.opts.WaitTimeout, r.latestString())
		}
		if !r.opts.Quiet {
			fmt.Fprintf(stderr, "cci: waiting for records after %s (newest seen: %s)\n",
				r.opts.WaitUntil.UTC().Format(time.RFC3339), r.latestString())
		}
		sleep := min(r.opts.WaitInterval, time.Until(deadline))
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-time.After(max(sleep, 0)):
		}
		if err := r.pass(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (r *runner) latestString() string {
	if l := r.latest.Load(); l > 0 {
		return formatTime(l)
	}
	return "none"
}

// write produces the output files from the merged aggregate and the
// status log.
func (r *runner) write(interrupted bool) (*events.Summary, error) {
	ids := r.total.identities(r.keep, r.tops.result())
	t := &r.status.tally
	sum := &events.Summary{
		Version: r.opts.Version, Interrupted: interrupted, DuplicateRecords: r.dups,
		Objects: t.objects, ObjectsByResult: maps.Clone(t.byResult), DigestsSkipped: t.digests,
		Records: t.records, RecordsProcessed: t.processed, RecordsSkipped: t.skipped, RecordsInvalid: t.invalid,
		ServiceRecords: r.total.service, Identities: len(ids), DataEventSources: sortedSet(r.total.dataSrcs),
	}
	if sum.DataEventSources == nil {
		sum.DataEventSources = []string{}
	}
	sum.DataEventBuckets = sortedSet(r.total.dataBuckets)
	if sum.DataEventBuckets == nil {
		sum.DataEventBuckets = []string{}
	}
	if r.total.first != 0 {
		sum.FirstEvent, sum.LastEvent = formatTime(r.total.first), formatTime(r.total.last)
	}
	// file_status.json first: merging the spilled entries is the write most
	// likely to fail, and a failed run should leave as little as it can.
	statuses := func(yield func(*events.FileStatus, error) bool) {
		errStop := errors.New("stop")
		err := r.status.each(func(st *events.FileStatus) error {
			if !yield(st, nil) {
				return errStop
			}
			return nil
		})
		if err != nil && err != errStop {
			yield(nil, err)
		}
	}
	if err := jsonout.WriteSeq(filepath.Join(r.opts.Output, events.FileStatusFile), statuses); err != nil {
		return nil, err
	}
	for name, v := range map[string]any{events.EventsFile: ids, events.SummaryFile: sum} {
		if err := jsonout.WriteFile(filepath.Join(r.opts.Output, name), v); err != nil {
			return nil, err
		}
	}
	return sum, nil
}

func (r *runner) printSummary(w io.Writer, s *events.Summary, took time.Duration) {
	interrupted := ""
	if n := s.ObjectsByResult[events.ResultInterrupted]; n > 0 {
		interrupted = fmt.Sprintf(", %d interrupted", n)
	}
	fmt.Fprintf(w, "cci: %d objects (%d success, %d partial, %d skipped, %d error%s; %d digests)\n",
		s.Objects, s.ObjectsByResult[events.ResultSuccess], s.ObjectsByResult[events.ResultPartial],
		s.ObjectsByResult[events.ResultSkipped], s.ObjectsByResult[events.ResultError], interrupted, s.DigestsSkipped)
	dups := ""
	if s.DuplicateRecords > 0 {
		dups = fmt.Sprintf(" (%d duplicates)", s.DuplicateRecords)
	}
	fmt.Fprintf(w, "cci: %d records (%d kept, %d filtered out%s, %d invalid; %d by AWS services)\n",
		s.Records, s.RecordsProcessed, s.RecordsSkipped, dups, s.RecordsInvalid, s.ServiceRecords)
	if s.FirstEvent != "" {
		fmt.Fprintf(w, "cci: %d identities, events from %s to %s\n", s.Identities, s.FirstEvent, s.LastEvent)
	} else {
		fmt.Fprintf(w, "cci: %d identities\n", s.Identities)
	}
	t := &r.status.tally
	if len(t.skipReasons) > 0 {
		reasons := make([]string, 0, len(t.skipReasons))
		for reason, n := range t.skipReasons {
			reasons = append(reasons, fmt.Sprintf("%d %s", n, reason))
		}
		sort.Strings(reasons)
		fmt.Fprintf(w, "cci: skipped: %s\n", strings.Join(reasons, ", "))
	}
	for _, st := range t.problems {
		fmt.Fprintf(w, "cci: warning: %s: %s: %s\n", st.File, st.Result, st.Error)
	}
	if t.problemCount > len(t.problems) {
		fmt.Fprintf(w, "cci: warning: more objects with problems; see %s\n", events.FileStatusFile)
	}
	fmt.Fprintf(w, "cci: wrote %s, %s, %s to %s in %s\n", events.EventsFile, events.FileStatusFile, events.SummaryFile, r.opts.Output, took.Round(time.Millisecond))
}

// schemes are the remote sources extract reads, by URL scheme.
func schemes(opts Options) map[string]source.Opener {
	return map[string]source.Opener{
		"s3": func(ctx context.Context, spec string) (source.Source, error) {
			return s3.Open(ctx, spec, s3.Options{
				EndpointURL: opts.EndpointURL,
				PathStyle:   opts.S3PathStyle,
				// The fetch pool (fetch.go) keeps up to this many open.
				MaxOpen: max(opts.S3Concurrency, fetchInitial),
			})
		},
	}
}

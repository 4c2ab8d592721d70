package rundiff

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// Run diffs the two runs or the two sets of requests of opts and writes
// the report to stdout; warnings go to stderr. The error is exit.Findings
// when a --fail-on finding exists.
func Run(ctx context.Context, opts Options, stdout, stderr io.Writer) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	warn := func(s string) { fmt.Fprintf(stderr, "cci: warning: %s\n", s) }
	var found []string
	if len(opts.CredentialsRequestsPaths) == 2 {
		rep, err := DiffRequests(opts.CredentialsRequestsPaths[0], opts.CredentialsRequestsPaths[1])
		if err != nil {
			return err
		}
		for _, p := range rep.Problems {
			warn("skipped " + p)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := printRequests(stdout, opts.Format, rep); err != nil {
			return fmt.Errorf("writing report: %w", err)
		}
		for _, f := range opts.FailOn {
			if f == FailNewRequired && requestsGrew(rep) {
				found = append(found, f)
			}
		}
		return verdict(found, stderr)
	}
	a, err := ReadRun(opts.Paths[0])
	if err != nil {
		return err
	}
	b, err := ReadRun(opts.Paths[1])
	if err != nil {
		return err
	}
	if a.Kind != b.Kind {
		return exit.Errorf(exit.Usage, "%s is %s and %s is %s: diff two extract outputs or two compare outputs", a.Path, a.Kind, b.Path, b.Kind)
	}
	if opts.Counts && a.Kind == KindCompiled {
		warn("compiled_users.json holds no call counts: --counts compares the denied counts only")
	}
	for _, in := range []*Input{a, b} {
		if len(in.Identities) == 0 {
			warn(fmt.Sprintf("nothing to compare: %s holds no identity", in.Path))
		}
	}
	rep := DiffRuns(a, b, opts.Counts, warn)
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := printRuns(stdout, opts.Format, rep); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	for _, f := range opts.FailOn {
		if runsFinding(rep, f) {
			found = append(found, f)
		}
	}
	return verdict(found, stderr)
}

func verdict(found []string, stderr io.Writer) error {
	if len(found) == 0 {
		return nil
	}
	return exit.Errorf(exit.Findings, "findings matched --fail-on: %s", strings.Join(found, ", "))
}

// runsFinding reports whether rep has finding f; an identity that
// appeared counts with what it has.
func runsFinding(rep *RunsReport, f string) bool {
	for _, p := range rep.Changed {
		switch {
		case f == FailNewMissing && len(p.MissingNew) > 0,
			f == FailNewRequired && len(p.RequiredAdded) > 0,
			f == FailNewDenied && len(p.DeniedNew) > 0:
			return true
		}
	}
	for _, u := range rep.Appeared {
		switch {
		case f == FailNewMissing && len(u.Missing) > 0,
			f == FailNewRequired && len(u.Required) > 0,
			f == FailNewDenied && len(u.Denied) > 0:
			return true
		}
	}
	return false
}

func requestsGrew(rep *RequestsReport) bool {
	for _, c := range rep.Changed {
		if len(c.ActionsAdded) > 0 {
			return true
		}
	}
	for _, r := range rep.Added {
		if len(r.Actions) > 0 {
			return true
		}
	}
	return false
}

package rundiff

import (
	"errors"
	"fmt"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// Output formats.
const (
	FormatTable    = "table"
	FormatMarkdown = "markdown"
	FormatJSON     = "json"
)

// Findings --fail-on can name.
const (
	FailNewMissing  = "new-missing"
	FailNewRequired = "new-required"
	FailNewDenied   = "new-denied"
)

// Options are the inputs of Run. The CLI fills them from arguments, flags
// and CCI_* environment variables; Validate checks them before any I/O.
type Options struct {
	// Paths are the two runs, A then B: events.json or compiled_users.json
	// files, or the directories holding them.
	Paths []string
	// CredentialsRequestsPaths are two sets of CredentialsRequests to diff
	// instead of runs.
	CredentialsRequestsPaths []string
	// Counts compares call counts too.
	Counts bool
	// Format is table (default), markdown or json.
	Format string
	// FailOn lists findings that make Run return exit.Findings.
	FailOn []string
}

// Validate checks and normalises o. Errors are usage errors.
func (o *Options) Validate() error {
	var errs []error
	switch {
	case len(o.Paths) == 0 && len(o.CredentialsRequestsPaths) == 0:
		errs = append(errs, errors.New("want two runs (cci diff A B) or two --credentials-requests-path"))
	case len(o.Paths) > 0 && len(o.CredentialsRequestsPaths) > 0:
		errs = append(errs, errors.New("give two runs or two --credentials-requests-path, not both"))
	case len(o.Paths) > 0 && len(o.Paths) != 2:
		errs = append(errs, fmt.Errorf("want two runs to diff, got %d", len(o.Paths)))
	case len(o.CredentialsRequestsPaths) > 0 && len(o.CredentialsRequestsPaths) != 2:
		errs = append(errs, fmt.Errorf("want --credentials-requests-path twice, got %d", len(o.CredentialsRequestsPaths)))
	}
	for _, p := range append(append([]string{}, o.Paths...), o.CredentialsRequestsPaths...) {
		if p == "" {
			errs = append(errs, errors.New("empty path"))
		}
	}
	switch o.Format {
	case "":
		o.Format = FormatTable
	case FormatTable, FormatMarkdown, FormatJSON:
	default:
		errs = append(errs, fmt.Errorf("--format %q: want table, markdown or json", o.Format))
	}
	if fail, err := exit.ParseFailOn(o.FailOn, []string{FailNewDenied, FailNewMissing, FailNewRequired}); err != nil {
		errs = append(errs, err)
	} else {
		o.FailOn = fail
	}
	if err := errors.Join(errs...); err != nil {
		return &exit.Error{Code: exit.Usage, Err: err}
	}
	return nil
}

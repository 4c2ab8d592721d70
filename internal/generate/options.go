package generate

import (
	"errors"
	"fmt"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// Output formats.
const (
	FormatIAMPolicy          = "iam-policy"
	FormatCredentialsRequest = "credentials-request"
)

// Options are the inputs of Run. The CLI fills them from flags and CCI_*
// environment variables; Validate checks them before any I/O.
type Options struct {
	// EventsPath is events.json of cci extract, or the directory holding it.
	EventsPath string
	// Compiled is compiled_users.json of cci compare: which request each
	// identity matched, and its unsupportedCheck. Required for
	// credentials-request.
	Compiled string
	// CredentialsRequestsPath holds the original manifests; empty reads
	// credentials_requests.json beside Compiled.
	CredentialsRequestsPath string
	// Identities, when set, selects the identities to generate for.
	Identities []string
	// Format is iam-policy (default) or credentials-request.
	Format string
	// Resources writes the ARNs the trail showed (events.json's
	// resources) as the Resource of the actions that have them
	// (docs/generate.md).
	Resources bool
	// Collapse folds action families into wildcards that grant no more.
	Collapse bool
	// Output is a directory for one file per identity (per request for
	// credentials-request); empty writes to stdout.
	Output string
}

// Validate checks and normalises o. Errors are usage errors.
func (o *Options) Validate() error {
	var errs []error
	if o.EventsPath == "" {
		errs = append(errs, errors.New("--events-path is required"))
	}
	switch o.Format {
	case "":
		o.Format = FormatIAMPolicy
	case FormatIAMPolicy, FormatCredentialsRequest:
	default:
		errs = append(errs, fmt.Errorf("--format %q: want %s or %s", o.Format, FormatIAMPolicy, FormatCredentialsRequest))
	}
	if o.Format == FormatCredentialsRequest && o.Compiled == "" {
		errs = append(errs, errors.New("--format credentials-request needs --compiled (compiled_users.json of cci compare) to know which request each identity matched"))
	}
	if o.CredentialsRequestsPath != "" && o.Compiled == "" {
		errs = append(errs, errors.New("--credentials-requests-path needs --compiled"))
	}
	for _, id := range o.Identities {
		if id == "" {
			errs = append(errs, errors.New("--identity: empty name"))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return &exit.Error{Code: exit.Usage, Err: err}
	}
	return nil
}

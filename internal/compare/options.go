package compare

import (
	"sort"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// Output formats of the report on stdout.
const (
	FormatTable    = "table"
	FormatMarkdown = "markdown"
	FormatJSON     = "json"
)

// Findings that --fail-on can name.
const (
	FailMissing = "missing"
	FailDenied  = "denied"
	FailExtra   = "extra"
	FailUnknown = "unknown" // unknown and ambiguous identities
	// FailEmpty: nothing was compared (no identity in the events, none
	// matched, or no AWS CredentialsRequest loaded).
	FailEmpty = "empty"
	// FailUnmatched: a CredentialsRequest that no observed identity used
	// (requestsWithoutIdentity).
	FailUnmatched = "unmatched"
)

var failKinds = []string{FailMissing, FailDenied, FailExtra, FailUnknown, FailEmpty, FailUnmatched}

// Options are the inputs of Run. The CLI fills them from flags and CCI_*
// environment variables; Validate checks them before any I/O.
type Options struct {
	// EventsPath is events.json written by `cci extract` (or the legacy
	// tool). summary.json beside it, when present, says which data events
	// the trail logged.
	EventsPath string
	// CredentialsRequestsPath is a directory of CredentialsRequest
	// manifests (searched recursively) or one manifest file.
	CredentialsRequestsPath string
	// Output is the directory for compiled_users.json,
	// compiled_users.diff.json and credentials_requests.json. Empty writes
	// no files.
	Output string
	// InstallerUserName is the IAM user the installer ran as.
	InstallerUserName string
	// InstallerRequestsFile is the installer's policy
	// (aws-permissions-policy-creds.json); `{}` means none.
	InstallerRequestsFile string
	// InstanceRolePolicies replaces the compiled-in instance-role policies.
	InstanceRolePolicies string
	// ClusterName and InfraID say whose identities to match; both empty
	// means infer them from the identities.
	ClusterName string
	InfraID     string
	// Filters are the legacy --filters; only cluster-name is used.
	Filters map[string][]string
	// Format is table (default), markdown or json.
	Format string
	// FailOn lists findings that make Run return exit.Findings.
	FailOn []string
	// Baseline is a previous compiled_users.diff.json (or
	// compiled_users.json) or an ignore file: the findings it lists are
	// reported as baselined and kept out of FailOn (see baseline.go).
	Baseline string
	// JUnit is the file for a JUnit XML report; empty writes none.
	JUnit string
	// Version is cci's version, recorded in compiled_users.json.
	Version string
	// AuthorizationDetails are pages of `aws iam
	// get-account-authorization-details`, merged: each matched identity's
	// policies in force are evaluated against its request (inforce.go).
	AuthorizationDetails []string
}

// Validate checks and normalises o. Errors are usage errors.
func (o *Options) Validate() error {
	if o.EventsPath == "" {
		return exit.Errorf(exit.Usage, "--events-path is required (the events.json written by cci extract)")
	}
	if o.CredentialsRequestsPath == "" {
		return exit.Errorf(exit.Usage, "--credentials-requests-path is required (a directory of CredentialsRequest manifests)")
	}
	if o.JUnit != "" && (o.JUnit == o.Baseline || o.JUnit == o.EventsPath) {
		return exit.Errorf(exit.Usage, "--junit %s: it is an input too", o.JUnit)
	}
	if vs := o.Filters["cluster-name"]; len(vs) > 0 {
		v := vs[len(vs)-1]
		for _, x := range vs {
			if x != v {
				return exit.Errorf(exit.Usage, "--filters: cluster-name given twice (%q, %q)", x, v)
			}
		}
		if o.ClusterName != "" && o.ClusterName != v {
			return exit.Errorf(exit.Usage, "--cluster-name %q and --filters cluster-name=%s disagree", o.ClusterName, v)
		}
		o.ClusterName = v
	}
	switch strings.ToLower(o.Format) {
	case "", FormatTable:
		o.Format = FormatTable
	case FormatMarkdown, "md":
		o.Format = FormatMarkdown
	case FormatJSON:
		o.Format = FormatJSON
	default:
		return exit.Errorf(exit.Usage, "--format %q: want table, markdown or json", o.Format)
	}
	fail, err := exit.ParseFailOn(o.FailOn, failKinds)
	if err != nil {
		return &exit.Error{Code: exit.Usage, Err: err}
	}
	o.FailOn = fail
	return nil
}

func (o *Options) failOn(kind string) bool {
	for _, k := range o.FailOn {
		if k == kind {
			return true
		}
	}
	return false
}

// dedupe sorts and de-duplicates, returning a non-nil slice.
func dedupe(ss []string) []string {
	out := make([]string, 0, len(ss))
	seen := make(map[string]bool, len(ss))
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

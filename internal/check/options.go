package check

import (
	"net/http"
	"strings"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/oidc"
	"github.com/cloud-credentials-insights/cci/internal/policyfile"
)

// Output formats of the report on stdout.
const (
	FormatTable    = "table"
	FormatMarkdown = "markdown"
	FormatJSON     = "json"
)

// Modes say which identities implement the CredentialsRequests.
const (
	ModeAuto = "auto" // an STS role or a minted user, whichever exists
	ModeMint = "mint" // minted users only
	ModeSTS  = "sts"  // ccoctl roles only
)

// Findings that --fail-on can name.
const (
	FailDenied           = "denied"
	FailAbsent           = "absent"
	FailUntrusted        = "untrusted"
	FailSourceRestricted = "source-restricted"
)

var failKinds = []string{FailAbsent, FailDenied, FailSourceRestricted, FailUntrusted}

// CheckFile is the report written into Options.Output.
const CheckFile = "check.json"

// Options are the inputs of Run. The CLI fills them from flags and CCI_*
// environment variables; Validate checks them before any I/O.
type Options struct {
	// CredentialsRequestsPath is a directory of CredentialsRequest
	// manifests (searched recursively) or one manifest file.
	CredentialsRequestsPath string
	// AuthorizationDetails are the pages of `aws iam
	// get-account-authorization-details` output, merged.
	AuthorizationDetails []string
	// SCPLevels holds one organization level each (root, OU, ...,
	// account): a policy file or a directory of them, as in cci simulate.
	SCPLevels []string
	// EndpointPolicy is a VPC endpoint policy file.
	EndpointPolicy string
	// OIDCProvider is the output of `aws iam get-open-id-connect-provider`.
	OIDCProvider string
	// ProbeOIDC fetches the issuer's discovery document and keys without
	// credentials. The only online step.
	ProbeOIDC bool
	// ProbeTimeout bounds each probe request; 0 is oidc.DefaultProbeTimeout.
	ProbeTimeout time.Duration
	// HTTPClient is used by the probe; nil is a plain client.
	HTTPClient *http.Client
	// ClusterName (ccoctl --name) and InfraID say whose identities to look
	// for; both empty means infer them from the account's names.
	ClusterName string
	InfraID     string
	// Mode is auto (default), mint or sts.
	Mode string
	// InstallerUserName is the IAM user the installer runs as;
	// InstallerRequestsFile its policy (aws-permissions-policy-creds.json),
	// whose Allow actions are checked like a CredentialsRequest's.
	InstallerUserName     string
	InstallerRequestsFile string
	// ContextEntries add condition keys to every request, as in cci
	// simulate (shorthand, JSON or file://).
	ContextEntries []string
	// Output is the directory for check.json; empty writes no file.
	Output string
	// Format is table (default), markdown or json.
	Format string
	// FailOn lists findings that make Run return exit.Findings; an element
	// may be a comma list.
	FailOn []string

	shorthand []policyfile.ContextEntry
}

// Validate checks and normalises o. Errors are usage errors.
func (o *Options) Validate() error {
	if o.CredentialsRequestsPath == "" {
		return exit.Errorf(exit.Usage, "--credentials-requests-path is required (a directory of CredentialsRequest manifests)")
	}
	if len(o.AuthorizationDetails) == 0 {
		return exit.Errorf(exit.Usage, "--authorization-details is required (the output of aws iam get-account-authorization-details)")
	}
	for _, f := range o.AuthorizationDetails {
		if strings.TrimPrefix(f, "file://") == "" {
			return exit.Errorf(exit.Usage, "--authorization-details: empty file name")
		}
	}
	for _, f := range o.SCPLevels {
		if strings.TrimPrefix(f, "file://") == "" {
			return exit.Errorf(exit.Usage, "--scp: empty file name")
		}
	}
	switch m := strings.ToLower(o.Mode); m {
	case "":
		o.Mode = ModeAuto
	case ModeAuto, ModeMint, ModeSTS:
		o.Mode = m
	default:
		return exit.Errorf(exit.Usage, "--mode %q: want auto, mint or sts", o.Mode)
	}
	if o.InstallerRequestsFile != "" && o.InstallerUserName == "" {
		return exit.Errorf(exit.Usage, "--installer-requests-file needs --installer-user-name (whose policies to check)")
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
	if o.ProbeOIDC && o.OIDCProvider == "" {
		return exit.Errorf(exit.Usage, "--probe-oidc needs --oidc-provider (whose issuer to probe)")
	}
	if o.ProbeTimeout < 0 {
		return exit.Errorf(exit.Usage, "--probe-timeout %s: want a positive duration", o.ProbeTimeout)
	}
	if o.ProbeTimeout == 0 {
		o.ProbeTimeout = oidc.DefaultProbeTimeout
	}
	sh, err := policyfile.ParseEntries(o.ContextEntries)
	if err != nil {
		return err
	}
	o.shorthand = sh
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

// compact removes adjacent duplicates of a sorted list; never nil.
func compact(ss []string) []string {
	out := []string{}
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}

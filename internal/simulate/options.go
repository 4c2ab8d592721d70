package simulate

import (
	"slices"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/policy"
	"github.com/cloud-credentials-insights/cci/internal/policyfile"
)

// Output formats.
const (
	FormatTable = "table"
	FormatJSON  = "json"
)

// FailDenied is the --fail-on value that makes any decision other than
// "allowed" exit 3.
const FailDenied = "denied"

// Options are the inputs of Run. The CLI fills them from flags and CCI_*
// environment variables; Validate checks them before any I/O.
type Options struct {
	// PolicyFiles are identity-based policies; none means no identity
	// policy (only a resource policy can then allow).
	PolicyFiles []string
	// BoundaryFiles are permissions boundaries; each one must allow.
	BoundaryFiles []string
	// SCPLevels holds one organization level each (root, OU, ...,
	// account): a policy file or a directory of the *.json policy files
	// attached at that level. A level holding no policy allows nothing.
	SCPLevels []string
	// ResourcePolicy, SessionPolicy and EndpointPolicy are single files.
	ResourcePolicy string
	SessionPolicy  string
	EndpointPolicy string
	// Actions are the actions to simulate; an element may be a comma list.
	Actions []string
	// Resources are the request resources; none means "*".
	Resources []string
	// CallerARN is the principal: it fills policy variables,
	// aws:PrincipalArn, aws:username and resource-policy principals.
	CallerARN string
	// ResourceOwner is the account owning resources whose ARN has none.
	ResourceOwner string
	// ContextEntries are AWS CLI context entries: the shorthand
	// "ContextKeyName=k,ContextKeyValues=v1,v2,ContextKeyType=string", a
	// JSON list of entries, or file://entries.json.
	ContextEntries []string
	// Format is table (default) or json.
	Format string
	// FailOn lists findings that make Run return exit.Findings: "denied".
	FailOn []string

	// shorthand holds the parsed shorthand entries (Validate).
	shorthand []policyfile.ContextEntry
}

// Validate checks and normalises o. Errors are usage errors.
func (o *Options) Validate() error {
	var actions []string
	for _, a := range o.Actions {
		for _, x := range strings.Split(a, ",") {
			if x = strings.TrimSpace(x); x != "" {
				actions = append(actions, x)
			}
		}
	}
	if len(actions) == 0 {
		return exit.Errorf(exit.Usage, "--action-names is required (e.g. --action-names ec2:RunInstances,s3:GetObject)")
	}
	o.Actions = actions
	if len(o.Resources) == 0 {
		o.Resources = []string{"*"}
	}
	for _, r := range o.Resources {
		if r == "" {
			return exit.Errorf(exit.Usage, "--resource-arns: empty value")
		}
	}
	switch f := strings.ToLower(o.Format); f {
	case "":
		o.Format = FormatTable
	case FormatTable, FormatJSON:
		o.Format = f
	default:
		return exit.Errorf(exit.Usage, "--format %q: want table or json", o.Format)
	}
	fail, err := exit.ParseFailOn(o.FailOn, []string{FailDenied})
	if err != nil {
		return &exit.Error{Code: exit.Usage, Err: err}
	}
	o.FailOn = fail
	if o.ResourceOwner != "" && !policy.IsAccountID(o.ResourceOwner) {
		return exit.Errorf(exit.Usage, "--resource-owner %q: want a 12-digit account ID", o.ResourceOwner)
	}
	for _, l := range []struct {
		flag  string
		files []string
	}{{"policy-input-list", o.PolicyFiles}, {"permissions-boundary-policy-input-list", o.BoundaryFiles}, {"scp", o.SCPLevels}} {
		for _, f := range l.files {
			if strings.TrimPrefix(f, "file://") == "" {
				return exit.Errorf(exit.Usage, "--%s: empty file name", l.flag)
			}
		}
	}
	sh, err := policyfile.ParseEntries(o.ContextEntries)
	if err != nil {
		return err
	}
	o.shorthand = sh
	return nil
}

func (o *Options) failOnDenied() bool { return slices.Contains(o.FailOn, FailDenied) }

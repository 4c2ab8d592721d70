package check

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/credreq"
	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/jsonout"
	"github.com/cloud-credentials-insights/cci/internal/oidc"
	"github.com/cloud-credentials-insights/cci/internal/policy"
	"github.com/cloud-credentials-insights/cci/internal/policyfile"
)

// MaxDetailsSize bounds one page of authorization details.
const MaxDetailsSize = 1 << 30

// Run checks the account, writes check.json into opts.Output and the
// report in opts.Format to stdout. Diagnostics go to stderr. The error
// carries the exit code: exit.Usage for unreadable inputs, exit.Partial
// when some could not be used (the report is still written),
// exit.Findings when a --fail-on finding exists.
func Run(ctx context.Context, opts Options, stdout, stderr io.Writer) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	rep, err := Check(ctx, &opts, stderr)
	if err != nil {
		return err
	}
	if opts.Output != "" {
		if err := os.MkdirAll(opts.Output, 0o755); err != nil {
			return fmt.Errorf("creating output directory: %w", err)
		}
		if err := jsonout.WriteFile(filepath.Join(opts.Output, CheckFile), rep); err != nil {
			return fmt.Errorf("writing %s: %w", CheckFile, err)
		}
	}
	if err := printReport(stdout, opts.Format, rep); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return verdict(&opts, rep, stderr)
}

// checker is the state of one Check.
type checker struct {
	opts     *Options
	stderr   io.Writer
	rep      *Report
	account  *policy.AccountDetails
	scp      [][]*policy.Policy
	scpNames map[string]int // SCP policy name -> level, from 1
	endpoint []*policy.Policy
	context  map[string][]string
	provider *oidc.Provider
	warned   map[string]bool
	// trusted maps each oidc-provider host the STS roles' trust policies
	// name to the roles naming it.
	trusted map[string][]string
}

// Check reads the inputs and builds the report; opts must be validated.
func Check(ctx context.Context, opts *Options, stderr io.Writer) (*Report, error) {
	c := &checker{opts: opts, stderr: stderr, warned: map[string]bool{}, scpNames: map[string]int{}, trusted: map[string][]string{}}
	c.rep = &Report{
		Inputs: Inputs{CredentialsRequests: opts.CredentialsRequestsPath, AuthorizationDetails: opts.AuthorizationDetails,
			SCPLevels: opts.SCPLevels, EndpointPolicy: opts.EndpointPolicy, OIDCProvider: opts.OIDCProvider, Mode: opts.Mode,
			InstallerUserName: opts.InstallerUserName, InstallerRequestsFile: opts.InstallerRequestsFile},
		Identities: []*Identity{},
		Problems:   []string{},
	}
	loaded, err := credreq.Load(opts.CredentialsRequestsPath)
	if err != nil {
		return nil, exit.Errorf(exit.Usage, "reading credentials requests: %w", err)
	}
	for _, p := range loaded.Problems {
		c.problem("skipped %s", p)
	}
	if len(loaded.Requests) == 0 {
		return nil, exit.Errorf(exit.Usage, "reading credentials requests: no AWS CredentialsRequest in %s", opts.CredentialsRequestsPath)
	}
	if err := c.loadPolicies(); err != nil {
		return nil, err
	}
	var installerDoc *policy.Policy
	if opts.InstallerRequestsFile != "" {
		if installerDoc, err = credreq.LoadPolicyFile(opts.InstallerRequestsFile); err != nil {
			return nil, exit.Errorf(exit.Usage, "reading installer requests: %w", err)
		}
	}
	if c.context, err = policyfile.LoadContext(opts.ContextEntries, opts.shorthand); err != nil {
		return nil, err
	}
	c.rep.Inputs.Context = c.context
	cluster, err := c.resolveCluster(loaded.Requests)
	if err != nil {
		return nil, err
	}
	if err := c.checkProvider(ctx); err != nil {
		return nil, err
	}
	m := &credreq.Matcher{Cluster: cluster, Requests: loaded.Requests}
	users := slices.Sorted(maps.Keys(c.account.Users))
	for _, r := range loaded.Requests {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c.rep.Identities = append(c.rep.Identities, c.checkRequest(r, cluster, m, users))
	}
	if opts.InstallerUserName != "" {
		c.rep.Identities = append(c.rep.Identities, c.checkInstaller(installerDoc, cluster))
	}
	c.checkProviderURL()
	c.summarise()
	return c.rep, nil
}

func (c *checker) problem(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.rep.Problems = append(c.rep.Problems, msg)
	fmt.Fprintf(c.stderr, "cci: warning: %s\n", msg)
}

// loadPolicies reads the authorization details, the SCP levels and the
// endpoint policy.
func (c *checker) loadPolicies() error {
	c.account = policy.NewAccountDetails()
	for _, name := range c.opts.AuthorizationDetails {
		path := strings.TrimPrefix(name, "file://")
		data, err := readFile(path, MaxDetailsSize)
		if err != nil {
			return exit.Errorf(exit.Usage, "reading authorization details: %w", err)
		}
		page, err := policy.ParseAccountDetails(data)
		if err != nil {
			return exit.Errorf(exit.Usage, "reading authorization details %s: %w", path, err)
		}
		c.account.Merge(page)
	}
	if c.account.MissingPage() {
		c.problem("every page of --authorization-details says IsTruncated: the last page is missing (give every page the AWS CLI wrote, or run it without --max-items)")
	}
	var l policyfile.Loader
	for i, lvl := range c.opts.SCPLevels {
		ps, err := l.LoadLevel(lvl)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if _, dup := c.scpNames[p.Name]; !dup {
				c.scpNames[p.Name] = i + 1
			}
		}
		c.scp = append(c.scp, ps)
	}
	if c.opts.EndpointPolicy != "" {
		p, err := l.Load(c.opts.EndpointPolicy, policy.TypeEndpoint)
		if err != nil {
			return err
		}
		c.endpoint = []*policy.Policy{p}
	}
	for _, w := range l.Warnings {
		c.warn(w.String())
	}
	return nil
}

func (c *checker) warn(msg string) {
	if c.warned[msg] {
		return
	}
	c.warned[msg] = true
	c.rep.Warnings = append(c.rep.Warnings, msg)
	fmt.Fprintf(c.stderr, "cci: warning: %s\n", msg)
}

func readFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: over %d bytes", path, limit)
	}
	return b, nil
}

// resolveCluster takes the cluster from the flags or infers it from every
// user and role name of the account.
func (c *checker) resolveCluster(reqs []*credreq.CredentialsRequest) (credreq.Cluster, error) {
	cl := credreq.Cluster{Name: c.opts.ClusterName, InfraID: c.opts.InfraID}
	if cl.Known() {
		c.rep.Cluster = Cluster{Name: cl.Name, InfraID: cl.InfraID}
		return cl, nil
	}
	names := append(slices.Sorted(maps.Keys(c.account.Users)), slices.Sorted(maps.Keys(c.account.Roles))...)
	inf := credreq.Infer(names, reqs, credreq.BuiltinInstanceRoles())
	if !inf.Cluster.Known() {
		return cl, exit.Errorf(exit.Usage, "no user or role of the authorization details is named after a CredentialsRequest: give --cluster-name or --infra-id")
	}
	cl = inf.Cluster
	c.rep.Cluster = Cluster{Name: cl.Name, InfraID: cl.InfraID, InfraPrefix: cl.InfraPrefix, Inferred: true, Evidence: inf.Evidence}
	if len(inf.Others) > 0 {
		fmt.Fprintf(c.stderr, "cci: hint: the account holds identities of other clusters too (%s); give --cluster-name to pick one\n", strings.Join(inf.Others, "; "))
	}
	return cl, nil
}

// checkRequest finds and checks the identity of one CredentialsRequest.
func (c *checker) checkRequest(r *credreq.CredentialsRequest, cl credreq.Cluster, m *credreq.Matcher, users []string) *Identity {
	id := &Identity{Request: r.Ref, Name: r.Name, Namespace: r.SecretRef.Namespace, Findings: []string{}, Results: []Result{}}
	if c.opts.Mode != ModeMint {
		for _, n := range []string{cl.Name, cl.InfraID} {
			if n == "" {
				continue
			}
			role := credreq.STSRoleName(n, r.SecretRef.Namespace, r.SecretRef.Name)
			if !slices.Contains(id.LookedFor, "role "+role) {
				id.LookedFor = append(id.LookedFor, "role "+role)
			}
			if rr := c.account.Roles[role]; rr != nil && id.Kind == "" {
				id.Kind, id.Principal, id.ARN = KindSTSRole, role, rr.ARN
			}
		}
	}
	if c.opts.Mode != ModeSTS && id.Kind == "" {
		for _, u := range users {
			for _, mt := range m.Match(credreq.Identity{Name: u}) {
				if mt.Kind == credreq.KindCredentialsRequest && mt.Request == r && slices.Contains(mt.MatchedBy, credreq.ByMintUserName) && id.Kind == "" {
					id.Kind, id.Principal, id.ARN = KindMintUser, u, c.account.Users[u].ARN
				}
			}
		}
		if prefix := mintPrefix(cl); prefix != "" {
			id.LookedFor = append(id.LookedFor, "user "+credreq.MintUserName(prefix, r.Name, "?????"))
		}
	}
	if id.Kind == "" {
		id.Findings = append(id.Findings, FailAbsent)
		return id
	}
	id.LookedFor = nil
	var ip *policy.IdentityPolicies
	var err error
	if id.Kind == KindSTSRole {
		ip, _, err = c.account.RolePolicies(id.Principal)
	} else {
		ip, _, err = c.account.UserPolicies(id.Principal)
	}
	if err != nil {
		c.problem("%s: %v", r.Ref, err)
		id.Notes = append(id.Notes, "not evaluated: "+err.Error())
		return id
	}
	c.warnPolicies(ip)
	statements := r.Policy.Views()
	if id.Kind == KindMintUser {
		// CCO grants each minted user iam:GetUser on itself.
		statements = append(append([]policy.Statement(nil), statements...), policy.Statement{Effect: policy.Allow, Action: []string{"iam:GetUser"}, Resource: []string{id.ARN}})
	}
	c.evaluateStatements(id, ip, statements)
	if id.Kind == KindSTSRole {
		c.checkTrust(id, r)
	}
	return id
}

// mintPrefix is the infraID[:20] part of a minted user name, as far as it
// is known.
func mintPrefix(cl credreq.Cluster) string {
	switch {
	case cl.InfraID != "":
		return cut(cl.InfraID, 20)
	case cl.InfraPrefix != "":
		return cl.InfraPrefix
	case cl.Name != "":
		base := credreq.InfraBase(cl.Name)
		if len(base) >= 20 {
			return base[:20]
		}
		return cut(base+"-?????", 20)
	}
	return ""
}

func cut(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func (c *checker) warnPolicies(ip *policy.IdentityPolicies) {
	all := append([]*policy.Policy(nil), ip.Identity...)
	if ip.Boundary != nil {
		all = append(all, ip.Boundary)
	}
	for _, p := range all {
		for _, w := range p.Warnings {
			c.warn(p.Name + ": " + w.String())
		}
	}
}

// checkInstaller checks the installer user: its requests, if given, and
// whether its presigned URLs work from cluster nodes.
func (c *checker) checkInstaller(doc *policy.Policy, cl credreq.Cluster) *Identity {
	name := c.opts.InstallerUserName
	id := &Identity{Request: "installer", Findings: []string{}, Results: []Result{}}
	u := c.account.Users[name]
	if u == nil {
		id.LookedFor = []string{"user " + name}
		id.Findings = append(id.Findings, FailAbsent)
		return id
	}
	id.Kind, id.Principal, id.ARN = KindInstallerUser, name, u.ARN
	ip, _, err := c.account.UserPolicies(name)
	if err != nil {
		c.problem("installer: %v", err)
		id.Notes = append(id.Notes, "not evaluated: "+err.Error())
		return id
	}
	c.warnPolicies(ip)
	if doc != nil {
		c.evaluateStatements(id, ip, doc.Views())
	} else {
		id.Notes = append(id.Notes, "no --installer-requests-file: the installer's actions were not checked")
	}
	c.checkSourceRestricted(id, ip, cl)
	return id
}

// summarise counts the findings and sorts each identity's.
func (c *checker) summarise() {
	s := &c.rep.Summary
	s.Identities = len(c.rep.Identities)
	for _, id := range c.rep.Identities {
		denied := 0
		for _, r := range id.Results {
			if r.Decision != policy.Allowed {
				denied++
			}
		}
		s.Denied += denied
		if denied > 0 {
			id.Findings = append(id.Findings, FailDenied)
		}
		for _, t := range id.Trust {
			if t.Decision != policy.Allowed && !slices.Contains(id.Findings, FailUntrusted) {
				id.Findings = append(id.Findings, FailUntrusted)
			}
		}
		sort.Strings(id.Findings)
		id.Findings = compact(id.Findings)
		for _, f := range id.Findings {
			switch f {
			case FailAbsent:
				s.Absent++
			case FailUntrusted:
				s.Untrusted++
			case FailSourceRestricted:
				s.SourceRestricted++
			}
		}
	}
	if c.rep.OIDC != nil {
		for _, ch := range c.rep.OIDC.Checks {
			if !ch.OK {
				s.Untrusted++
			}
		}
	}
}

// verdict maps problems and --fail-on findings to the exit code.
func verdict(opts *Options, rep *Report, stderr io.Writer) error {
	var found []string
	s := rep.Summary
	for _, f := range []struct {
		kind string
		n    int
		what string
	}{{FailAbsent, s.Absent, "absent"}, {FailDenied, s.Denied, "denied"}, {FailSourceRestricted, s.SourceRestricted, "source-restricted"}, {FailUntrusted, s.Untrusted, "untrusted"}} {
		if opts.failOn(f.kind) && f.n > 0 {
			found = append(found, fmt.Sprintf("%d %s", f.n, f.what))
		}
	}
	if len(rep.Problems) > 0 {
		if len(found) > 0 {
			fmt.Fprintf(stderr, "cci: warning: --fail-on findings: %s\n", strings.Join(found, ", "))
		}
		return exit.Errorf(exit.Partial, "%d input problem(s); the result is partial", len(rep.Problems))
	}
	if len(found) > 0 {
		return exit.Errorf(exit.Findings, "--fail-on findings: %s", strings.Join(found, ", "))
	}
	return nil
}

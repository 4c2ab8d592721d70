package compare

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/credreq"
	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// Output file names, as the legacy tool wrote them.
const (
	CompiledUsersFile       = "compiled_users.json"
	CompiledUsersDiffFile   = "compiled_users.diff.json"
	CredentialsRequestsFile = "credentials_requests.json"
)

// mintImplicit are actions the cloud-credential-operator grants every user
// it mints, on that user, without any manifest listing them.
var mintImplicit = []string{"iam:GetUser"}

// Run compares the identities of opts.EventsPath with what they were
// granted, writes the report files into opts.Output and the report in
// opts.Format to stdout. Diagnostics go to stderr. The error carries the
// exit code: exit.Partial when inputs were skipped, exit.Findings when a
// --fail-on finding exists.
func Run(ctx context.Context, opts Options, stdout, stderr io.Writer) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	var baseline []*baselineEntry
	if opts.Baseline != "" {
		var err error
		if baseline, err = loadBaseline(opts.Baseline); err != nil {
			return err
		}
	}
	rep, requests, err := Compile(ctx, opts, stderr)
	if err != nil {
		return err
	}
	fs := findings(rep)
	if opts.Baseline != "" {
		rep.Inputs.Baseline = opts.Baseline
		applyBaseline(rep, fs, baseline, now().UTC(), func(format string, args ...any) {
			warnf(stderr, "warning", format, args...)
		})
	}
	if opts.Output != "" {
		if err := writeOutputs(opts.Output, rep, requests); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := printReport(stdout, opts.Format, rep); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	if opts.JUnit != "" {
		if err := writeJUnit(opts.JUnit, opts, rep, fs); err != nil {
			return err
		}
	}
	return verdict(opts, rep, fs, stderr)
}

// now is the clock of baseline expiry; tests set it.
var now = time.Now

// Compile builds the report without writing it; warnings go to stderr.
// It also returns the loaded requests by Ref, for credentials_requests.json.
func Compile(ctx context.Context, opts Options, stderr io.Writer) (*Report, map[string]any, error) {
	ev, err := loadEvents(opts.EventsPath)
	if err != nil {
		return nil, nil, err
	}
	c := &compilation{opts: opts, stderr: stderr, ev: ev, rep: newReport(opts, ev)}
	c.rep.CCIVersion = opts.Version
	c.noteEventInputs()
	if err := c.loadGrants(); err != nil {
		return nil, nil, err
	}
	if c.account, err = loadAccount(opts.AuthorizationDetails); err != nil {
		return nil, nil, err
	}
	names := sortedKeys(ev.Identities)
	c.resolveCluster(names)
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		c.compareIdentity(name)
	}
	c.listRequestsWithoutIdentity()
	summarise(c.rep, len(names))
	c.hintMismatches(names)
	return c.rep, c.manifests, nil
}

// compilation is the state of one Compile, built step by step.
type compilation struct {
	opts   Options
	stderr io.Writer
	ev     *trailEvents
	rep    *Report

	loaded    *credreq.LoadResult
	manifests map[string]any // request Ref -> manifest
	installer *policy.Policy
	roles     []credreq.InstanceRole
	cluster   credreq.Cluster
	matcher   *credreq.Matcher
	account   *policy.AccountDetails // --authorization-details; nil without

	matchedRefs   map[string]bool
	installerSeen bool
}

// newReport starts the report with what is known of the inputs.
func newReport(opts Options, ev *trailEvents) *Report {
	rep := &Report{
		Problems:                []Problem{},
		RequestsWithoutIdentity: []string{},
		Inputs: Inputs{
			Events:               opts.EventsPath,
			Summary:              ev.SummaryFound,
			LegacyIdentities:     ev.Legacy,
			DataEventSources:     sortedKeys(ev.DataEventSources),
			CredentialsRequests:  opts.CredentialsRequestsPath,
			InstallerPolicy:      opts.InstallerRequestsFile,
			InstallerUserName:    opts.InstallerUserName,
			InstanceRolePolicies: credreq.BuiltinInstanceRolesName,
		},
	}
	rep.Users.ByName = map[string]*User{}
	return rep
}

// noteEventInputs says what was assumed about the events file.
func (c *compilation) noteEventInputs() {
	if len(c.ev.Legacy) > 0 {
		warnf(c.stderr, "hint", "%d identities in %s are in the legacy format; their actions were normalised", len(c.ev.Legacy), c.opts.EventsPath)
	}
	if !c.ev.SummaryFound {
		warnf(c.stderr, "hint", "no summary.json beside %s: assuming the trail logged no data events", c.opts.EventsPath)
	}
}

// addProblem records a skipped input file.
func (c *compilation) addProblem(fe *credreq.FileError) {
	c.rep.Problems = append(c.rep.Problems, Problem{File: fe.File, Line: fe.Line, Error: fe.Err.Error()})
	warnf(c.stderr, "warning", "skipped %v", fe)
}

// loadGrants reads what the identities were granted: the
// CredentialsRequests, the installer policy and the instance role policies.
func (c *compilation) loadGrants() error {
	loaded, err := credreq.Load(c.opts.CredentialsRequestsPath)
	if err != nil {
		return fmt.Errorf("reading credentials requests: %w", err)
	}
	for _, p := range loaded.Problems {
		c.addProblem(prefixed(c.opts.CredentialsRequestsPath, p))
	}
	c.rep.Inputs.RequestsLoaded = len(loaded.Requests)
	c.rep.Inputs.OtherCloudsSkipped = loaded.OtherClouds
	if len(loaded.Requests) == 0 {
		warnf(c.stderr, "warning", "no AWS CredentialsRequests found in %s", c.opts.CredentialsRequestsPath)
	}
	c.loaded = loaded
	c.manifests = map[string]any{}
	for _, r := range loaded.Requests {
		c.manifests[r.Ref] = r.Manifest
	}

	if c.opts.InstallerRequestsFile != "" {
		c.installer, err = credreq.LoadPolicyFile(c.opts.InstallerRequestsFile)
		if err != nil {
			var fe *credreq.FileError
			if !errors.As(err, &fe) {
				return err
			}
			c.addProblem(fe)
			c.installer = nil
		}
	}

	c.roles = credreq.BuiltinInstanceRoles()
	if c.opts.InstanceRolePolicies != "" {
		c.rep.Inputs.InstanceRolePolicies = c.opts.InstanceRolePolicies
		c.roles, err = credreq.LoadInstanceRoles(c.opts.InstanceRolePolicies)
		if err != nil {
			var fe *credreq.FileError
			var pe *fs.PathError
			if !errors.As(err, &fe) || errors.As(err, &pe) {
				return fmt.Errorf("reading instance role policies: %w", err)
			}
			// Skipped like any other bad input: no instance role is
			// compared, the result is partial.
			c.addProblem(fe)
			c.roles = nil
		}
	}
	return nil
}

// resolveCluster takes the cluster from the flags or infers it from the
// identity names, and builds the matcher.
func (c *compilation) resolveCluster(names []string) {
	rep := c.rep
	cluster := credreq.Cluster{Name: c.opts.ClusterName, InfraID: c.opts.InfraID}
	rep.Cluster.Source = "flags"
	if !cluster.Known() {
		inf := credreq.Infer(names, c.loaded.Requests, c.roles)
		cluster = inf.Cluster
		rep.Cluster.Evidence = inf.Evidence
		rep.Cluster.Others = inf.Others
		if cluster.Known() {
			rep.Cluster.Source = "inferred"
			warnf(c.stderr, "warning", "no --cluster-name or --infra-id: inferred %s", strings.Join(inf.Evidence, "; "))
		} else {
			rep.Cluster.Source = "none"
			warnf(c.stderr, "warning", "no --cluster-name or --infra-id, and none could be inferred: only web identity subjects can match")
		}
		if len(inf.Others) > 0 {
			warnf(c.stderr, "warning", "the events hold identities of other clusters too: %s", strings.Join(inf.Others, "; "))
			warnf(c.stderr, "hint", "pass --cluster-name or --infra-id to choose")
		}
	}
	rep.Cluster.Name, rep.Cluster.InfraID, rep.Cluster.InfraPrefix = cluster.Name, cluster.InfraID, cluster.InfraPrefix
	c.cluster = cluster
	c.matcher = &credreq.Matcher{
		Cluster:           cluster,
		InstallerUserName: c.opts.InstallerUserName,
		Requests:          c.loaded.Requests,
		InstanceRoles:     c.roles,
	}
	c.matchedRefs = map[string]bool{}
}

// compareIdentity matches one identity to what granted it permissions and
// diffs what it used against what it was granted.
func (c *compilation) compareIdentity(name string) {
	rep := c.rep
	id := c.ev.Identities[name]
	matches := c.matcher.Match(credreq.Identity{Name: name, Subjects: id.Subjects})
	obs := observe(id)
	switch len(matches) {
	case 0:
		rep.Users.Unknown = append(rep.Users.Unknown, name)
		return
	case 1:
	default:
		c.ambiguous(name, id.Type, obs, matches)
		return
	}
	mt := matches[0]
	u := &User{
		Type:           id.Type,
		Target:         mt.Kind,
		CredRequestRef: targetRef(mt.Target, c.opts, rep),
		CredRequest:    targetName(mt.Target),
		MatchedBy:      mt.MatchedBy[0],
		AlsoMatchedBy:  mt.MatchedBy[1:],
	}
	rep.Users.ByName[name] = u
	in := diffInput{obs: obs, dataSources: c.ev.dataSourcesFor(id), dataBuckets: c.ev.DataEventBuckets}
	switch mt.Kind {
	case credreq.KindInstaller:
		c.installerSeen = true
		if c.installer == nil || len(c.installer.Statements) == 0 {
			msg := "no installer policy (--installer-requests-file); not compared"
			if c.installer != nil {
				msg = "the installer policy file has no statements; not compared"
			}
			undiffed(u, obs, msg)
			return
		}
		in.policy = c.installer
	case credreq.KindInstanceRole:
		in.policy = mt.Role.Policy
		if mt.Role.Note != "" {
			u.Msg = "instance role policy applies only until " + mt.Role.Note
		}
	default:
		in.policy = mt.Request.Policy
		c.matchedRefs[mt.Request.Ref] = true
		if mt.MatchedBy[0] == credreq.ByMintUserName {
			in.implicit = mintImplicit
		}
	}
	diff(u, in)
	if c.account != nil && in.policy != nil {
		evaluateInForce(c.account, name, id, u, in.policy, obs)
	}
}

// ambiguous records an identity that matches more than one target: it is
// listed with its candidates, not compared.
func (c *compilation) ambiguous(name, typ string, obs observed, matches []credreq.Match) {
	u := &User{Type: typ, Target: "ambiguous"}
	var refs []string
	for _, mt := range matches {
		cand := Candidate{CredRequestRef: targetRef(mt.Target, c.opts, c.rep), CredRequest: targetName(mt.Target), MatchedBy: mt.MatchedBy}
		u.Candidates = append(u.Candidates, cand)
		refs = append(refs, cand.CredRequestRef)
	}
	undiffed(u, obs, "ambiguous: matches "+strings.Join(refs, " and ")+"; not compared")
	c.rep.Users.ByName[name] = u
	c.rep.Users.Ambiguous = append(c.rep.Users.Ambiguous, name)
	warnf(c.stderr, "warning", "%s is ambiguous: it matches %s", name, strings.Join(refs, " and "))
}

// listRequestsWithoutIdentity lists the requests no identity matched.
func (c *compilation) listRequestsWithoutIdentity() {
	c.rep.requestNames = map[string]string{}
	for _, r := range c.loaded.Requests {
		c.rep.requestNames[r.Ref] = r.Name
		if !c.matchedRefs[r.Ref] {
			c.rep.RequestsWithoutIdentity = append(c.rep.RequestsWithoutIdentity, r.Ref)
		}
	}
	sort.Strings(c.rep.RequestsWithoutIdentity)
}

// hintMismatches says when the flags probably did not fit the events.
func (c *compilation) hintMismatches(names []string) {
	rep := c.rep
	if c.opts.InstallerUserName != "" && !c.installerSeen {
		warnf(c.stderr, "warning", "installer user %s made no calls in %s", c.opts.InstallerUserName, c.opts.EventsPath)
	}
	switch {
	case len(names) == 0:
		why := ""
		if s := c.ev.Summary; s != nil {
			why = fmt.Sprintf(" (extract kept %d of %d records; see summary.json)", s.RecordsProcessed, s.Records)
		}
		warnf(c.stderr, "warning", "%s holds no identities%s: nothing was compared", c.ev.File, why)
	case rep.Summary.Matched == 0:
		of := ""
		if c.cluster.Known() {
			of = " cluster " + clusterLabel(c.cluster)
		}
		warnf(c.stderr, "warning", "no identity matched%s: nothing was compared; identities seen: %s",
			of, closest(names, clusterLabel(c.cluster), 3))
		if c.cluster.Known() && rep.Inputs.RequestsLoaded > 0 {
			warnf(c.stderr, "hint", "check --cluster-name / --infra-id")
		}
	}
	if c.opts.InstallerUserName == "" {
		for _, name := range rep.Users.Unknown {
			if created := createdMatched(c.ev.Identities[name].Creates, rep.Users.ByName); created > 0 {
				warnf(c.stderr, "hint", "%s created %d matched identities; if it is the installer user, pass --installer-user-name %s", name, created, name)
			}
		}
	}
}

// closest lists up to n names, those sharing the longest prefix with
// label first, and how many more there are.
func closest(names []string, label string, n int) string {
	ranked := append([]string(nil), names...)
	common := func(s string) int {
		i := 0
		for i < len(s) && i < len(label) && s[i] == label[i] {
			i++
		}
		return i
	}
	sort.SliceStable(ranked, func(i, j int) bool { return common(ranked[i]) > common(ranked[j]) })
	if len(ranked) <= n {
		return strings.Join(ranked, ", ")
	}
	return fmt.Sprintf("%s, ... (%d more)", strings.Join(ranked[:n], ", "), len(ranked)-n)
}

func createdMatched(creates []string, users map[string]*User) int {
	n := 0
	for _, c := range creates {
		if _, ok := users[c]; ok {
			n++
		}
	}
	return n
}

func clusterLabel(c credreq.Cluster) string {
	var parts []string
	for _, s := range []string{c.Name, c.InfraID, c.InfraPrefix} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(dedupe(parts), " / ")
}

// prefixed names a problem file by the path the user gave.
func prefixed(dir string, fe *credreq.FileError) *credreq.FileError {
	if strings.HasSuffix(dir, fe.File) {
		return fe
	}
	return &credreq.FileError{File: strings.TrimSuffix(dir, "/") + "/" + fe.File, Line: fe.Line, Err: fe.Err}
}

func targetRef(t credreq.Target, opts Options, rep *Report) string {
	switch t.Kind {
	case credreq.KindCredentialsRequest:
		return t.Request.Ref
	case credreq.KindInstanceRole:
		return rep.Inputs.InstanceRolePolicies + "#" + t.Role.Key
	}
	return opts.InstallerRequestsFile
}

func targetName(t credreq.Target) string {
	switch t.Kind {
	case credreq.KindCredentialsRequest:
		return t.Request.Name
	case credreq.KindInstanceRole:
		return t.Role.Key
	}
	return "installer"
}

func summarise(rep *Report, identities int) {
	s := Summary{Identities: identities, Unknown: len(rep.Users.Unknown), Ambiguous: len(rep.Users.Ambiguous)}
	s.Matched = len(rep.Users.ByName) - s.Ambiguous
	for _, u := range rep.Users.ByName {
		s.Missing += len(u.Diff.Missing)
		s.Extra += len(u.Diff.Extra)
		s.Unchecked += len(u.Diff.UnsupportedCheck)
		s.Denied += len(u.Denied)
	}
	s.Unmatched = len(rep.RequestsWithoutIdentity)
	rep.Summary = s
	rep.Baselined = []Baselined{}
	rep.Users.Unknown = nonNil(rep.Users.Unknown)
	rep.Users.Ambiguous = nonNil(rep.Users.Ambiguous)
}

// verdict maps problems and --fail-on findings to the exit code.
// Baselined findings do not count.
func verdict(opts Options, rep *Report, fs []*finding, stderr io.Writer) error {
	count := map[string]int{}
	for _, f := range fs {
		if f.Baselined == nil {
			count[failKind(f.Kind)]++
		}
	}
	var found []string
	for _, k := range []struct{ kind, label string }{
		{FailMissing, "missing"}, {FailDenied, "denied"}, {FailExtra, "extra"},
		{FailUnknown, "unknown/ambiguous"}, {FailUnmatched, "request(s) without identity"},
	} {
		if opts.failOn(k.kind) && count[k.kind] > 0 {
			found = append(found, fmt.Sprintf("%d %s", count[k.kind], k.label))
		}
	}
	if opts.failOn(FailEmpty) && isEmpty(rep) {
		found = append(found, "empty: "+emptyReason(rep))
	}
	if len(rep.Problems) > 0 {
		if len(found) > 0 {
			warnf(stderr, "warning", "--fail-on findings: %s", strings.Join(found, ", "))
		}
		return exit.Errorf(exit.Partial, "%d input(s) skipped; the result is partial", len(rep.Problems))
	}
	if len(found) > 0 {
		return exit.Errorf(exit.Findings, "--fail-on findings: %s", strings.Join(found, ", "))
	}
	return nil
}

// isEmpty tells a run that compared nothing: no identity matched (the
// events hold none, or none of the cluster), or no AWS CredentialsRequest
// was loaded.
func isEmpty(rep *Report) bool {
	return rep.Summary.Matched == 0 || rep.Inputs.RequestsLoaded == 0
}

func emptyReason(rep *Report) string {
	switch {
	case rep.Summary.Identities == 0:
		return "no identities in the events"
	case rep.Inputs.RequestsLoaded == 0:
		return "no AWS CredentialsRequest loaded"
	}
	return "no identity matched"
}

func warnf(w io.Writer, level, format string, args ...any) {
	fmt.Fprintf(w, "cci: %s: %s\n", level, fmt.Sprintf(format, args...))
}

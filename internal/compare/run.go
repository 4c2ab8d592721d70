package compare

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

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
	rep, requests, err := Compile(ctx, opts, stderr)
	if err != nil {
		return err
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
	return verdict(opts, rep, stderr)
}

// Compile builds the report without writing it; warnings go to stderr.
// It also returns the loaded requests by Ref, for credentials_requests.json.
func Compile(ctx context.Context, opts Options, stderr io.Writer) (*Report, map[string]any, error) {
	ev, err := loadEvents(opts.EventsPath)
	if err != nil {
		return nil, nil, err
	}
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
	if len(ev.Legacy) > 0 {
		warnf(stderr, "hint", "%d identities in %s are in the legacy format; their actions were normalised", len(ev.Legacy), opts.EventsPath)
	}
	if !ev.SummaryFound {
		warnf(stderr, "hint", "no summary.json beside %s: assuming the trail logged no data events", opts.EventsPath)
	}
	addProblem := func(fe *credreq.FileError) {
		rep.Problems = append(rep.Problems, Problem{File: fe.File, Line: fe.Line, Error: fe.Err.Error()})
		warnf(stderr, "warning", "skipped %v", fe)
	}

	loaded, err := credreq.Load(opts.CredentialsRequestsPath)
	if err != nil {
		return nil, nil, fmt.Errorf("reading credentials requests: %w", err)
	}
	for _, p := range loaded.Problems {
		addProblem(prefixed(opts.CredentialsRequestsPath, p))
	}
	rep.Inputs.RequestsLoaded = len(loaded.Requests)
	rep.Inputs.OtherCloudsSkipped = loaded.OtherClouds
	if len(loaded.Requests) == 0 {
		warnf(stderr, "warning", "no AWS CredentialsRequests found in %s", opts.CredentialsRequestsPath)
	}
	requests := map[string]any{}
	for _, r := range loaded.Requests {
		requests[r.Ref] = r.Manifest
	}

	var installer *policy.Document
	if opts.InstallerRequestsFile != "" {
		installer, err = credreq.LoadPolicyFile(opts.InstallerRequestsFile)
		if err != nil {
			var fe *credreq.FileError
			if !errors.As(err, &fe) {
				return nil, nil, err
			}
			addProblem(fe)
			installer = nil
		}
	}

	roles := credreq.BuiltinInstanceRoles()
	if opts.InstanceRolePolicies != "" {
		roles, err = credreq.LoadInstanceRoles(opts.InstanceRolePolicies)
		if err != nil {
			return nil, nil, fmt.Errorf("reading instance role policies: %w", err)
		}
		rep.Inputs.InstanceRolePolicies = opts.InstanceRolePolicies
	}

	names := sortedKeys(ev.Identities)
	cluster := credreq.Cluster{Name: opts.ClusterName, InfraID: opts.InfraID}
	rep.Cluster.Source = "flags"
	if !cluster.Known() {
		inf := credreq.Infer(names, loaded.Requests, roles)
		cluster = inf.Cluster
		rep.Cluster.Evidence = inf.Evidence
		rep.Cluster.Others = inf.Others
		if cluster.Known() {
			rep.Cluster.Source = "inferred"
			warnf(stderr, "warning", "no --cluster-name or --infra-id: inferred %s", strings.Join(inf.Evidence, "; "))
		} else {
			rep.Cluster.Source = "none"
			warnf(stderr, "warning", "no --cluster-name or --infra-id, and none could be inferred: only web identity subjects can match")
		}
		if len(inf.Others) > 0 {
			warnf(stderr, "warning", "the events hold identities of other clusters too: %s", strings.Join(inf.Others, "; "))
			warnf(stderr, "hint", "pass --cluster-name or --infra-id to choose")
		}
	}
	rep.Cluster.Name, rep.Cluster.InfraID, rep.Cluster.InfraPrefix = cluster.Name, cluster.InfraID, cluster.InfraPrefix

	m := &credreq.Matcher{
		Cluster:           cluster,
		InstallerUserName: opts.InstallerUserName,
		Requests:          loaded.Requests,
		InstanceRoles:     roles,
	}
	rep.Users.ByName = map[string]*User{}
	matchedRefs := map[string]bool{}
	installerSeen := false
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		id := ev.Identities[name]
		matches := m.Match(credreq.Identity{Name: name, Subjects: id.Subjects})
		obs := observe(id)
		switch len(matches) {
		case 0:
			rep.Users.Unknown = append(rep.Users.Unknown, name)
			continue
		case 1:
		default:
			u := &User{Type: id.Type, Target: "ambiguous"}
			var refs []string
			for _, mt := range matches {
				c := Candidate{CredRequestRef: targetRef(mt.Target, opts, rep), CredRequest: targetName(mt.Target), MatchedBy: mt.MatchedBy}
				u.Candidates = append(u.Candidates, c)
				refs = append(refs, c.CredRequestRef)
			}
			undiffed(u, obs, "ambiguous: matches "+strings.Join(refs, " and ")+"; not compared")
			rep.Users.ByName[name] = u
			rep.Users.Ambiguous = append(rep.Users.Ambiguous, name)
			warnf(stderr, "warning", "%s is ambiguous: it matches %s", name, strings.Join(refs, " and "))
			continue
		}
		mt := matches[0]
		u := &User{
			Type:           id.Type,
			Target:         mt.Kind,
			CredRequestRef: targetRef(mt.Target, opts, rep),
			CredRequest:    targetName(mt.Target),
			MatchedBy:      mt.MatchedBy[0],
			AlsoMatchedBy:  mt.MatchedBy[1:],
		}
		in := diffInput{obs: obs, dataSources: ev.DataEventSources}
		switch mt.Kind {
		case credreq.KindInstaller:
			installerSeen = true
			if installer == nil || len(installer.Statement) == 0 {
				msg := "no installer policy (--installer-requests-file); not compared"
				if installer != nil {
					msg = "the installer policy file has no statements; not compared"
				}
				undiffed(u, obs, msg)
				rep.Users.ByName[name] = u
				continue
			}
			in.statements = installer.Statement
		case credreq.KindInstanceRole:
			in.statements = mt.Role.Statements
			if mt.Role.Note != "" {
				u.Msg = "instance role policy applies only until " + mt.Role.Note
			}
		default:
			in.statements = mt.Request.Statements
			matchedRefs[mt.Request.Ref] = true
			if mt.MatchedBy[0] == credreq.ByMintUserName {
				in.implicit = mintImplicit
			}
		}
		diff(u, in)
		rep.Users.ByName[name] = u
	}
	for _, r := range loaded.Requests {
		if !matchedRefs[r.Ref] {
			rep.RequestsWithoutIdentity = append(rep.RequestsWithoutIdentity, r.Ref)
		}
	}
	sort.Strings(rep.RequestsWithoutIdentity)
	if opts.InstallerUserName != "" && !installerSeen {
		warnf(stderr, "warning", "installer user %s made no calls in %s", opts.InstallerUserName, opts.EventsPath)
	}
	if len(rep.Users.ByName) == len(rep.Users.Ambiguous) && len(names) > 0 && cluster.Known() {
		warnf(stderr, "hint", "no identity matched cluster %s; check --cluster-name / --infra-id", clusterLabel(cluster))
	}
	if opts.InstallerUserName == "" {
		for _, name := range rep.Users.Unknown {
			if created := createdMatched(ev.Identities[name].Creates, rep.Users.ByName); created > 0 {
				warnf(stderr, "hint", "%s created %d matched identities; if it is the installer user, pass --installer-user-name %s", name, created, name)
			}
		}
	}
	summarise(rep, len(names))
	return rep, requests, nil
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
	rep.Summary = s
	rep.Users.Unknown = nonNil(rep.Users.Unknown)
	rep.Users.Ambiguous = nonNil(rep.Users.Ambiguous)
}

// verdict maps problems and --fail-on findings to the exit code.
func verdict(opts Options, rep *Report, stderr io.Writer) error {
	var found []string
	s := rep.Summary
	if opts.failOn(FailMissing) && s.Missing > 0 {
		found = append(found, fmt.Sprintf("%d missing", s.Missing))
	}
	if opts.failOn(FailDenied) && s.Denied > 0 {
		found = append(found, fmt.Sprintf("%d denied", s.Denied))
	}
	if opts.failOn(FailExtra) && s.Extra > 0 {
		found = append(found, fmt.Sprintf("%d extra", s.Extra))
	}
	if opts.failOn(FailUnknown) && s.Unknown+s.Ambiguous > 0 {
		found = append(found, fmt.Sprintf("%d unknown/ambiguous", s.Unknown+s.Ambiguous))
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

func warnf(w io.Writer, level, format string, args ...any) {
	fmt.Fprintf(w, "cci: %s: %s\n", level, fmt.Sprintf(format, args...))
}

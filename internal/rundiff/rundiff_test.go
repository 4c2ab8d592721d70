package rundiff

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/credreq"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/extract"
	"github.com/cloud-credentials-insights/cci/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const (
	sample   = "../../testdata/trails/sample"
	credreqs = "../../testdata/credreqs"
	next     = "testdata/release-next"
)

func runDiff(t *testing.T, opts Options) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := Run(context.Background(), opts, &stdout, &stderr)
	return stdout.String(), err
}

func extractTo(t *testing.T, until time.Time) string {
	t.Helper()
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := extract.Run(context.Background(), extract.Options{EventsPaths: []string{sample}, Output: out, Until: until, Quiet: true}, &stdout, &stderr); err != nil {
		t.Fatalf("extract: %v\n%s", err, stderr.String())
	}
	return out
}

// required and denied are the sets the test computes itself from an
// events.json, by name.
func eventSets(t *testing.T, dir string) (required, denied map[string]map[string]bool) {
	t.Helper()
	ids, err := events.ReadIdentities(filepath.Join(dir, events.EventsFile))
	if err != nil {
		t.Fatal(err)
	}
	required, denied = map[string]map[string]bool{}, map[string]map[string]bool{}
	for name, id := range ids {
		required[name], denied[name] = map[string]bool{}, map[string]bool{}
		for action, a := range id.Events {
			if !a.Permissionless {
				required[name][action] = true
			}
			for _, d := range a.Denied {
				act := d.Action
				if act == "" {
					act = action
				}
				denied[name][denial(act, d.ErrorCode, d.Cause)] = true
			}
		}
	}
	return required, denied
}

func minus(a, b map[string]bool) []string {
	out := []string{}
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// TestTimeSplit extracts the sample trail twice, up to the middle of its
// time span and whole, and wants the diff to report exactly the set
// differences computed here from the two events.json.
func TestTimeSplit(t *testing.T) {
	first, err := time.Parse(time.RFC3339, "2026-03-10T06:50:00Z")
	if err != nil {
		t.Fatal(err)
	}
	last, _ := time.Parse(time.RFC3339, "2026-03-11T09:30:00Z")
	half := extractTo(t, first.Add(last.Sub(first)/2))
	whole := extractTo(t, time.Time{})

	out, err := runDiff(t, Options{Paths: []string{half, whole}, Format: FormatJSON})
	if err != nil {
		t.Fatal(err)
	}
	var rep RunsReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	reqA, denA := eventSets(t, half)
	reqB, denB := eventSets(t, whole)

	var appeared []string
	for name := range reqB {
		if _, ok := reqA[name]; !ok {
			appeared = append(appeared, name)
		}
	}
	slices.Sort(appeared)
	var gotAppeared []string
	for _, u := range rep.Appeared {
		gotAppeared = append(gotAppeared, u.Name)
	}
	if !slices.Equal(gotAppeared, appeared) {
		t.Errorf("appeared %v, want %v", gotAppeared, appeared)
	}
	if len(rep.Disappeared) > 0 {
		t.Errorf("disappeared %v: the whole trail holds every identity of its first half", rep.Disappeared)
	}

	changed := map[string]PairDiff{}
	for _, p := range rep.Changed {
		if p.A != p.B {
			t.Errorf("paired %s with %s: one trail, the names must agree", p.A, p.B)
		}
		changed[p.A] = p
	}
	grew := 0
	for name := range reqA {
		p := changed[name]
		wantAdded, wantDenied := minus(reqB[name], reqA[name]), minus(denB[name], denA[name])
		if got := nonNil(p.RequiredAdded); !slices.Equal(got, wantAdded) {
			t.Errorf("%s: required added %v, want %v", name, got, wantAdded)
		}
		if got := nonNil(p.DeniedNew); !slices.Equal(got, wantDenied) {
			t.Errorf("%s: denied new %v, want %v", name, got, wantDenied)
		}
		if len(p.RequiredRemoved)+len(p.DeniedGone) > 0 {
			t.Errorf("%s: removed %v, gone %v: a later cut can only add", name, p.RequiredRemoved, p.DeniedGone)
		}
		grew += len(wantAdded)
	}
	if grew == 0 || len(rep.Changed) == 0 {
		t.Fatal("the second half of the trail added nothing: the split proves nothing")
	}
	if len(changed)+rep.Unchanged != len(reqA) {
		t.Errorf("%d changed + %d unchanged pairs, want the %d identities of the first half", len(changed), rep.Unchanged, len(reqA))
	}
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// writeEvents writes an events.json of the named identities, each using
// the given actions.
func writeEvents(t *testing.T, ids map[string][]string) string {
	t.Helper()
	m := map[string]*events.Identity{}
	for name, actions := range ids {
		id := &events.Identity{Provider: "AWS", Name: name, Type: "IAMUser", Events: map[string]*events.Action{}}
		for _, a := range actions {
			id.Events[a] = &events.Action{Count: 1}
		}
		m[name] = id
	}
	data, _ := json.Marshal(m)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, events.EventsFile), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestTwoClustersPair diffs the identities of two clusters with different
// names, infra IDs and mint suffixes: every identity pairs up by base
// name, and the one changed action is all the diff reports.
func TestTwoClustersPair(t *testing.T) {
	cluster := func(name, infra string, suffixes [2]string, extra string) map[string][]string {
		return map[string][]string{
			infra + "-master-role": {"ec2:DescribeInstances"},
			infra + "-worker-role": {"ec2:DescribeInstances"},
			name + "-installer":    {"ec2:RunInstances"},
			credreq.MintUserName(infra, "openshift-ingress", suffixes[0]):                             {"route53:ListHostedZones", extra},
			credreq.MintUserName(infra, "openshift-cloud-network-config-controller-aws", suffixes[1]): {"ec2:DescribeInstances"},
			credreq.STSRoleName(name, "openshift-image-registry", "installer-cloud-credentials"):      {"s3:CreateBucket"},
		}
	}
	a := writeEvents(t, cluster("ci-op-abc", "ci-op-abc-x7k2p", [2]string{"t6wz2", "k9pl2"}, "tag:GetResources"))
	b := writeEvents(t, cluster("release-4-19-long-name", "release-4-19-long-nam-q2w4r", [2]string{"bbbbb", "ccccc"}, "route53:ChangeResourceRecordSets"))
	out, err := runDiff(t, Options{Paths: []string{a, b}, Format: FormatJSON})
	if err != nil {
		t.Fatal(err)
	}
	var rep RunsReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Appeared)+len(rep.Disappeared) > 0 {
		t.Errorf("appeared %v, disappeared %v; want every identity paired", rep.Appeared, rep.Disappeared)
	}
	if rep.Unchanged != 5 || len(rep.Changed) != 1 {
		t.Fatalf("%d unchanged, %d changed; want 5 and 1", rep.Unchanged, len(rep.Changed))
	}
	p := rep.Changed[0]
	if p.Key != "openshift-ingress" || p.PairedBy != ByBaseName ||
		!slices.Equal(p.RequiredAdded, []string{"route53:ChangeResourceRecordSets"}) || !slices.Equal(p.RequiredRemoved, []string{"tag:GetResources"}) {
		t.Errorf("changed = %+v", p)
	}
}

// TestCompiledPairsByRequest pairs compare outputs by credRequestRef, even
// when the names share nothing.
func TestCompiledPairsByRequest(t *testing.T) {
	write := func(user, missing string) string {
		doc := map[string]any{"cluster": map[string]any{"source": "none"}, "users": map[string]any{
			user: map[string]any{"target": "credentials-request", "credRequestRef": "00-ingress-credentials-request.yaml",
				"required": []string{"route53:ListHostedZones"}, "diff": map[string]any{"missing": []string{missing}, "extra": []string{}}},
			"unknown": []string{}, "notFound": []string{}, "ambiguous": []string{},
		}}
		data, _ := json.Marshal(doc)
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, compiledFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	out, err := runDiff(t, Options{Paths: []string{write("aaa", "x:A"), write("zzz", "x:B")}, Format: FormatJSON, FailOn: []string{"new-missing"}})
	if exit.Code(err) != exit.Findings {
		t.Errorf("err = %v, want exit %d", err, exit.Findings)
	}
	var rep RunsReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Changed) != 1 || rep.Changed[0].PairedBy != ByCredRequestRef ||
		!slices.Equal(rep.Changed[0].MissingNew, []string{"x:B"}) || !slices.Equal(rep.Changed[0].MissingResolved, []string{"x:A"}) {
		t.Errorf("report = %s", out)
	}
}

// TestRequestsDiff diffs testdata/credreqs against a copy with one action
// removed and one added (testdata/release-next/README.md); the outputs
// are golden files.
func TestRequestsDiff(t *testing.T) {
	for _, format := range []string{FormatTable, FormatMarkdown, FormatJSON} {
		t.Run(format, func(t *testing.T) {
			out, err := runDiff(t, Options{CredentialsRequestsPaths: []string{credreqs, next}, Format: format, FailOn: []string{"new-required"}})
			if exit.Code(err) != exit.Findings {
				t.Errorf("err = %v, want exit %d (an action was added)", err, exit.Findings)
			}
			golden.Check(t, filepath.Join("testdata", "golden", "requests."+format), []byte(out), *update)
		})
	}
	rep, err := DiffRequests(credreqs, next)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Changed) != 1 || len(rep.Added)+len(rep.Removed) > 0 || rep.Unchanged != 6 {
		t.Fatalf("changed %d, added %d, removed %d, unchanged %d; want 1, 0, 0, 6", len(rep.Changed), len(rep.Added), len(rep.Removed), rep.Unchanged)
	}
	c := rep.Changed[0]
	if c.Key != "openshift-cloud-credential-operator/openshift-ingress" ||
		!slices.Equal(c.ActionsAdded, []string{"route53:GetHostedZone"}) || !slices.Equal(c.ActionsRemoved, []string{"route53:ListTagsForResources"}) {
		t.Errorf("change = %+v", c)
	}
}

// TestRunsGolden is the report of the two-cluster case in every format.
func TestRunsGolden(t *testing.T) {
	a := writeEvents(t, map[string][]string{"ci-op-abc-x7k2p-master-role": {"ec2:DescribeInstances"}, "ci-op-abc-x7k2p-openshift-ingress-t6wz2": {"route53:ListHostedZones"}, "gone": {"s3:ListBucket"}})
	b := writeEvents(t, map[string][]string{"ci-op-xyz-q2w4r-master-role": {"ec2:DescribeInstances", "ec2:DescribeRegions"}, "ci-op-xyz-q2w4r-openshift-ingress-bbbbb": {"route53:ListHostedZones"}, "new": {"s3:ListBucket"}})
	for _, format := range []string{FormatTable, FormatMarkdown, FormatJSON} {
		t.Run(format, func(t *testing.T) {
			out, err := runDiff(t, Options{Paths: []string{a, b}, Format: format, Counts: true})
			if err != nil {
				t.Fatal(err)
			}
			out = string(bytes.ReplaceAll(bytes.ReplaceAll([]byte(out), []byte(a), []byte("A")), []byte(b), []byte("B")))
			golden.Check(t, filepath.Join("testdata", "golden", "runs."+format), []byte(out), *update)
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"nothing", Options{}},
		{"one run", Options{Paths: []string{"a"}}},
		{"both modes", Options{Paths: []string{"a", "b"}, CredentialsRequestsPaths: []string{"c", "d"}}},
		{"three sets", Options{CredentialsRequestsPaths: []string{"a", "b", "c"}}},
		{"bad format", Options{Paths: []string{"a", "b"}, Format: "yaml"}},
		{"bad fail-on", Options{Paths: []string{"a", "b"}, FailOn: []string{"new-missing,extra"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			var ee *exit.Error
			if !errors.As(err, &ee) || ee.Code != exit.Usage {
				t.Errorf("Validate() = %v, want a usage error", err)
			}
		})
	}
}

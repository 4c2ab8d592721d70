package generate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/compare"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/generate"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// TestPoliciesAllowExactlyWhatWasUsed generates an IAM policy per identity
// of the sample trail and decides every action of the IAM action list
// against it with the evaluator: each action the identity used must be
// allowed, and nothing else but the unsupportedCheck entries kept (a
// wildcard stands for its expansion in the action list). Conditions are
// taken out before deciding: the check is about which actions are
// granted; the conditions are the matched request's, copied.
func TestPoliciesAllowExactlyWhatWasUsed(t *testing.T) {
	dir := sampleRun(t)
	checkPolicies(t, dir, filepath.Join(dir, compare.CompiledUsersFile), false)
	checkPolicies(t, dir, filepath.Join(dir, compare.CompiledUsersFile), true)

	// The sample's identities use no whole family; this one does (every
	// sts action, every ec2:Describe* and one more ec2 action), so that
	// --collapse writes wildcards for the evaluator to expand.
	fam := t.TempDir()
	id := &events.Identity{Provider: "AWS", Name: "family-user", Type: "IAMUser", Events: map[string]*events.Action{}}
	for _, a := range append(append(policy.ServiceActions("sts"), policy.Expand("ec2:Describe*")...), "ec2:RunInstances") {
		id.Events[a] = &events.Action{Count: 1}
	}
	data, _ := json.Marshal(map[string]*events.Identity{id.Name: id})
	if err := os.WriteFile(filepath.Join(fam, "events.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if n := checkPolicies(t, fam, "", true); n < 2 {
		t.Errorf("--collapse wrote %d wildcards for family-user, want sts:* and ec2:Describe*", n)
	}
}

// checkPolicies runs generate --format iam-policy on dir and checks each
// policy with the evaluator; it returns how many wildcard actions the
// policies hold.
func checkPolicies(t *testing.T, dir, compiledPath string, collapse bool) int {
	t.Helper()
	ids, err := events.ReadIdentities(filepath.Join(dir, "events.json"))
	if err != nil {
		t.Fatal(err)
	}
	comp := &generate.Compiled{}
	if compiledPath != "" {
		if comp, err = generate.ReadCompiled(compiledPath); err != nil {
			t.Fatal(err)
		}
	}
	all := policy.AllActions()
	{
		out := t.TempDir()
		opts := generate.Options{EventsPath: filepath.Join(dir, "events.json"), Compiled: compiledPath,
			Format: generate.FormatIAMPolicy, Collapse: collapse, Output: out}
		var stdout, stderr bytes.Buffer
		if err := generate.Run(context.Background(), opts, &stdout, &stderr); err != nil {
			t.Fatalf("generate: %v\n%s", err, stderr.String())
		}
		checked, keptSeen, wildcards := 0, 0, 0
		for name, id := range ids {
			if id == nil {
				continue
			}
			set := loadPolicy(t, filepath.Join(out, name+".json"), &wildcards)
			want := map[string]bool{}
			for action, a := range id.Events {
				if a.Permissionless || a.Unmapped {
					continue
				}
				want[strings.ToLower(action)] = true
				checked++
				if r := set.Evaluate(&policy.Request{Action: action}); r.Decision != policy.Allowed {
					t.Errorf("collapse=%v %s: used %s is %s", collapse, name, action, r.Decision)
				}
			}
			allowedToo := map[string]bool{}
			if u := comp.Users[name]; u != nil {
				for _, p := range u.Diff.UnsupportedCheck {
					for _, a := range policy.Expand(p) {
						allowedToo[strings.ToLower(a)] = true
						keptSeen++
					}
				}
			}
			for _, a := range all {
				l := strings.ToLower(a)
				if want[l] || allowedToo[l] {
					continue
				}
				if r := set.Evaluate(&policy.Request{Action: a}); r.Decision == policy.Allowed {
					t.Errorf("collapse=%v %s: %s is allowed but was neither used nor kept", collapse, name, a)
				}
			}
		}
		if checked < 100 || compiledPath != "" && keptSeen == 0 {
			t.Errorf("collapse=%v: checked %d used actions and %d kept ones; the input has more", collapse, checked, keptSeen)
		}
		return wildcards
	}
}

// loadPolicy parses a generated policy, without its conditions, and
// counts its wildcard actions into wildcards.
func loadPolicy(t *testing.T, path string, wildcards *int) *policy.PolicySet {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	sts, _ := doc["Statement"].([]any)
	for _, st := range sts {
		m := st.(map[string]any)
		delete(m, "Condition")
		for _, a := range m["Action"].([]any) {
			if policy.IsWildcard(a.(string)) {
				*wildcards++
			}
		}
	}
	data, _ = json.Marshal(doc)
	p, err := policy.ParsePolicy(data, policy.ParseOptions{Strictness: policy.Strict, Name: filepath.Base(path)})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &policy.PolicySet{Identity: []*policy.Policy{p}}
}

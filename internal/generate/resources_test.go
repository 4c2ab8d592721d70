package generate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/compare"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/generate"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// unusedARN is a resource no identity of the tests used.
const unusedARN = "arn:aws:iam::999999999999:role/not-used"

// TestResourcesPolicies generates policies with --resources for the
// sample trail and checks them with the evaluator: every used action is
// allowed on each ARN events.json recorded for it, and an action whose
// ARNs cover its calls is allowed on no other resource (unless compare
// kept it from the matched request).
func TestResourcesPolicies(t *testing.T) {
	dir := sampleRun(t)
	compiled := filepath.Join(dir, compare.CompiledUsersFile)
	ids, err := events.ReadIdentities(filepath.Join(dir, "events.json"))
	if err != nil {
		t.Fatal(err)
	}
	comp, err := generate.ReadCompiled(compiled)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	opts := generate.Options{EventsPath: dir, Compiled: compiled, Format: generate.FormatIAMPolicy, Resources: true, Output: out}
	var stdout, stderr bytes.Buffer
	if err := generate.Run(context.Background(), opts, &stdout, &stderr); err != nil {
		t.Fatalf("generate: %v\n%s", err, stderr.String())
	}
	if strings.Contains(stderr.String(), "no effect") {
		t.Errorf("--resources still warns it has no effect:\n%s", stderr.String())
	}
	onARN, narrowed := 0, 0
	for name, id := range ids {
		if id == nil {
			continue
		}
		var wildcards int
		set := loadPolicy(t, filepath.Join(out, name+".json"), &wildcards)
		kept := map[string]bool{}
		if u := comp.Users[name]; u != nil {
			for _, p := range u.Diff.UnsupportedCheck {
				for _, a := range policy.Expand(p) {
					kept[strings.ToLower(a)] = true
				}
			}
		}
		for action, a := range id.Events {
			if a.Permissionless || a.Unmapped {
				continue
			}
			if r := set.Evaluate(&policy.Request{Action: action}); r.Decision != policy.Allowed {
				t.Errorf("%s: used %s is %s", name, action, r.Decision)
			}
			for _, arn := range a.Resources {
				onARN++
				if r := set.Evaluate(&policy.Request{Action: action, Resource: arn}); r.Decision != policy.Allowed {
					t.Errorf("%s: used %s on %s is %s", name, action, arn, r.Decision)
				}
			}
			if len(a.Resources) == 0 || a.ResourcesTruncated || kept[strings.ToLower(action)] {
				continue
			}
			narrowed++
			if r := set.Evaluate(&policy.Request{Action: action, Resource: unusedARN}); r.Decision == policy.Allowed {
				t.Errorf("%s: %s is allowed on %s, which it never used", name, action, unusedARN)
			}
		}
	}
	t.Logf("%d action-ARN pairs allowed, %d actions narrowed to their ARNs", onARN, narrowed)
	if onARN < 50 || narrowed < 20 {
		t.Errorf("checked %d action-ARN pairs and %d narrowed actions; the sample trail has more", onARN, narrowed)
	}
}

// TestResourcesGrouping: actions with one ARN set share a statement,
// actions without ARNs keep "*", and an action whose ARNs were truncated
// keeps "*" with a warning.
func TestResourcesGrouping(t *testing.T) {
	objs := []string{"arn:aws:s3:::b/k1", "arn:aws:s3:::b/k2"}
	var many []string
	for _, c := range "abcdefgh" {
		many = append(many, "arn:aws:kms:us-east-1:1:key/"+string(c))
	}
	id := &events.Identity{Provider: "AWS", Name: "u", Type: "IAMUser", Events: map[string]*events.Action{
		"s3:GetObject":          {Count: 3, Resources: objs},
		"s3:PutObject":          {Count: 1, Resources: objs},
		"s3:ListBucket":         {Count: 1, Resources: []string{"arn:aws:s3:::b"}},
		"kms:Decrypt":           {Count: 9, Resources: many, ResourcesTruncated: true},
		"ec2:DescribeInstances": {Count: 1},
	}}
	dir := t.TempDir()
	data, _ := json.Marshal(map[string]*events.Identity{id.Name: id})
	if err := os.WriteFile(filepath.Join(dir, "events.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, resources := range []bool{false, true} {
		var stdout, stderr bytes.Buffer
		opts := generate.Options{EventsPath: dir, Format: generate.FormatIAMPolicy, Resources: resources}
		if err := generate.Run(context.Background(), opts, &stdout, &stderr); err != nil {
			t.Fatalf("generate: %v\n%s", err, stderr.String())
		}
		var doc generate.PolicyDocument
		if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		got := map[string]any{}
		for _, st := range doc.Statement {
			got[strings.Join(st.Action, ",")] = st.Resource
		}
		want := map[string]any{
			"ec2:DescribeInstances":                   "*",
			"kms:Decrypt":                             "*",
			"s3:GetObject,s3:ListBucket,s3:PutObject": "*",
		}
		if resources {
			want = map[string]any{
				"ec2:DescribeInstances":     "*",
				"kms:Decrypt":               "*",
				"s3:GetObject,s3:PutObject": []any{"arn:aws:s3:::b/k1", "arn:aws:s3:::b/k2"},
				"s3:ListBucket":             "arn:aws:s3:::b",
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("resources=%v: statements (actions -> Resource)\n%v\nwant\n%v", resources, got, want)
		}
		warned := strings.Contains(stderr.String(), `cci: warning: u: the trail showed more resources than events.json keeps for kms:Decrypt: Resource stays "*"`)
		if warned != resources {
			t.Errorf("resources=%v: truncation warning %v, stderr:\n%s", resources, warned, stderr.String())
		}
	}
}

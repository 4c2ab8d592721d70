package policy

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// evalCase is one case of testdata/eval/*.yaml. Policies are YAML maps
// written as JSON documents; a policy may also be one statement (a map with
// Effect) or a list of statements, which the loader wraps in a document
// with Version 2012-10-17. cond is a shorthand for one identity policy
// allowing everything under that Condition.
type evalCase struct {
	Name     string  `yaml:"name"`
	Identity []any   `yaml:"identity"`
	Cond     any     `yaml:"cond"`
	Boundary []any   `yaml:"boundary"`
	SCP      [][]any `yaml:"scp"`
	Resource []any   `yaml:"resource_policy"`
	Session  []any   `yaml:"session"`
	Endpoint []any   `yaml:"endpoint"`
	Request  struct {
		Action   string         `yaml:"action"`
		Resource string         `yaml:"resource"`
		Caller   *string        `yaml:"caller"`
		Owner    string         `yaml:"owner"`
		Context  map[string]any `yaml:"context"`
	} `yaml:"request"`
	Want    string    `yaml:"want"`
	By      string    `yaml:"by"`
	Missing *[]string `yaml:"missing"`
	Sids    *[]string `yaml:"sids"`
}

const (
	defaultAction   = "s3:GetObject"
	defaultResource = "arn:aws:s3:::amzn-bucket/key"
	defaultCaller   = "arn:aws:iam::111122223333:user/alice"
)

func loadCases(t *testing.T) []evalCase {
	t.Helper()
	files, err := filepath.Glob("testdata/eval/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no case files: %v", err)
	}
	var all []evalCase
	seen := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cs []evalCase
		if err := yaml.Unmarshal(data, &cs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for i := range cs {
			c := &cs[i]
			c.Name = strings.TrimSuffix(filepath.Base(f), ".yaml") + "/" + c.Name
			if seen[c.Name] {
				t.Fatalf("%s: case name used twice", c.Name)
			}
			seen[c.Name] = true
		}
		all = append(all, cs...)
	}
	return all
}

// toDoc turns a YAML policy into JSON document bytes.
func toDoc(t *testing.T, v any) []byte {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["Statement"]; !ok {
			v = map[string]any{"Version": Version2012, "Statement": []any{x}}
		}
	case []any:
		v = map[string]any{"Version": Version2012, "Statement": x}
	case string:
		return []byte(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseAll(t *testing.T, name string, typ PolicyType, vs []any) []*Policy {
	t.Helper()
	var out []*Policy
	for i, v := range vs {
		p, err := ParsePolicy(toDoc(t, v), ParseOptions{Type: typ, Name: fmt.Sprintf("%s%d", name, i)})
		if err != nil {
			t.Fatalf("%s policy %d: %v", name, i, err)
		}
		out = append(out, p)
	}
	return out
}

func (c *evalCase) build(t *testing.T) (*PolicySet, *Request) {
	t.Helper()
	identity := c.Identity
	if c.Cond != nil {
		identity = append(identity, map[string]any{"Sid": "Cond", "Effect": "Allow", "Action": "*", "Resource": "*", "Condition": c.Cond})
	}
	set := &PolicySet{
		Identity:   parseAll(t, "id", TypeIdentity, identity),
		Boundaries: parseAll(t, "pb", TypeBoundary, c.Boundary),
		Resource:   parseAll(t, "rp", TypeResource, c.Resource),
		Session:    parseAll(t, "sp", TypeSession, c.Session),
		Endpoint:   parseAll(t, "ep", TypeEndpoint, c.Endpoint),
	}
	for i, lvl := range c.SCP {
		set.SCPLevels = append(set.SCPLevels, parseAll(t, fmt.Sprintf("scp%d.", i), TypeSCP, lvl))
		if set.SCPLevels[i] == nil {
			set.SCPLevels[i] = []*Policy{}
		}
	}
	req := &Request{Action: c.Request.Action, Resource: c.Request.Resource, Caller: defaultCaller, ResourceOwner: c.Request.Owner}
	if req.Action == "" {
		req.Action = defaultAction
	}
	if req.Resource == "" {
		req.Resource = defaultResource
	}
	if c.Request.Caller != nil {
		req.Caller = *c.Request.Caller
	}
	if len(c.Request.Context) > 0 {
		req.Context = map[string][]string{}
		for k, v := range c.Request.Context {
			switch x := v.(type) {
			case []any:
				vals := []string{}
				for _, e := range x {
					vals = append(vals, fmt.Sprint(e))
				}
				req.Context[k] = vals
			default:
				req.Context[k] = []string{fmt.Sprint(x)}
			}
		}
	}
	return set, req
}

// TestEvaluateCases runs the data-form table: every case states the
// decision AWS's documentation gives and the deciding policy type (by:,
// "IAM Policy" when identity policies are the only ones given), and
// optionally the missing context keys and the deciding statements' Sids.
func TestEvaluateCases(t *testing.T) {
	cases := loadCases(t)
	if len(cases) < 250 {
		t.Errorf("%d cases; the table promises at least 250", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			set, req := c.build(t)
			r := set.Evaluate(req)
			if r.Decision != c.Want {
				t.Fatalf("decision %s (%s), want %s", r.Decision, r.Reason, c.Want)
			}
			by := c.By
			if by == "" {
				// Identity policies alone: they decide.
				if len(c.Boundary)+len(c.SCP)+len(c.Resource)+len(c.Session)+len(c.Endpoint) > 0 {
					t.Fatal("by: is required when policies other than identity policies are given")
				}
				by = string(TypeIdentity)
			}
			if string(r.DecidedBy) != by {
				t.Errorf("decided by %q (%s), want %q", r.DecidedBy, r.Reason, by)
			}
			if c.Missing != nil {
				got := append([]string{}, r.MissingContextValues...)
				want := append([]string{}, (*c.Missing)...)
				sort.Strings(want)
				if strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("missing context values %q, want %q", got, want)
				}
			}
			if c.Sids != nil {
				var got []string
				for _, m := range r.Matched {
					got = append(got, m.Sid)
				}
				sort.Strings(got)
				want := append([]string{}, (*c.Sids)...)
				sort.Strings(want)
				if strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("matched sids %q, want %q", got, want)
				}
			}
		})
	}
}

// TestCasesCoverOperators: every condition operator, its IfExists form
// (Null has none) and both set qualifiers appear in the table.
func TestCasesCoverOperators(t *testing.T) {
	files, _ := filepath.Glob("testdata/eval/*.yaml")
	var all strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	text := all.String()
	want := []string{"ForAnyValue:", "ForAllValues:", "IfExists", "NotAction", "NotResource", "NotPrincipal", "${", "resource_policy", "boundary", "scp", "session", "endpoint"}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("no case uses %q", w)
		}
	}
	// Operators as condition keys: {Op: ...}, {"Op": ...} or a qualified
	// {ForAnyValue:Op: ...}; comments do not count.
	var body strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			body.WriteString(line + "\n")
		}
	}
	for op := range operators {
		b := body.String()
		if !strings.Contains(b, "{"+op+": ") && !strings.Contains(b, `{"`+op+`": `) && !strings.Contains(b, ":"+op+": ") && !strings.Contains(b, ", "+op+": ") {
			t.Errorf("no case uses operator %s", op)
		}
	}
}

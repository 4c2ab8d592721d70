package generate

import (
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// TestCollapseNeverWidens draws action sets from the IAM action list
// (whole services, whole verb families and random subsets, mixed) and
// checks that the expansion of Collapse's result in the action list is
// exactly the set it was given: nothing lost, nothing added.
func TestCollapseNeverWidens(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	all := policy.AllActions()
	services := []string{"sts", "ec2", "s3", "iam", "kms", "elasticloadbalancing", "route53", "tag", "servicequotas"}
	for range 40 {
		services = append(services, service(all[rng.Intn(len(all))]))
	}
	folded := 0
	for i := range 300 {
		var in []string
		for range 1 + rng.Intn(3) {
			svc := services[rng.Intn(len(services))]
			acts := policy.ServiceActions(svc)
			switch rng.Intn(4) {
			case 0: // the whole service
				in = append(in, acts...)
			case 1: // a whole verb family, maybe less one
				fam := policy.Expand(svc + ":" + verb(acts[rng.Intn(len(acts))]) + "*")
				if len(fam) > 1 && rng.Intn(2) == 0 {
					fam = slices.Delete(slices.Clone(fam), 0, 1)
				}
				in = append(in, fam...)
			default: // a random subset
				for _, a := range acts {
					if rng.Intn(3) == 0 {
						in = append(in, a)
					}
				}
			}
		}
		got := Collapse(in)
		want := map[string]bool{}
		for _, a := range in {
			want[strings.ToLower(a)] = true
		}
		granted := map[string]bool{}
		for _, p := range got {
			if policy.IsWildcard(p) {
				folded++
			}
			for _, a := range policy.Expand(p) {
				if !want[strings.ToLower(a)] {
					t.Fatalf("case %d: %s grants %s, which was not used", i, p, a)
				}
				granted[strings.ToLower(a)] = true
			}
		}
		for a := range want {
			if !granted[a] {
				t.Fatalf("case %d: %s was used but is not granted by %v", i, a, got)
			}
		}
	}
	if folded < 50 {
		t.Errorf("only %d wildcards over 300 cases: the draws do not exercise folding", folded)
	}
}

func TestCollapse(t *testing.T) {
	describe := policy.Expand("ec2:Describe*")
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"whole service", policy.ServiceActions("sts"), []string{"sts:*"}},
		{"whole family", append(slices.Clone(describe), "ec2:RunInstances"), []string{"ec2:Describe*", "ec2:RunInstances"}},
		{"family less one", describe[1:], slices.Sorted(slices.Values(describe[1:]))},
		{"unknown action kept", []string{"ec2:NoSuchCall", "iam:GetUser"}, []string{"ec2:NoSuchCall", "iam:GetUser"}},
		{"empty", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Collapse(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Collapse = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBuildScopesAndKept(t *testing.T) {
	sts := []policy.Statement{
		{Effect: policy.Allow, Action: []string{"ec2:Describe*", "iam:PassRole"}, Resource: []string{"*"}},
		{Effect: policy.Allow, Action: []string{"kms:CreateGrant"}, Resource: []string{"*"},
			Condition: map[string]map[string]any{"Bool": {"kms:GrantIsForAWSResource": true}}},
		{Effect: policy.Allow, Action: []string{"s3:GetObject"}, Resource: []string{"arn:aws:s3:::b/*"}},
	}
	g := Build(false, Input{
		Identity:         "u",
		Required:         []string{"ec2:describeinstances", "kms:CreateGrant", "s3:GetObject", "s3:PutObject", "ec2:SomethingNew"},
		Unmapped:         []string{"ec2:SomethingNew"},
		Statements:       sts,
		UnsupportedCheck: []string{"iam:PassRole", "ec2:SomethingNew"},
		Reasons:          map[string]string{"iam:PassRole": "never logged"},
	})
	type row struct {
		actions  string
		resource string
		cond     bool
		kept     string
	}
	var got []row
	for _, e := range g.Entries {
		got = append(got, row{strings.Join(e.Actions, ","), strings.Join(e.Resource, ","), e.Condition != nil, e.Kept["iam:PassRole"]})
	}
	want := []row{
		{"ec2:DescribeInstances", "*", false, ""},
		{"iam:PassRole", "*", false, "never logged"},
		{"kms:CreateGrant", "*", true, ""},
		{"s3:PutObject", "*", false, ""},
		{"s3:GetObject", "arn:aws:s3:::b/*", false, ""},
	}
	if !slices.Equal(got, want) {
		t.Errorf("entries\n got %v\nwant %v", got, want)
	}
	if !slices.Equal(g.Unmapped, []string{"ec2:SomethingNew"}) {
		t.Errorf("unmapped = %v", g.Unmapped)
	}
}

func BenchmarkCollapse(b *testing.B) {
	in := append(policy.Expand("ec2:Describe*"), policy.ServiceActions("s3")[:40]...)
	for b.Loop() {
		Collapse(in)
	}
}

// TestBuildResources: recorded ARNs become the scope of their action under
// the matched entry's condition; wide actions keep the entry's resource and
// are named in a request's head comment.
func TestBuildResources(t *testing.T) {
	cond := map[string]map[string]any{"Bool": {"kms:GrantIsForAWSResource": true}}
	in := Input{
		Identity:   "u",
		Required:   []string{"kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey"},
		Statements: []policy.Statement{{Effect: policy.Allow, Action: []string{"kms:*"}, Resource: []string{"arn:aws:kms:*:1:key/*"}, Condition: cond}},
		Resources:  map[string][]string{"kms:CreateGrant": {"arn:aws:kms:us-east-1:1:key/a"}},
		Wide:       []string{"kms:Decrypt"},
	}
	g := Build(false, in)
	got := map[string]string{}
	for _, e := range g.Entries {
		got[strings.Join(e.Actions, ",")] = strings.Join(e.Resource, ",")
		if e.Condition == nil {
			t.Errorf("%v lost the entry's condition", e.Actions)
		}
	}
	want := map[string]string{"kms:CreateGrant": "arn:aws:kms:us-east-1:1:key/a", "kms:Decrypt,kms:DescribeKey": "arn:aws:kms:*:1:key/*"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entries %v, want %v", got, want)
	}
	if h := headComment(g); !strings.Contains(h, "Resource not narrowed (the trail showed more resources than events.json keeps): kms:Decrypt") {
		t.Errorf("head comment does not name the wide action:\n%s", h)
	}
}

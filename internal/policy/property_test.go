package policy

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

// Random policy sets over a small vocabulary, so that statements often
// apply and conditions often decide.
var (
	propActions   = []string{"s3:GetObject", "s3:Get*", "s3:*", "ec2:RunInstances", "ec2:*", "*", "kms:CreateGrant", "iam:PassRole"}
	propResources = []string{"*", "arn:aws:s3:::b/*", "arn:aws:s3:::b/k", "arn:aws:s3:::other/*", "arn:aws:ec2:*:111122223333:instance/*", "arn:aws:s3:::b/${aws:username}"}
	propConds     = []map[string]any{
		{"StringEquals": map[string]any{"aws:PrincipalTag/team": "blue"}},
		{"StringNotEquals": map[string]any{"aws:PrincipalTag/team": []any{"red", "blue"}}},
		{"StringLike": map[string]any{"s3:prefix": "home/*"}},
		{"Bool": map[string]any{"aws:SecureTransport": "true"}},
		{"BoolIfExists": map[string]any{"aws:MultiFactorAuthPresent": "false"}},
		{"ForAllValues:StringEquals": map[string]any{"aws:TagKeys": []any{"env", "team"}}},
		{"ForAnyValue:StringLike": map[string]any{"aws:TagKeys": "cost*"}},
		{"Null": map[string]any{"aws:TokenIssueTime": "true"}},
		{"IpAddress": map[string]any{"aws:SourceIp": "10.0.0.0/8"}},
		{"NumericLessThan": map[string]any{"s3:max-keys": 10}},
	}
	propContexts = []map[string][]string{
		nil,
		{"aws:PrincipalTag/team": {"blue"}, "aws:SecureTransport": {"true"}},
		{"aws:PrincipalTag/team": {"red"}, "aws:TagKeys": {"env", "cost"}, "aws:SourceIp": {"10.1.1.1"}},
		{"s3:prefix": {"home/x"}, "aws:TagKeys": {}, "s3:max-keys": {"5"}, "aws:MultiFactorAuthPresent": {"true"}},
	}
	propCallers = []string{"arn:aws:iam::111122223333:user/alice", "arn:aws:sts::111122223333:assumed-role/r/s", ""}
)

func randStatement(r *rand.Rand, principal bool, deny bool) map[string]any {
	s := map[string]any{"Sid": fmt.Sprintf("S%d", r.IntN(1000)), "Effect": "Allow"}
	if deny {
		s["Effect"] = "Deny"
	}
	pick := func(list []string) any {
		n := 1 + r.IntN(2)
		out := make([]any, n)
		for i := range out {
			out[i] = list[r.IntN(len(list))]
		}
		return out
	}
	if r.IntN(5) == 0 {
		s["NotAction"] = pick(propActions[:5])
	} else {
		s["Action"] = pick(propActions)
	}
	if r.IntN(6) == 0 {
		s["NotResource"] = pick(propResources[1:])
	} else {
		s["Resource"] = pick(propResources)
	}
	if r.IntN(2) == 0 {
		c := map[string]any{}
		for k, v := range propConds[r.IntN(len(propConds))] {
			c[k] = v
		}
		s["Condition"] = c
	}
	if principal {
		switch r.IntN(3) {
		case 0:
			s["Principal"] = "*"
		case 1:
			s["Principal"] = map[string]any{"AWS": propCallers[r.IntN(2)]}
		default:
			s["Principal"] = map[string]any{"AWS": "111122223333"}
		}
	}
	return s
}

type propPolicy struct {
	typ        PolicyType
	statements []map[string]any
}

func (p propPolicy) parse(t *testing.T, name string) *Policy {
	t.Helper()
	b, err := json.Marshal(map[string]any{"Version": Version2012, "Statement": p.statements})
	if err != nil {
		t.Fatal(err)
	}
	pol, err := ParsePolicy(b, ParseOptions{Type: p.typ, Name: name})
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, b)
	}
	return pol
}

// propSet is a policy set before parsing, so it can be permuted and grown.
type propSet struct {
	identity, boundary, resource, session, endpoint []propPolicy
	scp                                             [][]propPolicy
}

func randPolicies(r *rand.Rand, typ PolicyType, max int) []propPolicy {
	n := r.IntN(max + 1)
	out := make([]propPolicy, n)
	for i := range out {
		out[i].typ = typ
		for j := 0; j < 1+r.IntN(4); j++ {
			out[i].statements = append(out[i].statements, randStatement(r, typ.principalBased(), r.IntN(5) == 0))
		}
	}
	return out
}

func randSet(r *rand.Rand) propSet {
	s := propSet{
		identity: randPolicies(r, TypeIdentity, 3),
		boundary: randPolicies(r, TypeBoundary, 1),
		resource: randPolicies(r, TypeResource, 1),
		session:  randPolicies(r, TypeSession, 1),
		endpoint: randPolicies(r, TypeEndpoint, 1),
	}
	for i := 0; i < r.IntN(3); i++ {
		s.scp = append(s.scp, randPolicies(r, TypeSCP, 2))
	}
	return s
}

func (s propSet) build(t *testing.T) *PolicySet {
	t.Helper()
	parse := func(name string, ps []propPolicy) []*Policy {
		var out []*Policy
		for i, p := range ps {
			out = append(out, p.parse(t, fmt.Sprintf("%s%d", name, i)))
		}
		return out
	}
	set := &PolicySet{
		Identity:   parse("id", s.identity),
		Boundaries: parse("pb", s.boundary),
		Resource:   parse("rp", s.resource),
		Session:    parse("sp", s.session),
		Endpoint:   parse("ep", s.endpoint),
	}
	for i, lvl := range s.scp {
		set.SCPLevels = append(set.SCPLevels, append([]*Policy{}, parse(fmt.Sprintf("scp%d.", i), lvl)...))
	}
	return set
}

func shuffled(r *rand.Rand, ps []propPolicy) []propPolicy {
	out := make([]propPolicy, len(ps))
	for i, p := range ps {
		st := append([]map[string]any{}, p.statements...)
		r.Shuffle(len(st), func(a, b int) { st[a], st[b] = st[b], st[a] })
		out[i] = propPolicy{typ: p.typ, statements: st}
	}
	r.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
	return out
}

func randRequest(r *rand.Rand) *Request {
	actions := []string{"s3:GetObject", "s3:PutObject", "ec2:RunInstances", "kms:CreateGrant", "iam:PassRole"}
	resources := []string{"arn:aws:s3:::b/k", "arn:aws:s3:::b/alice", "arn:aws:s3:::other/x", "*", "arn:aws:s3:::b/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1"}
	return &Request{
		Action:   actions[r.IntN(len(actions))],
		Resource: resources[r.IntN(len(resources))],
		Caller:   propCallers[r.IntN(len(propCallers))],
		Context:  propContexts[r.IntN(len(propContexts))],
	}
}

// summary is what must not change when policies are reordered.
func summary(res Result) string {
	var ms []string
	for _, m := range res.Matched {
		ms = append(ms, fmt.Sprintf("%s/%s/%d", m.PolicyID, m.Sid, m.Index))
	}
	sort.Strings(ms)
	var miss []string
	for _, k := range res.MissingContextValues {
		miss = append(miss, strings.ToLower(k))
	}
	return fmt.Sprintf("%s by=%s matched=%v missing=%v", res.Decision, res.DecidedBy, ms, miss)
}

// TestReorderingKeepsDecisions: IAM evaluates statements and policies as
// sets, so shuffling statements inside policies, policies inside each type
// and SCP policies inside a level never changes a decision.
func TestReorderingKeepsDecisions(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	changed := 0
	for i := 0; i < 1500; i++ {
		ps := randSet(r)
		set := ps.build(t)
		sh := propSet{
			identity: shuffled(r, ps.identity), boundary: shuffled(r, ps.boundary),
			resource: shuffled(r, ps.resource), session: shuffled(r, ps.session), endpoint: shuffled(r, ps.endpoint),
		}
		for _, lvl := range ps.scp {
			sh.scp = append(sh.scp, shuffled(r, lvl))
		}
		// Policy names follow positions; compare by content instead.
		set2 := sh.build(t)
		for j := 0; j < 4; j++ {
			req := randRequest(r)
			a, b := set.Evaluate(req), set2.Evaluate(req)
			if a.Decision != b.Decision || a.DecidedBy != b.DecidedBy || len(a.Matched) != len(b.Matched) {
				t.Fatalf("reordering changed %s into %s\nrequest %+v", summary(a), summary(b), req)
			}
			if strings.Join(lowerSorted(a.MissingContextValues), ",") != strings.Join(lowerSorted(b.MissingContextValues), ",") {
				t.Fatalf("reordering changed missing keys %v into %v", a.MissingContextValues, b.MissingContextValues)
			}
			if a.Decision == Allowed {
				changed++
			}
		}
	}
	if changed == 0 {
		t.Fatal("no random request was allowed: the generator tests nothing")
	}
}

func lowerSorted(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	sort.Strings(out)
	return out
}

// TestAddingDenyNeverAllows: a Deny statement added to any policy of any
// type never turns a denied request into an allowed one, and never lifts an
// explicit deny.
func TestAddingDenyNeverAllows(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	denied, turned := 0, 0
	for i := 0; i < 1500; i++ {
		ps := randSet(r)
		set := ps.build(t)
		reqs := []*Request{randRequest(r), randRequest(r), randRequest(r)}
		before := make([]Result, len(reqs))
		for j, req := range reqs {
			before[j] = set.Evaluate(req)
		}
		// Add one Deny statement to a random existing policy, or a new
		// policy holding only a Deny.
		lists := []*[]propPolicy{&ps.identity, &ps.boundary, &ps.resource, &ps.session, &ps.endpoint}
		types := []PolicyType{TypeIdentity, TypeBoundary, TypeResource, TypeSession, TypeEndpoint}
		for k := range ps.scp {
			lists = append(lists, &ps.scp[k])
			types = append(types, TypeSCP)
		}
		k := r.IntN(len(lists))
		l, typ := lists[k], types[k]
		deny := randStatement(r, typ.principalBased(), true)
		if len(*l) > 0 && r.IntN(3) > 0 {
			p := &(*l)[r.IntN(len(*l))]
			pos := r.IntN(len(p.statements) + 1)
			p.statements = append(p.statements[:pos], append([]map[string]any{deny}, p.statements[pos:]...)...)
		} else {
			// A new policy: where its type is a gate, a policy that
			// allows nothing only narrows.
			*l = append(*l, propPolicy{typ: typ, statements: []map[string]any{deny}})
		}
		set2 := ps.build(t)
		for j, req := range reqs {
			after := set2.Evaluate(req)
			if before[j].Decision != Allowed && after.Decision == Allowed {
				t.Fatalf("adding %v turned %s into allowed", deny, summary(before[j]))
			}
			if before[j].Decision == ExplicitDeny && after.Decision != ExplicitDeny {
				t.Fatalf("adding %v lifted an explicit deny", deny)
			}
			if before[j].Decision != Allowed {
				denied++
			}
			if before[j].Decision == Allowed && after.Decision != Allowed {
				turned++
			}
		}
	}
	if denied == 0 || turned == 0 {
		t.Fatalf("denied %d, turned %d: the generator tests nothing", denied, turned)
	}
}

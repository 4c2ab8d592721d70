package rundiff

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/credreq"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// RequestsReport is the diff of two sets of CredentialsRequests.
type RequestsReport struct {
	Kind      string          `json:"kind"` // "requests"
	A         string          `json:"a"`
	B         string          `json:"b"`
	Added     []RequestRef    `json:"added"`
	Removed   []RequestRef    `json:"removed"`
	Changed   []RequestChange `json:"changed"`
	Unchanged int             `json:"unchanged"`
	Problems  []string        `json:"problems"`
}

// RequestRef names a request: metadata namespace/name and its file.
type RequestRef struct {
	Key     string   `json:"key"`
	Ref     string   `json:"ref"`
	Actions []string `json:"actions"`
}

// RequestChange is what changed in one request.
type RequestChange struct {
	Key  string `json:"key"` // metadata namespace/name
	RefA string `json:"refA"`
	RefB string `json:"refB"`
	// Actions are the Allow actions; Deny ones are listed apart.
	ActionsAdded      []string      `json:"actionsAdded"`
	ActionsRemoved    []string      `json:"actionsRemoved"`
	DenyAdded         []string      `json:"denyAdded,omitempty"`
	DenyRemoved       []string      `json:"denyRemoved,omitempty"`
	ResourcesChanged  []ScopeChange `json:"resourcesChanged"`
	ConditionsChanged []ScopeChange `json:"conditionsChanged"`
}

// ScopeChange is an action granted in both sets on different resources
// or under different conditions.
type ScopeChange struct {
	Action string   `json:"action"`
	A      []string `json:"a"`
	B      []string `json:"b"`
}

// grants is what one request grants, per action.
type grants struct {
	ref        string
	allow      map[string]bool
	deny       map[string]bool
	resources  map[string]map[string]bool // action -> resource lists
	conditions map[string]map[string]bool // action -> condition JSON
}

func grantsOf(r *credreq.CredentialsRequest) *grants {
	g := &grants{ref: r.Ref, allow: map[string]bool{}, deny: map[string]bool{},
		resources: map[string]map[string]bool{}, conditions: map[string]map[string]bool{}}
	for _, st := range r.Policy.Views() {
		for _, a := range st.Action {
			if c, ok := policy.Canonical(a); ok {
				a = c // IAM compares actions without case
			}
			if st.Effect != policy.Allow {
				g.deny[a] = true
				continue
			}
			g.allow[a] = true
			res := st.Resource
			if len(res) == 0 {
				res = []string{"*"}
			}
			add(g.resources, a, strings.Join(res, ","))
			cond := "none"
			if len(st.Condition) > 0 {
				b, _ := json.Marshal(st.Condition) // map keys sorted
				cond = string(b)
			}
			add(g.conditions, a, cond)
		}
	}
	return g
}

func add(m map[string]map[string]bool, k, v string) {
	if m[k] == nil {
		m[k] = map[string]bool{}
	}
	m[k][v] = true
}

func requestKey(r *credreq.CredentialsRequest) string { return r.Namespace + "/" + r.Name }

// DiffRequests loads two sets of CredentialsRequests and diffs them,
// pairing requests by metadata namespace and name.
func DiffRequests(pathA, pathB string) (*RequestsReport, error) {
	rep := &RequestsReport{Kind: "requests", A: pathA, B: pathB, Added: []RequestRef{}, Removed: []RequestRef{}, Changed: []RequestChange{}, Problems: []string{}}
	load := func(path string) (map[string]*grants, error) {
		res, err := credreq.Load(path)
		if err != nil {
			return nil, fmt.Errorf("reading credentials requests: %w", err)
		}
		for _, p := range res.Problems {
			rep.Problems = append(rep.Problems, path+": "+p.Error())
		}
		out := map[string]*grants{}
		for _, r := range res.Requests {
			k := requestKey(r)
			if out[k] != nil {
				rep.Problems = append(rep.Problems, fmt.Sprintf("%s: %s and %s are both %s: the second is ignored", path, out[k].ref, r.Ref, k))
				continue
			}
			out[k] = grantsOf(r)
		}
		return out, nil
	}
	a, err := load(pathA)
	if err != nil {
		return nil, err
	}
	b, err := load(pathB)
	if err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(a)) {
		ga, gb := a[k], b[k]
		if gb == nil {
			rep.Removed = append(rep.Removed, RequestRef{Key: k, Ref: ga.ref, Actions: sorted(ga.allow)})
			continue
		}
		c := RequestChange{Key: k, RefA: ga.ref, RefB: gb.ref, ResourcesChanged: []ScopeChange{}, ConditionsChanged: []ScopeChange{}}
		c.ActionsAdded, c.ActionsRemoved = setDiff(ga.allow, gb.allow)
		c.DenyAdded, c.DenyRemoved = setDiff(ga.deny, gb.deny)
		c.DenyAdded, c.DenyRemoved = nilIfEmpty(c.DenyAdded), nilIfEmpty(c.DenyRemoved)
		for _, act := range sorted(ga.allow) {
			if !gb.allow[act] {
				continue
			}
			if ra, rb := sorted(ga.resources[act]), sorted(gb.resources[act]); !equal(ra, rb) {
				c.ResourcesChanged = append(c.ResourcesChanged, ScopeChange{Action: act, A: ra, B: rb})
			}
			if ca, cb := sorted(ga.conditions[act]), sorted(gb.conditions[act]); !equal(ca, cb) {
				c.ConditionsChanged = append(c.ConditionsChanged, ScopeChange{Action: act, A: ca, B: cb})
			}
		}
		if len(c.ActionsAdded)+len(c.ActionsRemoved)+len(c.DenyAdded)+len(c.DenyRemoved)+len(c.ResourcesChanged)+len(c.ConditionsChanged) == 0 {
			rep.Unchanged++
			continue
		}
		rep.Changed = append(rep.Changed, c)
	}
	for _, k := range slices.Sorted(maps.Keys(b)) {
		if a[k] == nil {
			rep.Added = append(rep.Added, RequestRef{Key: k, Ref: b[k].ref, Actions: sorted(b[k].allow)})
		}
	}
	sort.Strings(rep.Problems)
	return rep, nil
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

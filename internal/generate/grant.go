package generate

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// Input is what generate knows of one identity.
type Input struct {
	// Identity is the name in events.json.
	Identity string
	// Required are the actions it used that need a permission (compare's
	// required); Unmapped are those of them with no known IAM action,
	// which are left out.
	Required []string
	Unmapped []string
	// Implicit are actions granted outside any request (compare's
	// implicitlyAllowed: the iam:GetUser CCO gives each minted user on
	// itself), left out too.
	Implicit []string
	// Ref names the matched CredentialsRequest (compare's credRequestRef);
	// empty when none matched.
	Ref string
	// Statements are the matched request's statements, whose resources and
	// conditions carry over to the actions they covered.
	Statements []policy.Statement
	// UnsupportedCheck and Reasons are compare's: requested entries whose
	// use CloudTrail cannot show, kept with their reason.
	UnsupportedCheck []string
	Reasons          map[string]string
	// Resources gives, with --resources, the ARNs the trail showed for a
	// used action (canonical name), when they cover every successful call;
	// Wide lists the used actions whose ARNs did not (resourcesTruncated),
	// which keep the request's resource or "*".
	Resources map[string][]string
	Wide      []string
}

// Entry is one statement of a generated grant.
type Entry struct {
	Effect    string
	Actions   []string
	Resource  []string
	Condition map[string]map[string]any
	// Kept gives, for actions kept from unsupportedCheck, why.
	Kept map[string]string
}

// Grant is what one identity (or the identities of one request) needs.
type Grant struct {
	Identities []string
	Ref        string
	Entries    []Entry
	// Unmapped are observed events left out: no known IAM action.
	Unmapped []string
	// Wide are the used actions --resources left on their wider resource:
	// the trail showed more ARNs than events.json keeps.
	Wide []string
}

// scope is the resource and condition of an entry.
type scope struct {
	resource  []string
	condition map[string]map[string]any
}

func (s scope) key() string {
	b, _ := json.Marshal([]any{s.resource, s.condition}) // map keys sorted: stable
	return string(b)
}

var anyResource = scope{resource: []string{"*"}}

// used returns the actions of in worth granting: canonical spelling,
// unmapped and implicit ones out, sorted, once each.
func used(in Input) []string {
	unmapped := map[string]bool{}
	for _, a := range append(slices.Clone(in.Unmapped), in.Implicit...) {
		unmapped[a] = true
	}
	var out []string
	for _, a := range in.Required {
		if unmapped[a] || !strings.Contains(a, ":") {
			continue
		}
		if c, ok := policy.Canonical(a); ok {
			a = c
		}
		out = append(out, a)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// scopeOf is the scope of the first Allow statement of sts covering
// action, anyResource when none does.
func scopeOf(sts []policy.Statement, action string) scope {
	for _, st := range sts {
		if st.Effect != policy.Allow || len(st.NotAction) > 0 || len(st.NotResource) > 0 {
			continue
		}
		if _, ok := policy.MatchAnyAction(st.Action, action); ok {
			return scope{resource: resourceOrAny(st.Resource), condition: st.Condition}
		}
	}
	return anyResource
}

// keptScope is the scope of the first Allow statement listing pattern as
// written; ok is false when no statement lists it (an unmapped event
// compare put in unsupportedCheck).
func keptScope(sts []policy.Statement, pattern string) (scope, bool) {
	for _, st := range sts {
		if st.Effect == policy.Allow && slices.Contains(st.Action, pattern) {
			return scope{resource: resourceOrAny(st.Resource), condition: st.Condition}, true
		}
	}
	return scope{}, false
}

func resourceOrAny(r []string) []string {
	if len(r) == 0 {
		return []string{"*"}
	}
	return r
}

func service(action string) string {
	svc, _, _ := strings.Cut(action, ":")
	return strings.ToLower(svc)
}

// Build makes the grant of the inputs (several when identities share a
// request: their actions are merged).
func Build(collapse bool, ins ...Input) Grant {
	type group struct {
		svc   string
		scope scope
		used  []string
		kept  map[string]string
	}
	groups := map[string]*group{}
	get := func(svc string, sc scope) *group {
		k := svc + "\x00" + sc.key()
		g := groups[k]
		if g == nil {
			g = &group{svc: svc, scope: sc, kept: map[string]string{}}
			groups[k] = g
		}
		return g
	}
	var g Grant
	for _, in := range ins {
		g.Identities = append(g.Identities, in.Identity)
		if g.Ref == "" {
			g.Ref = in.Ref
		}
		for _, a := range used(in) {
			sc := scopeOf(in.Statements, a)
			if arns := in.Resources[a]; len(arns) > 0 {
				// What was used, under the request's condition.
				sc = scope{resource: arns, condition: sc.condition}
			}
			gr := get(service(a), sc)
			gr.used = append(gr.used, a)
		}
		g.Wide = append(g.Wide, in.Wide...)
		unmapped := map[string]bool{}
		for _, a := range in.Unmapped {
			unmapped[a] = true
		}
		for _, p := range in.UnsupportedCheck {
			sc, ok := keptScope(in.Statements, p)
			if in.Statements == nil && !unmapped[p] {
				// The installer or an instance role: compare holds no
				// statements for it, and its policies grant on "*".
				sc, ok = anyResource, true
			}
			if !ok {
				continue
			}
			gr := get(service(p), sc)
			gr.kept[p] = in.Reasons[p]
		}
		g.Unmapped = append(g.Unmapped, in.Unmapped...)
	}
	sort.Strings(g.Identities)
	sort.Strings(g.Unmapped)
	g.Unmapped = slices.Compact(g.Unmapped)
	sort.Strings(g.Wide)
	g.Wide = slices.Compact(g.Wide)

	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		gr := groups[k]
		sort.Strings(gr.used)
		actions := slices.Compact(gr.used)
		if collapse {
			actions = Collapse(actions)
		}
		e := Entry{Effect: policy.Allow, Resource: gr.scope.resource, Condition: gr.scope.condition}
		for p, why := range gr.kept {
			if _, ok := policy.MatchAnyAction(actions, p); ok && !policy.IsWildcard(p) {
				continue // used as well: granted already
			}
			actions = append(actions, p)
			if e.Kept == nil {
				e.Kept = map[string]string{}
			}
			e.Kept[p] = why
		}
		sort.Strings(actions)
		e.Actions = slices.Compact(actions)
		g.Entries = append(g.Entries, e)
	}
	return g
}

// Collapse folds actions (of any services) into wildcards where that
// grants nothing more: service:* when every action of the service in the
// IAM action list is among them, else service:Verb* (Describe*, Get*,
// List*, ...) when every action of the list the wildcard matches is. An
// action unknown to the list is kept as it is. The result is sorted.
func Collapse(actions []string) []string {
	bySvc := map[string][]string{}
	for _, a := range actions {
		bySvc[service(a)] = append(bySvc[service(a)], a)
	}
	var out []string
	for svc, acts := range bySvc {
		have := map[string]bool{}
		for _, a := range acts {
			have[strings.ToLower(a)] = true
		}
		all := policy.ServiceActions(svc)
		covered := func(list []string) bool {
			for _, a := range list {
				if !have[strings.ToLower(a)] {
					return false
				}
			}
			return len(list) > 0
		}
		if covered(all) {
			out = append(out, svc+":*")
			continue
		}
		folded := map[string]bool{}
		verbs := map[string]bool{}
		for _, a := range acts {
			if v := verb(a); v != "" {
				verbs[v] = true
			}
		}
		for v := range verbs {
			pattern := svc + ":" + v + "*"
			var fam []string
			for _, a := range all {
				if policy.MatchAction(pattern, a) {
					fam = append(fam, a)
				}
			}
			if len(fam) < 2 || !covered(fam) {
				continue
			}
			out = append(out, pattern)
			for _, a := range fam {
				folded[strings.ToLower(a)] = true
			}
		}
		for _, a := range acts {
			if !folded[strings.ToLower(a)] {
				out = append(out, a)
			}
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// verb is the first word of an action name: "Describe" of
// "ec2:DescribeInstances"; empty when the name has no second word.
func verb(action string) string {
	_, name, ok := strings.Cut(action, ":")
	if !ok || name == "" {
		return ""
	}
	for i := 1; i < len(name); i++ {
		if c := name[i]; 'A' <= c && c <= 'Z' {
			return name[:i]
		}
	}
	return ""
}

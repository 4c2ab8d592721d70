package compare

import (
	"cmp"
	"fmt"
	"slices"
	"sort"

	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// observed is what an identity did, split the way the diff needs it.
type observed struct {
	required       []string // actions needing a permission, unmapped ones included
	unmapped       []string
	permissionless []string
	denied         []Denied
}

func observe(id *events.Identity) observed {
	var o observed
	for action, a := range id.Events {
		if a == nil {
			a = &events.Action{}
		}
		for _, d := range a.Denied {
			act := d.Action
			if act == "" {
				act = action
			}
			o.denied = append(o.denied, Denied{Action: act, ErrorCode: d.ErrorCode, Cause: d.Cause, Count: d.Count})
		}
		if a.Permissionless {
			o.permissionless = append(o.permissionless, action)
			continue
		}
		o.required = append(o.required, action)
		if a.Unmapped {
			o.unmapped = append(o.unmapped, action)
		}
	}
	o.required = dedupe(o.required)
	o.unmapped = dedupe(o.unmapped)
	o.permissionless = dedupe(o.permissionless)
	o.denied = mergeDenied(o.denied)
	return o
}

func mergeDenied(ds []Denied) []Denied {
	type key struct{ a, e, c string }
	sum := map[key]int64{}
	for _, d := range ds {
		sum[key{d.Action, d.ErrorCode, d.Cause}] += d.Count
	}
	out := make([]Denied, 0, len(sum))
	for k, n := range sum {
		out = append(out, Denied{Action: k.a, ErrorCode: k.e, Cause: k.c, Count: n})
	}
	slices.SortFunc(out, func(x, y Denied) int {
		return cmp.Or(cmp.Compare(x.Action, y.Action), cmp.Compare(x.ErrorCode, y.ErrorCode), cmp.Compare(x.Cause, y.Cause))
	})
	return out
}

// diffInput is one identity against the statements it was granted.
type diffInput struct {
	obs        observed
	statements []policy.Statement
	// implicit are actions granted outside the statements (CCO's
	// iam:GetUser on a minted user itself).
	implicit    []string
	dataSources map[string]bool
}

// diff fills the comparison fields of u.
func diff(u *User, in diffInput) {
	set := &policy.Set{Statements: in.statements}
	used := map[string]bool{} // requested Allow patterns, as written
	var missing, conditional, excluded, implicit, unsupported []string
	reasons := map[string]string{}
	unmapped := map[string]bool{}
	for _, a := range in.obs.unmapped {
		unmapped[a] = true
	}
	for _, action := range in.obs.required {
		d := set.Evaluate(action)
		for _, m := range d.AllowedBy {
			if m.Pattern != "" && !d.Denied {
				used[m.Pattern] = true
			}
		}
		switch {
		case d.Allowed:
			if d.Conditional {
				conditional = append(conditional, action)
			}
		case d.Denied:
			missing = append(missing, action)
			excluded = append(excluded, action)
		case grantedImplicitly(in.implicit, action):
			implicit = append(implicit, action)
		case unmapped[action]:
			unsupported = append(unsupported, action)
			reasons[action] = ReasonUnmapped
		default:
			missing = append(missing, action)
		}
	}

	var requested, deny, extra, alerts []string
	var cases []CaseMismatch
	var unknown []string
	for i, st := range in.statements {
		allow := st.Effect == policy.Allow
		if !allow {
			deny = append(deny, st.Action...)
			for _, p := range st.NotAction {
				deny = append(deny, "NotAction:"+p)
			}
			continue
		}
		if len(st.NotAction) > 0 {
			alerts = append(alerts, fmt.Sprintf("Allow with NotAction (statement %d)", i+1))
		}
		if passRoleOnAnyResource(st) {
			alerts = append(alerts, "iam:PassRole on Resource *")
		}
		for _, p := range st.Action {
			requested = append(requested, p)
			if policy.IsWildcard(p) {
				alerts = append(alerts, "wildcard action: "+p)
			} else if c, ok := policy.Canonical(p); !ok {
				unknown = append(unknown, p)
			} else if c != p {
				cases = append(cases, CaseMismatch{Requested: p, Canonical: c})
			}
		}
	}
	requested = dedupe(requested)
	for _, p := range requested {
		if used[p] {
			continue
		}
		if reason, ok := uncheckable(p, in.obs.required, in.dataSources); ok {
			unsupported = append(unsupported, p)
			reasons[p] = reason
			continue
		}
		extra = append(extra, p)
	}

	u.Required = in.obs.required
	u.Requested = requested
	u.Diff = Diff{
		Missing:          dedupe(missing),
		Extra:            dedupe(extra),
		UnsupportedCheck: dedupe(unsupported),
	}
	if len(reasons) > 0 {
		u.Diff.Reasons = reasons
	}
	u.Conditional = dedupe(conditional)
	u.Excluded = nilIfEmpty(dedupe(excluded))
	u.Denied = in.obs.denied
	u.SecurityAlerts = dedupe(alerts)
	slices.SortFunc(cases, func(x, y CaseMismatch) int { return cmp.Compare(x.Requested, y.Requested) })
	u.CaseMismatch = slices.Compact(cases)
	u.UnknownRequested = nilIfEmpty(dedupe(unknown))
	u.RequestedDeny = nilIfEmpty(dedupe(deny))
	u.Unmapped = nilIfEmpty(in.obs.unmapped)
	u.RequiredSkipped = nilIfEmpty(in.obs.permissionless)
	u.ImplicitlyAllowed = nilIfEmpty(dedupe(implicit))
}

// undiffed fills an identity that has nothing to compare against.
func undiffed(u *User, obs observed, msg string) {
	u.Required = obs.required
	u.Requested = []string{}
	u.Diff = Diff{Missing: []string{}, Extra: []string{}, UnsupportedCheck: []string{}}
	u.Denied = obs.denied
	u.SecurityAlerts = []string{}
	u.Unmapped = nilIfEmpty(obs.unmapped)
	u.RequiredSkipped = nilIfEmpty(obs.permissionless)
	u.Msg = msg
}

func grantedImplicitly(implicit []string, action string) bool {
	_, ok := policy.MatchAny(implicit, action)
	return ok
}

// passRoleOnAnyResource reports an Allow of iam:PassRole on every role.
func passRoleOnAnyResource(st policy.Statement) bool {
	covers := false
	for _, p := range st.Action {
		covers = covers || policy.Match(p, "iam:PassRole")
	}
	if !covers {
		return false
	}
	if len(st.Resource) == 0 {
		return len(st.NotResource) == 0
	}
	for _, r := range st.Resource {
		if r == "*" {
			return true
		}
	}
	return false
}

func nilIfEmpty(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	return ss
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

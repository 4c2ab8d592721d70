package compare

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"

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

// diffInput is one identity against the policy it was granted.
type diffInput struct {
	obs    observed
	policy *policy.Policy
	// implicit are actions granted outside the statements (CCO's
	// iam:GetUser on a minted user itself).
	implicit    []string
	dataSources map[string]bool
	// dataBuckets are the buckets of S3 data events; nil when unknown.
	dataBuckets []string
}

// coverageRequest asks the evaluator whether some call of action can be
// allowed: CloudTrail shows neither the resource's ARN in every case nor
// any condition key, so the request is for "some resource" ("*") with
// conditions unknown. An Allow with a condition or a narrower resource
// still covers the action, and the result says the coverage is
// conditional; a Deny excludes it only when it has no condition and
// covers every resource.
func coverageRequest(action string) *policy.Request {
	return &policy.Request{Action: action, Resource: "*", ConditionsUnknown: true}
}

// diff fills the comparison fields of u.
func diff(u *User, in diffInput) {
	set := &policy.PolicySet{Identity: []*policy.Policy{in.policy}}
	used := map[string]bool{} // requested Allow patterns, as written
	var missing, conditional, excluded, implicit, unsupported []string
	reasons := map[string]string{}
	unmapped := map[string]bool{}
	for _, a := range in.obs.unmapped {
		unmapped[a] = true
	}
	for _, action := range in.obs.required {
		r := set.Evaluate(coverageRequest(action))
		switch {
		case r.Decision == policy.Allowed:
			for _, m := range r.Matched {
				if p, ok := in.policy.Statements[m.Index].MatchingAction(action); ok && p != "" {
					used[p] = true
				}
			}
			if r.Conditional {
				conditional = append(conditional, action)
			}
		case r.Decision == policy.ExplicitDeny:
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
	for i := range in.policy.Statements {
		st := &in.policy.Statements[i]
		if st.Deny {
			for _, p := range st.Actions() {
				if st.NotAction() {
					p = "NotAction:" + p
				}
				deny = append(deny, p)
			}
			continue
		}
		if st.NotAction() {
			alerts = append(alerts, fmt.Sprintf("Allow with NotAction (statement %d)", i+1))
			continue
		}
		if passRoleOnAnyResource(st) {
			alerts = append(alerts, "iam:PassRole on Resource *")
		}
		for _, p := range st.Actions() {
			requested = append(requested, p)
			if isWildcard(p) {
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
		if reason, ok := uncheckable(p, in.obs.required, in.dataSources, in.bucketLogged(set)); ok {
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

// bucketLogged returns the test of uncheckable for S3 data events per
// bucket: for each bucket with data events, the evaluator is asked whether
// an Allow statement listing the pattern applies to the action on that
// bucket or its objects (conditions unknown). nil when the buckets are
// not known.
func (in *diffInput) bucketLogged(set *policy.PolicySet) bucketLogged {
	if in.dataBuckets == nil {
		return nil
	}
	return func(pattern, action string) bool {
		lists := map[int]bool{}
		for i := range in.policy.Statements {
			st := &in.policy.Statements[i]
			if !st.Deny && !st.NotAction() && slices.Contains(st.Actions(), pattern) {
				lists[i] = true
			}
		}
		for _, b := range in.dataBuckets {
			for _, res := range [...]string{"arn:aws:s3:::" + b, "arn:aws:s3:::" + b + "/*"} {
				r := set.Evaluate(&policy.Request{Action: action, Resource: res, ConditionsUnknown: true})
				if r.Decision != policy.Allowed {
					continue
				}
				for _, m := range r.Matched {
					if lists[m.Index] {
						return true
					}
				}
			}
		}
		return false
	}
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
	for _, p := range implicit {
		if policy.MatchAction(p, action) {
			return true
		}
	}
	return false
}

// isWildcard reports whether an action pattern holds '*' or '?'.
func isWildcard(pattern string) bool { return strings.ContainsAny(pattern, "*?") }

// passRoleOnAnyResource reports an Allow of iam:PassRole on every role.
func passRoleOnAnyResource(st *policy.PolicyStatement) bool {
	if p, ok := st.MatchingAction("iam:PassRole"); !ok || p == "" || st.NotResource() {
		return false
	}
	return slices.Contains(st.Resources(), "*")
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

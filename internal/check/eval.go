package check

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// set is the policies in force for an identity, with the SCP levels and
// the endpoint policy.
func (c *checker) set(ip *policy.IdentityPolicies) *policy.PolicySet {
	s := &policy.PolicySet{Identity: ip.Identity, SCPLevels: c.scp, Endpoint: c.endpoint}
	if ip.Boundary != nil {
		s.Boundaries = []*policy.Policy{ip.Boundary}
	}
	return s
}

// callerARN is the principal a request is made as: a role's session, or
// the user.
func callerARN(id *Identity) string {
	if id.Kind == KindSTSRole {
		parts := strings.SplitN(id.ARN, ":", 6)
		if len(parts) == 6 {
			return "arn:" + parts[1] + ":sts::" + parts[4] + ":assumed-role/" + id.Principal + "/cci-check"
		}
	}
	return id.ARN
}

// evaluateStatements decides every action of the Allow entries.
func (c *checker) evaluateStatements(id *Identity, ip *policy.IdentityPolicies, statements []policy.Statement) {
	set := c.set(ip)
	caller := callerARN(id)
	seen := map[string]bool{}
	for i := range statements {
		st := &statements[i]
		if !strings.EqualFold(st.Effect, policy.Allow) || len(st.Action) == 0 {
			continue
		}
		ctx, notes := entryContext(st.Condition)
		for _, n := range notes {
			if !slices.Contains(id.Notes, n) {
				id.Notes = append(id.Notes, n)
			}
		}
		full := make(map[string][]string, len(ctx)+len(c.context))
		for k, v := range ctx {
			full[k] = v
		}
		for k, v := range c.context {
			full[k] = v
		}
		resources := []string(st.Resource)
		if len(resources) == 0 {
			resources = []string{"*"}
		}
		for _, pattern := range st.Action {
			actions := policy.Expand(pattern)
			if len(actions) == 0 {
				id.Notes = append(id.Notes, fmt.Sprintf("action %s matches no known IAM action: not evaluated", pattern))
				continue
			}
			for _, action := range actions {
				for _, res := range resources {
					key := action + "\x00" + res + "\x00" + fmt.Sprint(ctx)
					if seen[key] {
						continue
					}
					seen[key] = true
					req := &policy.Request{Action: action, Resource: res, Caller: caller, Context: full}
					r := c.result(set, req)
					if action != pattern {
						r.Pattern = pattern
					}
					if len(ctx) > 0 {
						r.Context = ctx
					}
					id.Results = append(id.Results, r)
				}
			}
		}
	}
	sort.SliceStable(id.Results, func(i, j int) bool {
		a, b := &id.Results[i], &id.Results[j]
		if a.Action != b.Action {
			return a.Action < b.Action
		}
		return a.Resource < b.Resource
	})
}

// result evaluates one request and names its blocker.
func (c *checker) result(set *policy.PolicySet, req *policy.Request) Result {
	ev := set.Evaluate(req)
	r := Result{Action: req.Action, Resource: req.Resource, Decision: ev.Decision, MissingContextValues: ev.MissingContextValues,
		MatchedStatements: []string{}}
	if r.MissingContextValues == nil {
		r.MissingContextValues = []string{}
	}
	for _, m := range ev.Matched {
		r.MatchedStatements = append(r.MatchedStatements, statementName(m))
	}
	switch ev.Decision {
	case policy.Allowed:
		r.Detail = ev.Reason
		if len(ev.Matched) > 0 {
			r.Detail = "allowed by " + statementName(ev.Matched[0])
		}
	case policy.ExplicitDeny:
		m := ev.Matched[0]
		r.Blocker = blockerOf(m.PolicyType)
		r.Detail = "explicit Deny: " + statementName(m)
		if m.PolicyType == policy.TypeSCP {
			r.SCPLevel = c.scpNames[m.PolicyID]
			r.Detail = fmt.Sprintf("explicit Deny at SCP level %d (%s): %s", r.SCPLevel, c.levelName(r.SCPLevel), statementName(m))
		}
	default:
		r.Blocker = blockerOf(ev.DecidedBy)
		r.Detail = ev.Reason
		switch ev.DecidedBy {
		case policy.TypeSCP:
			r.SCPLevel = c.failedLevel(set, req)
			r.Detail = fmt.Sprintf("no SCP at level %d (%s) allows it", r.SCPLevel, c.levelName(r.SCPLevel))
		case policy.TypeIdentity:
			if len(ev.MissingContextValues) > 0 {
				r.Blocker = BlockMissingContext
				r.Detail = "no identity-based policy allows it without " + strings.Join(ev.MissingContextValues, ", ") + " in the request context"
			} else {
				r.Detail = "no identity-based policy allows it"
			}
		}
	}
	return r
}

func (c *checker) levelName(level int) string {
	if level < 1 || level > len(c.opts.SCPLevels) {
		return "?"
	}
	return strings.TrimPrefix(c.opts.SCPLevels[level-1], "file://")
}

// failedLevel finds the first SCP level that allows nothing for req.
func (c *checker) failedLevel(set *policy.PolicySet, req *policy.Request) int {
	for i, lvl := range set.SCPLevels {
		one := &policy.PolicySet{SCPLevels: [][]*policy.Policy{lvl}, Identity: set.Identity}
		if ev := one.Evaluate(req); ev.Decision == policy.ImplicitDeny && ev.DecidedBy == policy.TypeSCP {
			return i + 1
		}
	}
	return 0
}

func blockerOf(t policy.PolicyType) string {
	switch t {
	case policy.TypeBoundary:
		return BlockBoundary
	case policy.TypeSCP:
		return BlockSCP
	case policy.TypeEndpoint:
		return BlockEndpoint
	case policy.TypeResource:
		return BlockResource
	case policy.TypeSession:
		return BlockSession
	}
	return BlockIdentity
}

// statementName is "POLICY SID", or "POLICY Statement[i]" without a Sid.
func statementName(m policy.MatchedStatement) string {
	where := m.Sid
	if where == "" {
		where = fmt.Sprintf("Statement[%d]", m.Index)
	}
	return m.PolicyID + " " + where
}

// entryContext builds a request context that satisfies an entry's
// policyCondition, as the operator's own calls do: the key takes the
// condition's first value (a pattern's wildcards filled, a range's first
// address). Negated operators and Null need no key; they are noted when
// they would need one.
func entryContext(cond map[string]map[string]any) (map[string][]string, []string) {
	if len(cond) == 0 {
		return nil, nil
	}
	ctx := map[string][]string{}
	var notes []string
	for _, op := range slices.Sorted(maps.Keys(cond)) {
		base := op
		if _, rest, ok := strings.Cut(op, ":"); ok {
			base = rest
		}
		base = strings.TrimSuffix(base, "IfExists")
		for _, key := range slices.Sorted(maps.Keys(cond[op])) {
			vals := condValues(cond[op][key])
			if len(vals) == 0 {
				continue
			}
			v := vals[0]
			switch {
			case strings.HasPrefix(base, "StringNot"), strings.HasPrefix(base, "ArnNot"), strings.HasPrefix(base, "NotIp"),
				base == "NumericNotEquals", base == "DateNotEquals", base == "BinaryNotEquals":
				continue // satisfied by any other value; a missing key satisfies it too
			case base == "Null":
				if strings.EqualFold(v, "false") {
					notes = append(notes, fmt.Sprintf("the entry needs %s present (Null false); give it with --context-entries", key))
				}
				continue
			case base == "StringLike", base == "ArnLike":
				v = strings.NewReplacer("*", "x", "?", "x").Replace(v)
			case base == "IpAddress":
				if p, err := netip.ParsePrefix(v); err == nil {
					v = p.Masked().Addr().String()
				}
			case strings.HasPrefix(base, "NumericLessThan"), strings.HasPrefix(base, "NumericGreaterThan"),
				strings.HasPrefix(base, "DateLessThan"), strings.HasPrefix(base, "DateGreaterThan"):
				if strings.HasSuffix(base, "Equals") {
					break
				}
				notes = append(notes, fmt.Sprintf("the entry's %s %s has no value that equals it; give %s with --context-entries", op, key, key))
				continue
			}
			ctx[key] = []string{v}
		}
	}
	if len(ctx) == 0 {
		return nil, notes
	}
	return ctx, notes
}

// condValues reads a policyCondition value: a scalar or a list.
func condValues(v any) []string {
	switch x := v.(type) {
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, fmt.Sprint(e))
		}
		return out
	case []string:
		return x
	case nil:
		return nil
	}
	return []string{fmt.Sprint(v)}
}

package policy

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// WhyNotAllowed says, statement by statement, why no Allow statement of a
// principal-based policy (a trust policy) lets principal of kind ("AWS",
// "Federated", "Service") call action: the statement names other
// principals, or its conditions ask for other values. Condition values are
// shown for the keys in show (compared without case); other conditions are
// named only. It is for reports on a refusal the evaluator decided.
func WhyNotAllowed(p *Policy, action, kind, principal string, show []string) string {
	var why []string
	for i := range p.Statements {
		s := &p.Statements[i]
		if s.Deny || !s.Covers(action) {
			continue
		}
		name := s.Sid
		if name == "" {
			name = fmt.Sprintf("Statement[%d]", s.Index)
		}
		ids, not := s.Principals(kind)
		if !not && !slices.Contains(ids, principal) {
			list := "no " + kind + " principal"
			if len(ids) > 0 {
				list = strings.Join(ids, ", ")
			}
			why = append(why, fmt.Sprintf("statement %s trusts %s, not %s", name, list, principal))
			continue
		}
		var conds []string
		for _, c := range s.Conditions() {
			shown := false
			for _, k := range show {
				shown = shown || strings.EqualFold(c.Key, k)
			}
			if shown {
				conds = append(conds, fmt.Sprintf("%s %s %s", c.Operator, c.Key, strings.Join(c.Values, ", ")))
			} else {
				conds = append(conds, fmt.Sprintf("%s %s", c.Operator, c.Key))
			}
		}
		sort.Strings(conds)
		if len(conds) == 0 {
			why = append(why, fmt.Sprintf("statement %s does not apply", name))
			continue
		}
		why = append(why, fmt.Sprintf("statement %s admits only %s", name, strings.Join(conds, "; ")))
	}
	if len(why) == 0 {
		return fmt.Sprintf("no Allow statement covers %s", action)
	}
	return strings.Join(why, "; ")
}

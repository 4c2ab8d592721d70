package policy

// Accessors for readers of a parsed policy that report on it as written
// (compare lists requested actions and wildcards) rather than decide a
// request.

// MatchAction reports whether an IAM action pattern matches an action, as
// the evaluator matches a statement's Action: ASCII case ignored, '*' any
// run of characters, '?' exactly one.
func MatchAction(pattern, action string) bool { return actionMatches(pattern, action) }

// Actions returns the statement's Action (or NotAction, see NotAction)
// patterns as written, malformed ones left out.
func (s *PolicyStatement) Actions() []string { return s.actions }

// NotAction reports whether the patterns of Actions are a NotAction.
func (s *PolicyStatement) NotAction() bool { return s.notAction }

// MatchingAction returns the first Action pattern that matches action, and
// whether the statement's action element applies to it: for a NotAction
// statement the pattern is "" and it applies when no pattern matches.
func (s *PolicyStatement) MatchingAction(action string) (string, bool) {
	if s.noActions {
		return "", false
	}
	for _, p := range s.actions {
		if actionMatches(p, action) {
			if s.notAction {
				return "", false
			}
			return p, true
		}
	}
	return "", s.notAction
}

// Resources returns the statement's Resource (or NotResource, see
// NotResource) patterns as written; a statement of a policy type without
// resources (read as "*") returns ["*"].
func (s *PolicyStatement) Resources() []string {
	out := make([]string, len(s.resources))
	for i := range s.resources {
		out[i] = s.resources[i].raw
	}
	return out
}

// NotResource reports whether the patterns of Resources are a NotResource.
func (s *PolicyStatement) NotResource() bool { return s.notResource }

// HasCondition reports whether the statement has a Condition element with
// at least one clause.
func (s *PolicyStatement) HasCondition() bool { return len(s.conds) > 0 }

// Effects of a statement.
const (
	Allow = "Allow"
	Deny  = "Deny"
)

// Statement is a statement's elements as written, as plain data: for code
// that lists or re-renders statements (generate, diff, check's request
// entries) rather than decides requests, which is PolicySet.Evaluate's job.
type Statement struct {
	Sid         string
	Effect      string // "Allow" or "Deny"
	Action      []string
	NotAction   []string
	Resource    []string
	NotResource []string
	// Condition is operator -> key -> value: a string when the clause has
	// one value, a []string otherwise.
	Condition map[string]map[string]any
}

// Allows reports whether s is an Allow statement.
func (s *Statement) Allows() bool { return s.Effect == Allow }

// View returns the statement as plain data.
func (s *PolicyStatement) View() Statement {
	v := Statement{Sid: s.Sid, Effect: s.Effect()}
	acts := append([]string(nil), s.actions...)
	if s.notAction {
		v.NotAction = acts
	} else if !s.noActions {
		v.Action = acts
	}
	if s.notResource {
		v.NotResource = s.Resources()
	} else {
		v.Resource = s.Resources()
	}
	for _, c := range s.Conditions() {
		if v.Condition == nil {
			v.Condition = map[string]map[string]any{}
		}
		if v.Condition[c.Operator] == nil {
			v.Condition[c.Operator] = map[string]any{}
		}
		if len(c.Values) == 1 {
			v.Condition[c.Operator][c.Key] = c.Values[0]
		} else {
			v.Condition[c.Operator][c.Key] = c.Values
		}
	}
	return v
}

// Views returns every statement of p as plain data, in document order; a
// nil policy has none.
func (p *Policy) Views() []Statement {
	if p == nil {
		return nil
	}
	out := make([]Statement, len(p.Statements))
	for i := range p.Statements {
		out[i] = p.Statements[i].View()
	}
	return out
}

// MatchAnyAction returns the first of patterns that matches action.
func MatchAnyAction(patterns []string, action string) (string, bool) {
	for _, p := range patterns {
		if actionMatches(p, action) {
			return p, true
		}
	}
	return "", false
}

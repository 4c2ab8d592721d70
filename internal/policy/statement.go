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

package policy

import (
	"sort"
	"strings"
)

// ServiceActions returns the IAM actions of the service prefix (e.g.
// "ec2") in the action list, in its order. The prefix is compared without
// case; an unknown prefix gives none.
func ServiceActions(prefix string) []string {
	head := prefix + ":"
	i := sort.Search(len(canonicalActions), func(i int) bool {
		return compareFold(canonicalActions[i], head) >= 0
	})
	j := i
	for j < len(canonicalActions) && len(canonicalActions[j]) >= len(head) && strings.EqualFold(canonicalActions[j][:len(head)], head) {
		j++
	}
	return append([]string(nil), canonicalActions[i:j]...)
}

// Expand returns the actions of the action list that pattern matches:
// the action itself when it is no wildcard (in AWS's spelling when the
// list knows it, as written otherwise: the list may lag a new action),
// every action of the list matching it otherwise, sorted. A pattern whose
// service part is a literal prefix only scans that service.
func Expand(pattern string) []string {
	if !IsWildcard(pattern) {
		if c, ok := Canonical(pattern); ok {
			return []string{c}
		}
		return []string{pattern}
	}
	candidates := canonicalActions[:]
	if svc, _, ok := strings.Cut(pattern, ":"); ok && !IsWildcard(svc) {
		candidates = ServiceActions(svc)
	}
	var out []string
	for _, a := range candidates {
		if MatchAction(pattern, a) {
			out = append(out, a)
		}
	}
	return out
}

// AllActions returns the whole action list, sorted case-insensitively.
func AllActions() []string { return append([]string(nil), canonicalActions[:]...) }

// IsWildcard reports whether an action pattern holds '*' or '?'.
func IsWildcard(pattern string) bool { return strings.ContainsAny(pattern, "*?") }

package policy

import "strings"

// The action list, canonicalActions (tables_gen.go), is one string of
// sorted lines, searched in place: from any byte offset, the line it falls
// in starts after the newline before it. A [...]string would be 22,000
// string headers that every GC cycle scans and every process keeps
// resident (docs/performance.md).

// searchActions returns the offset in canonicalActions of the first action
// not below key (compareFold), or len(canonicalActions) when there is none.
func searchActions(key string) int {
	lo, hi := 0, len(canonicalActions) // lo and hi are line starts
	for lo < hi {
		mid := lo + (hi-lo)/2
		start := lo + strings.LastIndexByte(canonicalActions[lo:mid], '\n') + 1
		end := start + strings.IndexByte(canonicalActions[start:], '\n')
		if compareFold(canonicalActions[start:end], key) >= 0 {
			hi = start
		} else {
			lo = end + 1
		}
	}
	return lo
}

// actionAt returns the action that starts at offset p of canonicalActions.
func actionAt(p int) string {
	return canonicalActions[p : p+strings.IndexByte(canonicalActions[p:], '\n')]
}

// actionsIn returns the actions of canonicalActions[p:q], p and q line
// starts, as a new slice.
func actionsIn(p, q int) []string {
	if p == q {
		return nil
	}
	return strings.Split(canonicalActions[p:q-1], "\n")
}

// serviceRange returns the offsets of the first action of the service
// prefix (compared without case) and of the first action after them.
func serviceRange(prefix string) (int, int) {
	head := prefix + ":"
	p := searchActions(head)
	q := p
	for q < len(canonicalActions) {
		a := actionAt(q)
		if len(a) < len(head) || !strings.EqualFold(a[:len(head)], head) {
			break
		}
		q += len(a) + 1
	}
	return p, q
}

// ServiceActions returns the IAM actions of the service prefix (e.g.
// "ec2") in the action list, in its order. The prefix is compared without
// case; an unknown prefix gives none.
func ServiceActions(prefix string) []string { return actionsIn(serviceRange(prefix)) }

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
	candidates := canonicalActions
	if svc, _, ok := strings.Cut(pattern, ":"); ok && !IsWildcard(svc) {
		p, q := serviceRange(svc)
		candidates = canonicalActions[p:q]
	}
	var out []string
	for line := range strings.Lines(candidates) {
		if a := line[:len(line)-1]; MatchAction(pattern, a) {
			out = append(out, a)
		}
	}
	return out
}

// AllActions returns the whole action list, sorted case-insensitively.
func AllActions() []string { return actionsIn(0, len(canonicalActions)) }

// IsWildcard reports whether an action pattern holds '*' or '?'.
func IsWildcard(pattern string) bool { return strings.ContainsAny(pattern, "*?") }

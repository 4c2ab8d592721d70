package policy

import (
	"strings"
	"unicode/utf8"
)

// Match reports whether the IAM action pattern matches action. As in IAM,
// '*' matches any run of characters (also none), '?' matches exactly one
// character, and the comparison ignores ASCII case.
//
// The matcher walks both strings once, remembering only the last '*' it
// passed; a mismatch resumes after that star one character further. Later
// stars make earlier ones irrelevant, so the work is bounded by
// len(pattern)*len(action) and never grows exponentially.
func Match(pattern, action string) bool {
	p, a := 0, 0
	star, resume := -1, 0
	for a < len(action) {
		if p < len(pattern) {
			switch c := pattern[p]; {
			case c == '*':
				star, resume = p, a
				p++
				continue
			case c == '?':
				_, n := utf8.DecodeRuneInString(action[a:])
				p++
				a += n
				continue
			case lower(c) == lower(action[a]):
				p++
				a++
				continue
			}
		}
		if star < 0 {
			return false
		}
		// Let the last star swallow one more character and try again.
		_, n := utf8.DecodeRuneInString(action[resume:])
		resume += n
		p, a = star+1, resume
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// IsWildcard reports whether pattern holds '*' or '?'.
func IsWildcard(pattern string) bool {
	return strings.ContainsAny(pattern, "*?")
}

// MatchAny reports whether any of patterns matches action and returns the
// first one that does.
func MatchAny(patterns []string, action string) (string, bool) {
	for _, p := range patterns {
		if Match(p, action) {
			return p, true
		}
	}
	return "", false
}

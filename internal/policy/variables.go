package policy

import (
	"strings"
)

// Policy variables (Version 2012-10-17 only): ${key} is replaced by the
// request's single value of key (names compared without case), ${key,
// 'default'} falls back to the quoted default ('' inside it is one quote),
// and ${*}, ${?} and ${$} stand for the literal characters. A variable whose
// key has no value and no default leaves the element matching nothing.
// Text that does not parse as a variable stays as written.

// hasVariables reports whether s may hold a policy variable.
func hasVariables(s string) bool { return strings.Contains(s, "${") }

// expandVars substitutes the variables of s. With glob set, substituted
// text is escaped so that a '*' from a value (or from ${*}) matches only a
// '*'. ok is false when a variable could not be resolved; the keys that
// were absent from the request are passed to missing.
func expandVars(s string, ctx *evalContext, glob bool, missing func(string)) (out string, ok bool) {
	var b strings.Builder
	ok = true
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(rawText(s, glob))
			return b.String(), ok
		}
		b.WriteString(rawText(s[:i], glob))
		key, def, hasDef, n := parseVariable(s[i:])
		if n == 0 {
			// Not a variable: keep "${" and go on after it.
			b.WriteString("${")
			s = s[i+2:]
			continue
		}
		s = s[i+n:]
		switch key {
		case "*", "?", "$":
			if glob {
				b.WriteString(escapeGlob(key))
			} else {
				b.WriteString(key)
			}
			continue
		}
		vals, present := ctx.lookup(strings.ToLower(key))
		var v string
		switch {
		case present && len(vals) == 1:
			v = vals[0]
		case hasDef:
			v = def
		default:
			if !present {
				missing(key)
			}
			ok = false
			continue
		}
		if glob {
			v = escapeGlob(v)
		}
		b.WriteString(v)
	}
}

// parseVariable reads "${key}" or "${key, 'default'}" at the start of s and
// returns the trimmed key, the default, whether there was one, and the
// length read; n is 0 when s does not start with a well-formed variable.
func parseVariable(s string) (key, def string, hasDef bool, n int) {
	i := 2
	start := i
	for i < len(s) && s[i] != '}' && s[i] != ',' {
		if s[i] == '$' && i+1 < len(s) && s[i+1] == '{' {
			return "", "", false, 0
		}
		i++
	}
	if i >= len(s) {
		return "", "", false, 0
	}
	key = strings.TrimSpace(s[start:i])
	if key == "" {
		return "", "", false, 0
	}
	if s[i] == '}' {
		return key, "", false, i + 1
	}
	// A default: , 'text' }
	i++
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i >= len(s) || s[i] != '\'' {
		return "", "", false, 0
	}
	i++
	var d strings.Builder
	for {
		if i >= len(s) {
			return "", "", false, 0
		}
		if s[i] == '\'' {
			if i+1 < len(s) && s[i+1] == '\'' {
				d.WriteByte('\'')
				i += 2
				continue
			}
			i++
			break
		}
		d.WriteByte(s[i])
		i++
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i >= len(s) || s[i] != '}' {
		return "", "", false, 0
	}
	return key, d.String(), true, i + 1
}

// rawText is policy text around variables: as written, except that inside a
// pattern read with escapes a backslash must stay a backslash.
func rawText(s string, glob bool) string {
	if glob {
		return strings.ReplaceAll(s, `\`, `\\`)
	}
	return s
}

package policy

import (
	"strings"
	"unicode/utf8"
)

// actionMatches reports whether an Action pattern matches an action name.
// IAM compares action names without regard to ASCII case; '*' matches any
// run of characters and '?' exactly one.
//
// It walks both strings once and remembers only the last '*' passed: all
// stars are alike here, so later stars make earlier ones irrelevant and the
// work stays within len(pattern)*len(action).
func actionMatches(pattern, action string) bool {
	if pattern == "*" {
		return true
	}
	p, a := 0, 0
	star, resume := -1, 0
	for a < len(action) {
		if p < len(pattern) {
			c := pattern[p]
			switch {
			case c == '*':
				star, resume = p, a
				p++
				continue
			case c == '?':
				_, n := utf8.DecodeRuneInString(action[a:])
				p++
				a += n
				continue
			case foldASCII(c) == foldASCII(action[a]):
				p++
				a++
				continue
			}
		}
		if star < 0 {
			return false
		}
		_, n := utf8.DecodeRuneInString(action[resume:])
		resume += n
		p, a = star+1, resume
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func foldASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// Glob tokens. A segment star or segment one stays inside one colon-separated
// ARN segment; the others match any character.
const (
	tLit uint8 = iota
	tOne
	tStar
	tSegOne
	tSegStar
)

type gtok struct {
	kind uint8
	r    rune
}

func (t gtok) isStar() bool { return t.kind == tStar || t.kind == tSegStar }

// accepts reports whether a consuming token takes rune c.
func (t gtok) accepts(c rune) bool {
	switch t.kind {
	case tLit:
		return t.r == c
	case tSegOne, tSegStar:
		return c != ':'
	}
	return true
}

// glob is a compiled pattern: a literal, everything, a literal prefix then
// '*', or the general token list.
type glob struct {
	toks    []gtok
	lit     string // literal text when kind is globLiteral or globPrefix
	kind    uint8
	invalid bool // matches nothing (an unresolved variable)
}

const (
	globGeneral uint8 = iota
	globLiteral
	globAny
	globPrefix
)

// escapeGlob makes s match only itself inside a pattern that compileGlob
// reads with escapes.
func escapeGlob(s string) string {
	if !strings.ContainsAny(s, `*?\`) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r == '*' || r == '?' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// compileGlob compiles a pattern. With escapes, "\x" is the literal x (how
// substituted variables and ${*} stay literal). With arn, a pattern starting
// "arn:" follows the Resource rules: in the first five segments '*' and '?'
// stay inside their segment, except a '*' that ends a segment, which may
// run across colons; in the resource part they match anything.
func compileGlob(p string, escapes, arn bool) glob {
	if p == "*" {
		return glob{kind: globAny}
	}
	arn = arn && strings.HasPrefix(p, "arn:")
	if !strings.ContainsAny(p, "*?") && (!escapes || !strings.Contains(p, `\`)) {
		return glob{kind: globLiteral, lit: p}
	}
	toks := make([]gtok, 0, len(p))
	seg := 0
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		i += n
		switch {
		case escapes && r == '\\' && i < len(p):
			r, n = utf8.DecodeRuneInString(p[i:])
			i += n
			toks = append(toks, gtok{kind: tLit, r: r})
		case r == '*':
			k := tStar
			if arn && seg < 5 && i < len(p) && p[i] != ':' {
				k = tSegStar
			}
			toks = append(toks, gtok{kind: k})
		case r == '?':
			k := tOne
			if arn && seg < 5 {
				k = tSegOne
			}
			toks = append(toks, gtok{kind: k})
		default:
			if r == ':' {
				seg++
			}
			toks = append(toks, gtok{kind: tLit, r: r})
		}
	}
	g := glob{toks: toks}
	// A literal prefix followed by one unrestricted star is the common
	// "arn:aws:s3:::bucket/*" shape.
	last := len(toks) - 1
	if last >= 0 && toks[last].kind == tStar {
		var b strings.Builder
		plain := true
		for _, t := range toks[:last] {
			if t.kind != tLit {
				plain = false
				break
			}
			b.WriteRune(t.r)
		}
		if plain {
			g.kind, g.lit = globPrefix, b.String()
		}
	}
	if g.kind == globGeneral {
		allLit := true
		var b strings.Builder
		for _, t := range toks {
			if t.kind != tLit {
				allLit = false
				break
			}
			b.WriteRune(t.r)
		}
		if allLit {
			g.kind, g.lit, g.toks = globLiteral, b.String(), nil
		}
	}
	return g
}

// match reports whether s matches the compiled pattern, case-sensitively.
func (g *glob) match(s string) bool {
	if g.invalid {
		return false
	}
	switch g.kind {
	case globAny:
		return true
	case globLiteral:
		return s == g.lit
	case globPrefix:
		return strings.HasPrefix(s, g.lit)
	}
	return nfaMatch(g.toks, s)
}

// nfaMatch runs the token list as a set of positions over s: linear in
// len(s)*len(toks) whatever the stars.
func nfaMatch(toks []gtok, s string) bool {
	n := len(toks) + 1
	words := (n + 63) / 64
	var buf [8]uint64
	var cur, next []uint64
	if words <= 4 {
		cur, next = buf[:words], buf[4:4+words]
	} else {
		cur, next = make([]uint64, words), make([]uint64, words)
	}
	set := func(b []uint64, i int) { b[i>>6] |= 1 << (uint(i) & 63) }
	has := func(b []uint64, i int) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }
	closure := func(b []uint64) {
		for i := 0; i < len(toks); i++ {
			if has(b, i) && toks[i].isStar() {
				set(b, i+1)
			}
		}
	}
	set(cur, 0)
	closure(cur)
	for _, c := range s {
		clear(next)
		alive := false
		for i := 0; i < len(toks); i++ {
			if !has(cur, i) {
				continue
			}
			t := toks[i]
			if !t.accepts(c) {
				continue
			}
			if t.isStar() {
				set(next, i)
			} else {
				set(next, i+1)
			}
			alive = true
		}
		if !alive {
			return false
		}
		closure(next)
		cur, next = next, cur
	}
	return has(cur, len(toks))
}

// tokens returns g as a token list whatever its fast-path kind.
func (g *glob) tokens() []gtok {
	switch g.kind {
	case globAny:
		return []gtok{{kind: tStar}}
	case globLiteral, globPrefix:
		t := make([]gtok, 0, len(g.lit)+1)
		for _, r := range g.lit {
			t = append(t, gtok{kind: tLit, r: r})
		}
		if g.kind == globPrefix {
			t = append(t, gtok{kind: tStar})
		}
		return t
	}
	return g.toks
}

// overlaps reports whether some string matches both patterns: how a
// statement's Resource decides a request resource that is itself a pattern
// ("some resource the request names").
func overlaps(a, b *glob) bool {
	if a.invalid || b.invalid {
		return false
	}
	if a.kind == globAny || b.kind == globAny {
		return true
	}
	if b.kind == globLiteral {
		return a.match(b.lit)
	}
	if a.kind == globLiteral {
		return b.match(a.lit)
	}
	x, y := a.tokens(), b.tokens()
	w := len(y) + 1
	seen := make([]bool, (len(x)+1)*w)
	stack := []int{0}
	seen[0] = true
	push := func(i, j int) {
		if k := i*w + j; !seen[k] {
			seen[k] = true
			stack = append(stack, k)
		}
	}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		i, j := k/w, k%w
		if i == len(x) && j == len(y) {
			return true
		}
		if i < len(x) && x[i].isStar() {
			push(i+1, j)
		}
		if j < len(y) && y[j].isStar() {
			push(i, j+1)
		}
		if i == len(x) || j == len(y) {
			continue
		}
		tx, ty := x[i], y[j]
		if !compatible(tx, ty) {
			continue
		}
		ni, nj := i+1, j+1
		if tx.isStar() {
			ni = i
		}
		if ty.isStar() {
			nj = j
		}
		if ni != i || nj != j {
			push(ni, nj)
		}
	}
	return false
}

// compatible reports whether one character exists that both tokens take.
func compatible(a, b gtok) bool {
	switch {
	case a.kind == tLit && b.kind == tLit:
		return a.r == b.r
	case a.kind == tLit:
		return b.accepts(a.r)
	case b.kind == tLit:
		return a.accepts(b.r)
	}
	return true
}

// covers reports (soundly, not completely) whether every string matching
// inner also matches outer: outer must take inner's wildcards with
// wildcards at least as wide. A false answer means "perhaps not".
func covers(outer, inner *glob) bool {
	if outer.invalid || inner.invalid {
		return false
	}
	if outer.kind == globAny {
		return true
	}
	if inner.kind == globLiteral {
		return outer.match(inner.lit)
	}
	x, y := outer.tokens(), inner.tokens()
	cur := make([]bool, len(x)+1)
	next := make([]bool, len(x)+1)
	closure := func(b []bool) {
		for i := range x {
			if b[i] && x[i].isStar() {
				b[i+1] = true
			}
		}
	}
	cur[0] = true
	closure(cur)
	for _, t := range y {
		clear(next)
		for i := range x {
			if !cur[i] {
				continue
			}
			o := x[i]
			ok := false
			switch t.kind {
			case tLit:
				ok = o.accepts(t.r)
			case tOne:
				ok = o.kind == tOne || o.kind == tStar
			case tSegOne:
				ok = o.kind != tLit
			case tStar:
				ok = o.kind == tStar
			case tSegStar:
				ok = o.isStar()
			}
			if !ok {
				continue
			}
			if o.isStar() {
				next[i] = true
			} else if t.kind == tLit || t.kind == tOne || t.kind == tSegOne {
				next[i+1] = true
			}
		}
		closure(next)
		cur, next = next, cur
	}
	return cur[len(x)]
}

// arnLike reports whether an ARN matches an ARN pattern as ArnLike and
// ArnEquals do: the six colon-separated parts are compared one by one, each
// with '*' and '?', case-sensitively.
func arnLike(pattern, arn string, escapes bool) bool {
	pp := splitARN(pattern)
	ap := splitARN(arn)
	if pp == nil || ap == nil {
		return false
	}
	for i := range pp {
		g := compileGlob(pp[i], escapes, false)
		if !g.match(ap[i]) {
			return false
		}
	}
	return true
}

// splitARN splits an ARN into its six parts (the last keeps its colons), or
// returns nil when there are fewer than six.
func splitARN(s string) []string {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 {
		return nil
	}
	return parts
}

package policy

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Operator families.
const (
	famStringEquals uint8 = iota
	famStringEqualsIgnoreCase
	famStringLike
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famArnEquals
	famArnLike
	famNull
)

// Comparisons of numeric and date operators.
const (
	cmpEq int8 = iota
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

type opInfo struct {
	fam  uint8
	cmp  int8
	neg  bool // a negated operator: its values are NOR'ed
	vars bool // policy variables are substituted in its values
}

// operators is the IAM condition-operator reference; IfExists and the set
// qualifiers are handled around it.
var operators = map[string]opInfo{
	"StringEquals":              {fam: famStringEquals, vars: true},
	"StringNotEquals":           {fam: famStringEquals, neg: true, vars: true},
	"StringEqualsIgnoreCase":    {fam: famStringEqualsIgnoreCase, vars: true},
	"StringNotEqualsIgnoreCase": {fam: famStringEqualsIgnoreCase, neg: true, vars: true},
	"StringLike":                {fam: famStringLike, vars: true},
	"StringNotLike":             {fam: famStringLike, neg: true, vars: true},
	"NumericEquals":             {fam: famNumeric, cmp: cmpEq},
	"NumericNotEquals":          {fam: famNumeric, cmp: cmpEq, neg: true},
	"NumericLessThan":           {fam: famNumeric, cmp: cmpLt},
	"NumericLessThanEquals":     {fam: famNumeric, cmp: cmpLe},
	"NumericGreaterThan":        {fam: famNumeric, cmp: cmpGt},
	"NumericGreaterThanEquals":  {fam: famNumeric, cmp: cmpGe},
	"DateEquals":                {fam: famDate, cmp: cmpEq},
	"DateNotEquals":             {fam: famDate, cmp: cmpEq, neg: true},
	"DateLessThan":              {fam: famDate, cmp: cmpLt},
	"DateLessThanEquals":        {fam: famDate, cmp: cmpLe},
	"DateGreaterThan":           {fam: famDate, cmp: cmpGt},
	"DateGreaterThanEquals":     {fam: famDate, cmp: cmpGe},
	"Bool":                      {fam: famBool, vars: true},
	"BinaryEquals":              {fam: famBinary},
	"IpAddress":                 {fam: famIP},
	"NotIpAddress":              {fam: famIP, neg: true},
	"ArnEquals":                 {fam: famArnEquals, vars: true},
	"ArnNotEquals":              {fam: famArnEquals, neg: true, vars: true},
	"ArnLike":                   {fam: famArnLike, vars: true},
	"ArnNotLike":                {fam: famArnLike, neg: true, vars: true},
	"Null":                      {fam: famNull},
}

// Set qualifiers.
const (
	setNone uint8 = iota
	setAnyValue
	setAllValues
)

// condClause is one key under one operator: Condition.{op}.{key}.
type condClause struct {
	op       opInfo
	opName   string
	set      uint8
	ifExists bool
	key      string // as written
	keyLower string
	values   []condValue
}

type condValue struct {
	text    string
	dynamic bool // holds variables: resolved per request
	invalid bool // not a value of the operator's type: matches nothing
	g       glob // StringLike, static
	num     float64
	t       time.Time
	prefix  netip.Prefix
	bin     []byte
	null    bool // Null: true means "must be absent"
}

// parseOperator splits "ForAnyValue:StringLikeIfExists".
func parseOperator(name string) (info opInfo, set uint8, ifExists, ok bool) {
	base := name
	if q, rest, found := strings.Cut(name, ":"); found {
		switch q {
		case "ForAnyValue":
			set = setAnyValue
		case "ForAllValues":
			set = setAllValues
		default:
			return info, 0, false, false
		}
		base = rest
	}
	if info, ok = operators[base]; ok {
		return info, set, false, true
	}
	if b, found := strings.CutSuffix(base, "IfExists"); found {
		if info, ok = operators[b]; ok {
			return info, set, true, true
		}
	}
	return info, 0, false, false
}

func (p *parser) conditions(v *jvalue, path string) ([]condClause, error) {
	if v.kind != jObject {
		return nil, p.errAt(path, v.off, "want an object of condition operators, not %s", v.kind)
	}
	var out []condClause
	for i := range v.keys {
		om := &v.keys[i]
		opPath := join(path, om.name)
		info, set, ifExists, ok := parseOperator(om.name)
		if !ok {
			return nil, p.errAt(opPath, om.off, "unknown condition operator %q", om.name)
		}
		if info.fam == famNull && (ifExists || set != setNone) {
			if err := p.flag(opPath, om.off, "Null takes neither IfExists nor a set qualifier; read as Null"); err != nil {
				return nil, err
			}
			ifExists, set = false, setNone
		}
		if om.val.kind != jObject {
			return nil, p.errAt(opPath, om.val.off, "want an object of condition keys, not %s", om.val.kind)
		}
		for j := range om.val.keys {
			km := &om.val.keys[j]
			keyPath := join(opPath, km.name)
			c := condClause{op: info, opName: om.name, set: set, ifExists: ifExists, key: km.name, keyLower: strings.ToLower(km.name)}
			var raw []*jvalue
			switch km.val.kind {
			case jArray:
				for k := range km.val.list {
					raw = append(raw, &km.val.list[k])
				}
			default:
				raw = []*jvalue{&km.val}
			}
			for k, rv := range raw {
				vp := keyPath
				if km.val.kind == jArray {
					vp = fmt.Sprintf("%s[%d]", keyPath, k)
				}
				text, ok := rv.scalarText()
				if !ok {
					return nil, p.errAt(vp, rv.off, "want a string, number or boolean, not %s", rv.kind)
				}
				cv, why := p.conditionValue(info, text)
				if why != "" {
					if err := p.flag(vp, rv.off, "%s: %q %s; this value matches nothing", om.name, text, why); err != nil {
						return nil, err
					}
				}
				c.values = append(c.values, cv)
			}
			if len(c.values) == 0 {
				if err := p.flag(keyPath, km.val.off, "no values: the condition cannot match"); err != nil {
					return nil, err
				}
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// conditionValue prepares one policy value, or says why it is not one.
func (p *parser) conditionValue(info opInfo, text string) (condValue, string) {
	cv := condValue{text: text}
	if hasVariables(text) {
		if info.vars && p.pol.variables {
			cv.dynamic = true
			return cv, ""
		}
	}
	why := prepareValue(&cv, info)
	if why != "" {
		cv.invalid = true
	}
	return cv, why
}

// prepareValue parses a (substituted) policy value for its operator.
func prepareValue(cv *condValue, info opInfo) string {
	switch info.fam {
	case famStringLike:
		cv.g = compileGlob(escapeBackslash(cv.text), true, false)
	case famNumeric:
		f, ok := parseNumber(cv.text)
		if !ok {
			return "is not a number"
		}
		cv.num = f
	case famDate:
		t, ok := parseDate(cv.text)
		if !ok {
			return "is not a date (want ISO 8601 or epoch seconds)"
		}
		cv.t = t
	case famBool:
		if !strings.EqualFold(cv.text, "true") && !strings.EqualFold(cv.text, "false") {
			return "is not true or false"
		}
	case famBinary:
		b, err := base64.StdEncoding.DecodeString(cv.text)
		if err != nil {
			return "is not base64"
		}
		cv.bin = b
	case famIP:
		pf, ok := parsePrefix(cv.text)
		if !ok {
			return "is not an IP address or CIDR"
		}
		cv.prefix = pf
	case famNull:
		switch strings.ToLower(cv.text) {
		case "true":
			cv.null = true
		case "false":
		default:
			return "is not true or false"
		}
	}
	return ""
}

func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseDate reads ISO 8601 (a zone-less time is UTC) or epoch seconds.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func parsePrefix(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		pf, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		if pf.Addr().Is4In6() {
			pf = netip.PrefixFrom(pf.Addr().Unmap(), max(pf.Bits()-96, 0))
		}
		return pf.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// eval decides the clause for the request. It reports the key as missing
// when the request lacks it (Null excepted: absence is its answer).
func (c *condClause) eval(ctx *evalContext) bool {
	vals, present := ctx.lookup(c.keyLower)
	if c.op.fam == famNull {
		absent := !present || len(vals) == 0
		for i := range c.values {
			v := &c.values[i]
			if !v.invalid && v.null == absent {
				return true
			}
		}
		return false
	}
	if !present || len(vals) == 0 {
		if !present {
			ctx.missing(c.key)
		}
		switch {
		case c.ifExists:
			return true
		case c.set == setAllValues:
			return true
		case c.set == setAnyValue:
			return false
		}
		return c.op.neg
	}
	// matchesAny: the request value equals (is like, ...) one of the
	// policy values.
	matchesAny := func(rv string) bool {
		for i := range c.values {
			if c.valueMatches(ctx, &c.values[i], rv) {
				return true
			}
		}
		return false
	}
	switch c.set {
	case setAllValues:
		for _, rv := range vals {
			if matchesAny(rv) == c.op.neg {
				return false
			}
		}
		return true
	case setAnyValue:
		for _, rv := range vals {
			if matchesAny(rv) != c.op.neg {
				return true
			}
		}
		return false
	}
	// No qualifier: the key matches when one of its values matches one of
	// the policy's; a negated operator is the negation of that.
	for _, rv := range vals {
		if matchesAny(rv) {
			return !c.op.neg
		}
	}
	return c.op.neg
}

// valueMatches compares one request value with one policy value under the
// positive form of the operator.
func (c *condClause) valueMatches(ctx *evalContext, pv *condValue, rv string) bool {
	if pv.invalid {
		return false
	}
	v := pv
	if pv.dynamic {
		glob := c.op.fam == famStringLike || c.op.fam == famArnLike || c.op.fam == famArnEquals
		text, ok := expandVars(pv.text, ctx, glob, ctx.missing)
		if !ok {
			return false
		}
		tmp := condValue{text: text}
		if c.op.fam == famStringLike {
			tmp.g = compileGlob(text, true, false)
		} else if prepareValue(&tmp, c.op) != "" {
			return false
		}
		v = &tmp
		return c.compare(v, rv, true)
	}
	return c.compare(v, rv, false)
}

func (c *condClause) compare(v *condValue, rv string, escaped bool) bool {
	switch c.op.fam {
	case famStringEquals:
		return rv == v.text
	case famStringEqualsIgnoreCase:
		return strings.EqualFold(rv, v.text)
	case famStringLike:
		return v.g.match(rv)
	case famNumeric:
		f, ok := parseNumber(rv)
		return ok && cmpFloat(f, v.num, c.op.cmp)
	case famDate:
		t, ok := parseDate(rv)
		return ok && cmpInt(int64(t.Compare(v.t)), c.op.cmp)
	case famBool:
		return strings.EqualFold(rv, v.text)
	case famBinary:
		b, err := base64.StdEncoding.DecodeString(rv)
		return err == nil && bytes.Equal(b, v.bin)
	case famIP:
		a, err := netip.ParseAddr(strings.TrimSpace(rv))
		return err == nil && v.prefix.Contains(a.Unmap())
	case famArnEquals, famArnLike:
		text := v.text
		if !escaped {
			text = escapeBackslash(text)
		}
		return arnLike(text, rv, true)
	}
	return false
}

func cmpFloat(a, b float64, cmp int8) bool {
	switch {
	case a < b:
		return cmpInt(-1, cmp)
	case a > b:
		return cmpInt(1, cmp)
	}
	return cmpInt(0, cmp)
}

// cmpInt applies cmp to the sign of a comparison.
func cmpInt(sign int64, cmp int8) bool {
	switch cmp {
	case cmpEq:
		return sign == 0
	case cmpLt:
		return sign < 0
	case cmpLe:
		return sign <= 0
	case cmpGt:
		return sign > 0
	case cmpGe:
		return sign >= 0
	}
	return false
}

package policy

import (
	"fmt"
	"slices"
	"strings"
)

// PolicyType is the kind of a policy, spelled as AWS's policy simulator
// reports it in SourcePolicyType.
type PolicyType string

// Policy types.
const (
	TypeIdentity PolicyType = "IAM Policy"
	TypeBoundary PolicyType = "PermissionsBoundaryPolicy"
	TypeSCP      PolicyType = "SCP"
	TypeResource PolicyType = "ResourcePolicy"
	TypeSession  PolicyType = "SessionPolicy"
	TypeEndpoint PolicyType = "VpcEndpointPolicy"
)

// principalBased reports whether statements of this type name principals:
// resource-based policies (trust policies included) and VPC endpoint
// policies.
func (t PolicyType) principalBased() bool { return t == TypeResource || t == TypeEndpoint }

// Strictness says how ParsePolicy treats content that IAM's own checks
// would refuse but that has a literal reading.
type Strictness uint8

const (
	// Lenient evaluates a policy as it stands in an account: content IAM
	// would flag (a malformed action, an unknown element, a Principal in an
	// identity policy) is read literally and reported as a Warning.
	Lenient Strictness = iota
	// Strict refuses such content with a *PolicyError, for inputs cci
	// writes or compares (CredentialsRequests).
	Strict
)

// Policy versions.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// ParseOptions say what a document is and how strictly to read it.
type ParseOptions struct {
	// Type is the policy's type; it decides whether Principal belongs in
	// it and whether Resource may be left out.
	Type PolicyType
	// Strictness is Lenient (the zero value) or Strict.
	Strictness Strictness
	// Name is the policy's name, reported as SourcePolicyId.
	Name string
}

// Policy is a parsed policy document, ready to evaluate.
type Policy struct {
	Name       string
	Type       PolicyType
	Version    string
	ID         string
	Statements []PolicyStatement
	// Warnings lists content read literally (Lenient only).
	Warnings []Warning
	// variables is true when ${...} is substituted (Version 2012-10-17).
	variables bool
}

// PolicyStatement is one statement of a Policy.
type PolicyStatement struct {
	// Index is the statement's position in the document, from 0.
	Index int
	Sid   string
	Deny  bool
	// Line and Column are where the statement starts, from 1.
	Line, Column int

	actions   []string // patterns; a malformed one is left out
	notAction bool
	// noActions: neither Action nor NotAction (Lenient): matches nothing.
	noActions bool

	resources   []resPattern
	notResource bool

	principal    *principalSet // nil: no Principal/NotPrincipal element
	notPrincipal bool

	conds []condClause
}

// Effect is "Allow" or "Deny".
func (s *PolicyStatement) Effect() string {
	if s.Deny {
		return "Deny"
	}
	return "Allow"
}

type resPattern struct {
	raw     string
	g       glob
	dynamic bool // holds variables: compiled per request
	invalid bool // malformed: matches nothing
}

// PolicyError is a document that cannot be evaluated: the path of the bad
// element (Statement[2].Condition.StringLike, statements counted from 0),
// its line (from 1; 0 when unknown) and why.
type PolicyError struct {
	Path string
	Line int
	Msg  string
}

func (e *PolicyError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Warning is content read literally, with where it is.
type Warning struct {
	Path string `json:"Path"`
	Line int    `json:"Line"`
	Msg  string `json:"Message"`
}

func (w Warning) String() string {
	return (&PolicyError{Path: w.Path, Line: w.Line, Msg: w.Msg}).Error()
}

// ParsePolicy reads a JSON policy document. Structural errors (not JSON,
// no Statement, an Effect other than Allow or Deny, an element of the wrong
// JSON type, Action with NotAction, an unknown condition operator) are a
// *PolicyError in both modes; see Strictness for the rest.
func ParsePolicy(data []byte, opts ParseOptions) (*Policy, error) {
	root, err := readJSON(data)
	if err != nil {
		je := err.(*jsonError)
		return nil, &PolicyError{Line: lineOf(data, je.off), Msg: "not a JSON document: " + je.msg}
	}
	if opts.Type == "" {
		opts.Type = TypeIdentity
	}
	p := &parser{data: data, opts: opts, pol: &Policy{Name: opts.Name, Type: opts.Type}}
	if err := p.document(root); err != nil {
		return nil, err
	}
	return p.pol, nil
}

type parser struct {
	data []byte
	opts ParseOptions
	pol  *Policy
}

func (p *parser) errAt(path string, off int, format string, args ...any) error {
	return &PolicyError{Path: path, Line: lineOf(p.data, off), Msg: fmt.Sprintf(format, args...)}
}

// flag is content IAM would refuse: an error when strict, else a warning.
func (p *parser) flag(path string, off int, format string, args ...any) error {
	if p.opts.Strictness == Strict {
		return p.errAt(path, off, format, args...)
	}
	p.pol.Warnings = append(p.pol.Warnings, Warning{Path: path, Line: lineOf(p.data, off), Msg: fmt.Sprintf(format, args...)})
	return nil
}

// members returns an object's members by name, flagging duplicates (the
// last one wins, as with most JSON readers) and names that differ only in
// case from a known one.
func (p *parser) members(v *jvalue, path string, known []string) (map[string]*jmember, error) {
	m := make(map[string]*jmember, len(v.keys))
	for i := range v.keys {
		k := &v.keys[i]
		name := k.name
		if !slices.Contains(known, name) {
			for _, kn := range known {
				if strings.EqualFold(kn, name) {
					name = ""
					if err := p.flag(join(path, k.name), k.off, "element names are case-sensitive: want %s", kn); err != nil {
						return nil, err
					}
				}
			}
			if name != "" {
				if err := p.flag(join(path, k.name), k.off, "unknown element (IAM knows %s); ignored", strings.Join(known, ", ")); err != nil {
					return nil, err
				}
			}
			continue
		}
		if _, dup := m[name]; dup {
			if err := p.flag(join(path, name), k.off, "element given twice; the last one counts"); err != nil {
				return nil, err
			}
		}
		m[name] = k
	}
	return m, nil
}

func join(path, name string) string {
	if path == "" {
		return quoteKey(name)
	}
	return path + "." + quoteKey(name)
}

var (
	docElements       = []string{"Version", "Id", "Statement"}
	statementElements = []string{"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"}
)

func (p *parser) document(root jvalue) error {
	if root.kind != jObject {
		return p.errAt("", root.off, "a policy document is a JSON object, not %s", root.kind)
	}
	m, err := p.members(&root, "", docElements)
	if err != nil {
		return err
	}
	if v := m["Version"]; v != nil {
		if v.val.kind != jString {
			return p.errAt("Version", v.val.off, "want a string, not %s", v.val.kind)
		}
		p.pol.Version = v.val.text
		if v.val.text != Version2012 && v.val.text != Version2008 {
			if err := p.flag("Version", v.val.off, "unknown version %q (want %s); read as %s", v.val.text, Version2012, Version2008); err != nil {
				return err
			}
		}
	}
	p.pol.variables = p.pol.Version == Version2012
	if v := m["Id"]; v != nil {
		if v.val.kind != jString {
			return p.errAt("Id", v.val.off, "want a string, not %s", v.val.kind)
		}
		p.pol.ID = v.val.text
	}
	st := m["Statement"]
	if st == nil {
		return p.errAt("", root.off, "no Statement element")
	}
	switch st.val.kind {
	case jObject:
		s, err := p.statement(&st.val, "Statement", 0)
		if err != nil {
			return err
		}
		p.pol.Statements = []PolicyStatement{s}
	case jArray:
		if len(st.val.list) == 0 {
			if err := p.flag("Statement", st.val.off, "no statements: the policy allows and denies nothing"); err != nil {
				return err
			}
		}
		p.pol.Statements = make([]PolicyStatement, 0, len(st.val.list))
		for i := range st.val.list {
			s, err := p.statement(&st.val.list[i], fmt.Sprintf("Statement[%d]", i), i)
			if err != nil {
				return err
			}
			p.pol.Statements = append(p.pol.Statements, s)
		}
	default:
		return p.errAt("Statement", st.val.off, "want an object or a list of objects, not %s", st.val.kind)
	}
	return nil
}

func (p *parser) statement(v *jvalue, path string, idx int) (PolicyStatement, error) {
	s := PolicyStatement{Index: idx}
	s.Line, s.Column = lineCol(p.data, v.off)
	if v.kind != jObject {
		return s, p.errAt(path, v.off, "a statement is an object, not %s", v.kind)
	}
	m, err := p.members(v, path, statementElements)
	if err != nil {
		return s, err
	}
	if e := m["Sid"]; e != nil {
		if e.val.kind != jString {
			return s, p.errAt(path+".Sid", e.val.off, "want a string, not %s", e.val.kind)
		}
		s.Sid = e.val.text
	}
	e := m["Effect"]
	switch {
	case e == nil:
		return s, p.errAt(path, v.off, "no Effect element (want Allow or Deny)")
	case e.val.kind != jString:
		return s, p.errAt(path+".Effect", e.val.off, "want Allow or Deny, not %s", e.val.kind)
	case e.val.text == "Allow":
	case e.val.text == "Deny":
		s.Deny = true
	default:
		return s, p.errAt(path+".Effect", e.val.off, "%q: want Allow or Deny (case-sensitive)", e.val.text)
	}
	if err := p.actionsOf(&s, m, path); err != nil {
		return s, err
	}
	if err := p.resourcesOf(&s, m, path, v.off); err != nil {
		return s, err
	}
	if err := p.principalsOf(&s, m, path, v.off); err != nil {
		return s, err
	}
	if c := m["Condition"]; c != nil {
		conds, err := p.conditions(&c.val, path+".Condition")
		if err != nil {
			return s, err
		}
		s.conds = conds
	}
	return s, nil
}

// stringList reads an element written as a string or a list of strings.
func (p *parser) stringList(v *jvalue, path string) ([]string, []int, error) {
	switch v.kind {
	case jString:
		return []string{v.text}, []int{v.off}, nil
	case jArray:
		out := make([]string, 0, len(v.list))
		offs := make([]int, 0, len(v.list))
		for i := range v.list {
			el := &v.list[i]
			if el.kind != jString {
				return nil, nil, p.errAt(fmt.Sprintf("%s[%d]", path, i), el.off, "want a string, not %s", el.kind)
			}
			out = append(out, el.text)
			offs = append(offs, el.off)
		}
		return out, offs, nil
	}
	return nil, nil, p.errAt(path, v.off, "want a string or a list of strings, not %s", v.kind)
}

func (p *parser) actionsOf(s *PolicyStatement, m map[string]*jmember, path string) error {
	a, na := m["Action"], m["NotAction"]
	switch {
	case a != nil && na != nil:
		return p.errAt(path+".NotAction", na.off, "a statement has Action or NotAction, not both")
	case a == nil && na == nil:
		s.noActions = true
		off := 0
		if len(m) > 0 {
			off = m["Effect"].off
		}
		return p.flag(path, off, "no Action or NotAction: the statement matches no action")
	}
	el, name := a, "Action"
	if a == nil {
		el, name, s.notAction = na, "NotAction", true
	}
	list, offs, err := p.stringList(&el.val, path+"."+name)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		if err := p.flag(path+"."+name, el.val.off, "empty list: matches no action"); err != nil {
			return err
		}
	}
	for i, act := range list {
		if why := malformedAction(act); why != "" {
			ep := path + "." + name
			if el.val.kind == jArray {
				ep = fmt.Sprintf("%s[%d]", ep, i)
			}
			if err := p.flag(ep, offs[i], "malformed action %q (%s): matches nothing", act, why); err != nil {
				return err
			}
			continue
		}
		s.actions = append(s.actions, act)
	}
	return nil
}

// malformedAction says what is wrong with an action pattern, or "".
func malformedAction(a string) string {
	if a == "*" {
		return ""
	}
	svc, name, ok := strings.Cut(a, ":")
	switch {
	case !ok:
		return "want service:action"
	case svc == "":
		return "no service prefix"
	case name == "":
		return "no action name"
	case strings.ContainsAny(a, ", \t\n"):
		return "a list inside one string"
	case strings.Contains(name, ":"):
		return "more than one colon"
	}
	for i := 0; i < len(svc); i++ {
		c := svc[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '*' || c == '?') {
			return "bad service prefix"
		}
	}
	return ""
}

func (p *parser) resourcesOf(s *PolicyStatement, m map[string]*jmember, path string, off int) error {
	r, nr := m["Resource"], m["NotResource"]
	switch {
	case r != nil && nr != nil:
		return p.errAt(path+".NotResource", nr.off, "a statement has Resource or NotResource, not both")
	case r == nil && nr == nil:
		if !p.opts.Type.principalBased() {
			if err := p.flag(path, off, "no Resource or NotResource (%s needs one); read as Resource \"*\"", p.opts.Type); err != nil {
				return err
			}
		}
		s.resources = []resPattern{{raw: "*", g: glob{kind: globAny}}}
		return nil
	}
	el, name := r, "Resource"
	if r == nil {
		el, name, s.notResource = nr, "NotResource", true
	}
	list, offs, err := p.stringList(&el.val, path+"."+name)
	if err != nil {
		return err
	}
	for i, res := range list {
		rp := resPattern{raw: res}
		if why := malformedResource(res); why != "" {
			ep := path + "." + name
			if el.val.kind == jArray {
				ep = fmt.Sprintf("%s[%d]", ep, i)
			}
			if err := p.flag(ep, offs[i], "malformed resource %q (%s): matches nothing", res, why); err != nil {
				return err
			}
			rp.invalid = true
		}
		switch {
		case p.pol.variables && hasVariables(res):
			rp.dynamic = true
		default:
			if !p.pol.variables && hasVariables(res) {
				if err := p.flag(fmt.Sprintf("%s.%s", path, name), offs[i], "${...} in a policy without Version %s is literal text", Version2012); err != nil {
					return err
				}
			}
			rp.g = compileGlob(escapeBackslash(res), true, true)
		}
		s.resources = append(s.resources, rp)
	}
	return nil
}

func escapeBackslash(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	return strings.ReplaceAll(s, `\`, `\\`)
}

func malformedResource(r string) string {
	if r == "*" {
		return ""
	}
	if !strings.HasPrefix(r, "arn:") {
		return `want "*" or an ARN`
	}
	// A '*' that ends the last segment given may stand for the rest.
	if strings.Count(r, ":") < 5 && !strings.HasSuffix(r, "*") {
		return "an ARN has six colon-separated parts"
	}
	return ""
}

// Condition is one condition clause of a statement, as written.
type Condition struct {
	// Operator is as written, e.g. "ForAnyValue:StringLikeIfExists".
	Operator string
	Key      string
	Values   []string
}

// Conditions lists the statement's condition clauses, in no set order.
func (s *PolicyStatement) Conditions() []Condition {
	out := make([]Condition, 0, len(s.conds))
	for i := range s.conds {
		c := &s.conds[i]
		vals := make([]string, 0, len(c.values))
		for _, v := range c.values {
			vals = append(vals, v.text)
		}
		out = append(out, Condition{Operator: c.opName, Key: c.key, Values: vals})
	}
	return out
}

// Principals returns the statement's Principal (or NotPrincipal, with not
// set) values of kind "AWS", "Federated", "Service" or "CanonicalUser".
func (s *PolicyStatement) Principals(kind string) (ids []string, not bool) {
	if s.principal == nil {
		return nil, false
	}
	switch kind {
	case "AWS":
		ids = s.principal.aws
		if s.principal.all {
			ids = append([]string{"*"}, ids...)
		}
	case "Federated":
		ids = s.principal.federated
	case "Service":
		ids = s.principal.service
	case "CanonicalUser":
		ids = s.principal.canonical
	}
	return ids, s.notPrincipal
}

// Covers reports whether the statement's Action (or NotAction) element
// takes in action, regardless of resource, principal and conditions.
func (s *PolicyStatement) Covers(action string) bool { return s.actionMatches(action) }

package policy

import (
	"sort"
	"strings"
)

// The evaluator decides one request against the policies of one account, as
// AWS's policy evaluation logic describes it:
//
//	if any applicable statement of any policy is a Deny  -> explicitDeny
//	if SCP levels are given and one level has no policy
//	   with an applicable Allow                          -> implicitDeny
//	if VPC endpoint policies are given and one does not
//	   allow                                             -> implicitDeny
//	if the resource policy allows the caller's own ARN
//	   (an IAM user, a role session, a federated user)   -> allowed
//	if neither an identity policy nor the resource
//	   policy allows                                     -> implicitDeny
//	if boundaries are given and one does not allow, or
//	   session policies are given and none allows        -> implicitDeny
//	otherwise                                            -> allowed
//
// A statement applies when its action, resource, principal (resource and
// endpoint policies; also identity policies that hold one) and every
// condition match. A resource policy that names only the caller's account
// delegates to the identity policies and allows nothing by itself.

// Decisions, spelled as AWS's EvalDecision.
const (
	Allowed      = "allowed"
	ImplicitDeny = "implicitDeny"
	ExplicitDeny = "explicitDeny"
)

// Request is one call to decide.
type Request struct {
	// Action is service:action, e.g. ec2:RunInstances.
	Action string
	// Resource is an ARN, or a pattern ("*", "arn:aws:s3:::b/*") meaning
	// "some resource it names": a statement's Resource applies when the two
	// patterns have an ARN in common, a NotResource unless one of its
	// patterns surely covers the request's. Empty means "*".
	Resource string
	// Caller is the principal's ARN (user, role, assumed-role session,
	// federated user, account root, identity provider) or a service
	// principal name; empty when unknown.
	Caller string
	// ResourceOwner is the account that owns the resource, for ARNs that
	// carry none (S3); it fills aws:ResourceAccount.
	ResourceOwner string
	// Context holds condition keys and their values. Key names are
	// compared without case. Values are strings as the AWS CLI passes them.
	Context map[string][]string
	// ConditionsUnknown asks whether some request of the action can be
	// allowed when neither its context nor its exact resource is known (a
	// call seen in CloudTrail, which records no condition keys): an Allow
	// applies whatever its conditions, a Deny only when it has none and
	// its resources cover Resource. Result.Conditional then says whether
	// the answer rests on what is unknown.
	ConditionsUnknown bool
}

// PolicySet is every policy that applies to a request, by type.
type PolicySet struct {
	Identity []*Policy
	// Boundaries: each one must allow.
	Boundaries []*Policy
	// SCPLevels holds one list per organization level (root, each OU,
	// the account); at every level one policy must allow. A level with
	// no policy allows nothing.
	SCPLevels [][]*Policy
	// Resource: resource-based policies of the resource (same account).
	Resource []*Policy
	// Session: the session policies; one of them must allow.
	Session []*Policy
	// Endpoint: VPC endpoint policies; each one must allow.
	Endpoint []*Policy
}

// MatchedStatement names a statement that decided.
type MatchedStatement struct {
	PolicyID   string
	PolicyType PolicyType
	Sid        string
	// Index is the statement's position in its policy, from 0; Line and
	// Column where it starts in the document, from 1.
	Index        int
	Line, Column int
	Effect       string
}

// Result is the decision on one request.
type Result struct {
	Decision string
	// Matched lists the deciding statements: the Deny statements for an
	// explicit deny, else the Allow statements that applied.
	Matched []MatchedStatement
	// DecidedBy is the policy type that decided: the type of the first
	// Deny, the gate that did not allow, or what allowed.
	DecidedBy PolicyType
	// Reason says in words why.
	Reason string
	// MissingContextValues lists the condition keys (as the policies spell
	// them, sorted, once each) that statements needed and the request
	// lacked.
	MissingContextValues []string
	// Conditional is set with Request.ConditionsUnknown: the decision is
	// allowed, but every Allow that applied has a condition or covers only
	// some of the request's resources, or a Deny with a condition or a
	// narrower resource may apply.
	Conditional bool
	// AllowedByBoundary and AllowedByOrganizations are nil when no
	// boundary or SCP was given.
	AllowedByBoundary      *bool
	AllowedByOrganizations *bool
}

// evalContext is a request prepared for evaluation.
type evalContext struct {
	action   string
	resource glob
	resPat   bool // the request resource holds wildcards
	resARN   string
	caller   caller
	keys     map[string][]string // lowercased
	derived  [6]struct {
		key  string
		vals []string
	}
	nDerived    int
	missingKeys map[string]string // lower -> as spelled
	// unknown is Request.ConditionsUnknown; sure counts Allows that
	// applied without depending on it, unsure Denies that may apply.
	unknown      bool
	sure, unsure int
}

func (ctx *evalContext) lookup(lower string) ([]string, bool) {
	if v, ok := ctx.keys[lower]; ok {
		return v, true
	}
	for i := 0; i < ctx.nDerived; i++ {
		if ctx.derived[i].key == lower {
			return ctx.derived[i].vals, true
		}
	}
	return nil, false
}

func (ctx *evalContext) missing(key string) {
	l := strings.ToLower(key)
	if ctx.missingKeys == nil {
		ctx.missingKeys = map[string]string{}
	}
	if _, ok := ctx.missingKeys[l]; !ok {
		ctx.missingKeys[l] = key
	}
}

func (ctx *evalContext) derive(key, val string) {
	if val == "" || ctx.nDerived == len(ctx.derived) {
		return
	}
	if _, given := ctx.keys[key]; given {
		return
	}
	ctx.derived[ctx.nDerived].key = key
	ctx.derived[ctx.nDerived].vals = []string{val}
	ctx.nDerived++
}

func newContext(req *Request) *evalContext {
	ctx := &evalContext{action: req.Action, caller: parseCaller(req.Caller), unknown: req.ConditionsUnknown}
	res := req.Resource
	if res == "" {
		res = "*"
	}
	ctx.resARN = res
	ctx.resource = compileGlob(escapeBackslash(res), true, true)
	ctx.resPat = ctx.resource.kind != globLiteral
	if len(req.Context) > 0 {
		ctx.keys = make(map[string][]string, len(req.Context))
		for k, v := range req.Context {
			ctx.keys[strings.ToLower(k)] = v
		}
	}
	c := &ctx.caller
	ctx.derive("aws:principalarn", c.principalARN)
	ctx.derive("aws:principalaccount", c.account)
	ctx.derive("aws:username", c.username)
	if c.kind == callerAccount || c.kind == callerUser || c.kind == callerAssumedRole || c.kind == callerFederated {
		ctx.derive("aws:principaltype", c.kind)
	}
	owner := req.ResourceOwner
	if parts := splitARN(res); parts != nil && IsAccountID(parts[4]) {
		owner = parts[4]
	}
	ctx.derive("aws:resourceaccount", owner)
	return ctx
}

// stmtOutcome is what one statement says about a request.
type stmtOutcome uint8

const (
	notApplicable stmtOutcome = iota
	applies
	appliesDirect  // a resource-policy Allow naming the caller's own ARN
	appliesAccount // a resource-policy Allow naming only the caller's account
)

// applies decides one statement. Conditions are evaluated (and
// their missing keys noted) only once action, resource and principal match.
func (s *PolicyStatement) applies(pol *Policy, ctx *evalContext) stmtOutcome {
	if !s.actionMatches(ctx.action) || !s.resourceMatches(pol, ctx) {
		return notApplicable
	}
	pm := pmIndirect
	switch {
	case s.principal != nil && s.notPrincipal:
		if !s.principal.notPrincipalApplies(&ctx.caller) {
			return notApplicable
		}
	case s.principal != nil:
		pm = s.principal.matchCaller(&ctx.caller)
		if pm == pmNone {
			return notApplicable
		}
	case pol.Type.principalBased():
		return notApplicable
	}
	if ctx.unknown {
		certain := len(s.conds) == 0 && s.coversRequest(ctx)
		switch {
		case s.Deny && !certain:
			ctx.unsure++
			return notApplicable
		case !s.Deny && certain:
			ctx.sure++
		}
	} else if !s.condsHold(ctx) {
		return notApplicable
	}
	switch {
	case s.Deny || pol.Type != TypeResource:
		return applies
	case pm == pmDirect:
		return appliesDirect
	case pm == pmAccount:
		return appliesAccount
	}
	return applies
}

func (s *PolicyStatement) actionMatches(action string) bool {
	_, ok := s.MatchingAction(action)
	return ok
}

func (s *PolicyStatement) resourceMatches(pol *Policy, ctx *evalContext) bool {
	for i := range s.resources {
		rp := &s.resources[i]
		if rp.invalid {
			continue
		}
		g := &rp.g
		if rp.dynamic {
			text, ok := expandVars(rp.raw, ctx, true, ctx.missing)
			if !ok {
				continue
			}
			cg := compileGlob(text, true, true)
			g = &cg
		}
		var hit bool
		switch {
		case !ctx.resPat:
			hit = g.match(ctx.resARN)
		case s.notResource:
			hit = covers(g, &ctx.resource)
		default:
			hit = overlaps(g, &ctx.resource)
		}
		if hit {
			return !s.notResource
		}
	}
	return s.notResource
}

// condsHold evaluates every clause, so MissingContextValues names them
// all.
func (s *PolicyStatement) condsHold(ctx *evalContext) bool {
	ok := true
	for i := range s.conds {
		if !s.conds[i].eval(ctx) {
			ok = false
		}
	}
	return ok
}

// coversRequest reports whether the statement's Resource surely holds
// every resource the request's names (a NotResource never does).
func (s *PolicyStatement) coversRequest(ctx *evalContext) bool {
	if s.notResource {
		return false
	}
	for i := range s.resources {
		rp := &s.resources[i]
		if rp.invalid || rp.dynamic {
			continue
		}
		if !ctx.resPat || covers(&rp.g, &ctx.resource) {
			return true
		}
	}
	return false
}

// policyOutcome evaluates every statement of a policy.
type policyOutcome struct {
	denies, allows []MatchedStatement
	direct         bool // a resource-policy Allow names the caller itself
	allowed        bool // an Allow applies (account delegation excluded)
}

func (p *Policy) evaluate(ctx *evalContext) policyOutcome {
	var out policyOutcome
	for i := range p.Statements {
		s := &p.Statements[i]
		o := s.applies(p, ctx)
		if o == notApplicable {
			continue
		}
		m := MatchedStatement{PolicyID: p.Name, PolicyType: p.Type, Sid: s.Sid, Index: s.Index, Line: s.Line, Column: s.Column, Effect: s.Effect()}
		if s.Deny {
			out.denies = append(out.denies, m)
			continue
		}
		if o == appliesAccount {
			continue
		}
		out.allows = append(out.allows, m)
		out.allowed = true
		if o == appliesDirect {
			out.direct = true
		}
	}
	return out
}

// Evaluate decides req against the set.
func (set *PolicySet) Evaluate(req *Request) Result {
	ctx := newContext(req)
	var denies []MatchedStatement
	eval := func(ps []*Policy) []policyOutcome {
		out := make([]policyOutcome, len(ps))
		for i, p := range ps {
			out[i] = p.evaluate(ctx)
			denies = append(denies, out[i].denies...)
		}
		return out
	}
	scp := make([][]policyOutcome, len(set.SCPLevels))
	for i, lvl := range set.SCPLevels {
		scp[i] = eval(lvl)
	}
	endpoint := eval(set.Endpoint)
	resource := eval(set.Resource)
	identity := eval(set.Identity)
	boundary := eval(set.Boundaries)
	session := eval(set.Session)

	var r Result
	var allows []MatchedStatement
	collect := func(outs []policyOutcome) {
		for _, o := range outs {
			allows = append(allows, o.allows...)
		}
	}
	anyAllows := func(outs []policyOutcome) bool {
		for _, o := range outs {
			if o.allowed {
				return true
			}
		}
		return false
	}
	allAllow := func(outs []policyOutcome) bool {
		for _, o := range outs {
			if !o.allowed {
				return false
			}
		}
		return true
	}

	orgOK, failedLevel := true, -1
	for i, lvl := range scp {
		if !anyAllows(lvl) && orgOK {
			orgOK, failedLevel = false, i
		}
	}
	if len(scp) > 0 {
		r.AllowedByOrganizations = &orgOK
	}
	boundaryOK := allAllow(boundary)
	if len(boundary) > 0 {
		r.AllowedByBoundary = &boundaryOK
	}
	endpointOK := allAllow(endpoint)
	sessionOK := len(session) == 0 || anyAllows(session)
	direct := false
	for _, o := range resource {
		direct = direct || o.direct
	}
	identityOK, resourceOK := anyAllows(identity), anyAllows(resource)

	switch {
	case len(denies) > 0:
		r.Decision, r.Matched = ExplicitDeny, denies
		r.DecidedBy = denies[0].PolicyType
		r.Reason = "an explicit Deny applies"
	case !orgOK:
		r.Decision, r.DecidedBy = ImplicitDeny, TypeSCP
		r.Reason = "no SCP at organization level " + itoa(failedLevel+1) + " allows it"
	case !endpointOK:
		r.Decision, r.DecidedBy = ImplicitDeny, TypeEndpoint
		r.Reason = "a VPC endpoint policy does not allow it"
	case direct:
		r.Decision, r.DecidedBy = Allowed, TypeResource
		r.Reason = "the resource policy allows the caller's own ARN"
	case !identityOK && !resourceOK:
		r.Decision, r.DecidedBy = ImplicitDeny, TypeIdentity
		r.Reason = "no identity-based or resource-based policy allows it"
		if len(set.Identity) == 0 && len(set.Resource) > 0 {
			r.DecidedBy = TypeResource
		}
	case !boundaryOK:
		r.Decision, r.DecidedBy = ImplicitDeny, TypeBoundary
		r.Reason = "the permissions boundary does not allow it"
	case !sessionOK:
		r.Decision, r.DecidedBy = ImplicitDeny, TypeSession
		r.Reason = "no session policy allows it"
	default:
		r.Decision, r.DecidedBy = Allowed, TypeIdentity
		r.Reason = "allowed by an identity-based policy"
		if !identityOK {
			r.DecidedBy = TypeResource
			r.Reason = "allowed by the resource policy"
		}
	}
	if r.Decision != ExplicitDeny {
		collect(resource)
		collect(identity)
		collect(boundary)
		collect(session)
		collect(endpoint)
		for _, lvl := range scp {
			collect(lvl)
		}
		r.Matched = allows
	}
	if ctx.unknown && r.Decision == Allowed {
		r.Conditional = ctx.sure == 0 || ctx.unsure > 0
	}
	if len(ctx.missingKeys) > 0 {
		r.MissingContextValues = make([]string, 0, len(ctx.missingKeys))
		for _, k := range ctx.missingKeys {
			r.MissingContextValues = append(r.MissingContextValues, k)
		}
		sort.Strings(r.MissingContextValues)
	}
	return r
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

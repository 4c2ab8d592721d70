package policy

import (
	"fmt"
	"slices"
	"strings"
)

// principalSet is a Principal or NotPrincipal element.
type principalSet struct {
	all       bool // "*" or {"AWS":"*"}
	aws       []string
	federated []string
	service   []string
	canonical []string
}

var principalKinds = []string{"AWS", "Federated", "Service", "CanonicalUser"}

func (p *parser) principalsOf(s *PolicyStatement, m map[string]*jmember, path string, off int) error {
	pr, npr := m["Principal"], m["NotPrincipal"]
	switch {
	case pr != nil && npr != nil:
		return p.errAt(path+".NotPrincipal", npr.off, "a statement has Principal or NotPrincipal, not both")
	case pr == nil && npr == nil:
		if p.opts.Type.principalBased() {
			return p.flag(path, off, "no Principal or NotPrincipal (%s needs one): the statement applies to no principal", p.opts.Type)
		}
		return nil
	}
	el, name := pr, "Principal"
	if pr == nil {
		el, name, s.notPrincipal = npr, "NotPrincipal", true
	}
	ep := path + "." + name
	if !p.opts.Type.principalBased() {
		if err := p.flag(ep, el.off, "%s has no place in a %s (IAM refuses it); evaluated against the caller", name, p.opts.Type); err != nil {
			return err
		}
	}
	set := &principalSet{}
	s.principal = set
	v := &el.val
	switch v.kind {
	case jString:
		if v.text != "*" {
			return p.errAt(ep, v.off, "%q: want \"*\" or an object such as {\"AWS\": \"arn:...\"}", v.text)
		}
		set.all = true
		return nil
	case jObject:
	default:
		return p.errAt(ep, v.off, "want \"*\" or an object, not %s", v.kind)
	}
	mm, err := p.members(v, ep, principalKinds)
	if err != nil {
		return err
	}
	for _, kind := range principalKinds {
		k := mm[kind]
		if k == nil {
			continue
		}
		list, offs, err := p.stringList(&k.val, ep+"."+kind)
		if err != nil {
			return err
		}
		for i, id := range list {
			if kind == "AWS" && id == "*" {
				set.all = true
				continue
			}
			if strings.ContainsAny(id, "*?") {
				if err := p.flag(fmt.Sprintf("%s.%s", ep, kind), offs[i], "%q: a principal cannot hold a wildcard other than \"*\" alone; matches nothing", id); err != nil {
					return err
				}
				continue
			}
			switch kind {
			case "AWS":
				set.aws = append(set.aws, id)
			case "Federated":
				set.federated = append(set.federated, id)
			case "Service":
				set.service = append(set.service, id)
			case "CanonicalUser":
				set.canonical = append(set.canonical, id)
			}
		}
	}
	return nil
}

// Caller kinds, as aws:PrincipalType spells them where it has a value.
const (
	callerNone        = ""
	callerAccount     = "Account"
	callerUser        = "User"
	callerRole        = "Role" // a role named directly (trust policies)
	callerAssumedRole = "AssumedRole"
	callerFederated   = "FederatedUser"
	callerWebIdP      = "Federated" // an identity provider (Federated principal)
	callerService     = "Service"
)

// caller is what the evaluator knows of the request's principal, worked
// out once from its ARN.
type caller struct {
	arn       string
	kind      string
	partition string
	account   string
	username  string // IAM users only
	roleARN   string // assumed-role sessions: the role's ARN (without path)
	// principalARN is aws:PrincipalArn: the role ARN for a role session.
	principalARN string
}

// parseCaller reads a principal ARN: an IAM user, role, assumed-role
// session, federated user, account root, an identity provider
// (oidc-provider, saml-provider, or a web IdP host), or a service principal
// name (ec2.amazonaws.com).
func parseCaller(s string) caller {
	c := caller{arn: s}
	if s == "" {
		return c
	}
	if !strings.HasPrefix(s, "arn:") {
		switch s {
		case "cognito-identity.amazonaws.com", "accounts.google.com", "graph.facebook.com", "www.amazon.com":
			c.kind = callerWebIdP
		default:
			if strings.HasSuffix(s, ".amazonaws.com") || strings.HasSuffix(s, ".amazonaws.com.cn") {
				c.kind = callerService
			} else if IsAccountID(s) {
				c.kind, c.account, c.partition = callerAccount, s, "aws"
				c.arn = "arn:aws:iam::" + s + ":root"
				c.principalARN = c.arn
			}
		}
		return c
	}
	parts := splitARN(s)
	if parts == nil {
		return c
	}
	c.partition, c.account = parts[1], parts[4]
	res := parts[5]
	switch parts[2] {
	case "iam":
		switch {
		case res == "root":
			c.kind = callerAccount
		case strings.HasPrefix(res, "user/"):
			c.kind = callerUser
			c.username = res[strings.LastIndexByte(res, '/')+1:]
		case strings.HasPrefix(res, "role/"):
			c.kind = callerRole
		case strings.HasPrefix(res, "oidc-provider/"), strings.HasPrefix(res, "saml-provider/"):
			c.kind = callerWebIdP
			return c
		}
		c.principalARN = s
	case "sts":
		switch {
		case strings.HasPrefix(res, "assumed-role/"):
			c.kind = callerAssumedRole
			role, _, _ := strings.Cut(strings.TrimPrefix(res, "assumed-role/"), "/")
			c.roleARN = "arn:" + c.partition + ":iam::" + c.account + ":role/" + role
			c.principalARN = c.roleARN
		case strings.HasPrefix(res, "federated-user/"):
			c.kind = callerFederated
			c.principalARN = s
		}
	}
	return c
}

// IsAccountID reports whether s is a 12-digit AWS account ID.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// principalMatch is how a Principal element named the caller.
type principalMatch uint8

const (
	pmNone     principalMatch = iota
	pmAccount                 // through the caller's account: delegation
	pmIndirect                // "*" or the role of a role session
	pmDirect                  // the caller's own ARN (user, session, federated user)
)

// matchCaller says how the set names the caller. Principal ARNs hold no
// wildcards; an account ID and arn:...:iam::ACCOUNT:root both mean the
// account.
func (ps *principalSet) matchCaller(c *caller) principalMatch {
	best := pmNone
	if ps.all && c.kind != callerService && c.kind != callerWebIdP {
		best = pmIndirect
	}
	switch c.kind {
	case callerService:
		if slices.Contains(ps.service, c.arn) {
			return pmDirect
		}
		return best
	case callerWebIdP:
		if slices.Contains(ps.federated, c.arn) {
			return pmDirect
		}
		return best
	case callerNone:
		return best
	}
	for _, id := range ps.aws {
		switch {
		case id == c.arn && c.kind != callerAccount:
			return pmDirect
		case c.roleARN != "" && id == c.roleARN:
			best = max(best, pmIndirect)
		case c.kind == callerRole && id == c.arn:
			best = max(best, pmIndirect)
		case c.account != "" && (id == c.account || id == "arn:"+c.partition+":iam::"+c.account+":root"):
			if c.kind == callerAccount {
				return pmDirect
			}
			best = max(best, pmAccount)
		}
	}
	return best
}

// notPrincipalApplies reports whether a NotPrincipal element takes in the
// caller: AWS evaluates the request as each identity in the caller's chain
// (the account, the role, the session) and the statement applies when any
// of them is not listed. So excluding a session needs its ARN, the role's
// ARN and the account's.
func (ps *principalSet) notPrincipalApplies(c *caller) bool {
	if ps.all {
		return false
	}
	switch c.kind {
	case callerNone:
		return true
	case callerService:
		return !slices.Contains(ps.service, c.arn)
	case callerWebIdP:
		return !slices.Contains(ps.federated, c.arn)
	}
	listed := func(id string) bool { return slices.Contains(ps.aws, id) }
	if c.account != "" && !listed(c.account) && !listed("arn:"+c.partition+":iam::"+c.account+":root") {
		return true
	}
	if c.kind == callerAccount {
		return false
	}
	if c.roleARN != "" && !listed(c.roleARN) {
		return true
	}
	return !listed(c.arn)
}

package explain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/oidc"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// SubjectPolicy decides whether a role admits a token's subject and
// audience for sts:AssumeRoleWithWebIdentity.
type SubjectPolicy interface {
	// Admits reports whether a token from issuer with subject sub and
	// audiences aud may assume the role, and says why in a sentence.
	Admits(issuer, sub string, aud []string) (ok bool, detail string)
}

// expectedSubject admits exactly one subject (--service-account).
type expectedSubject string

func (e expectedSubject) Admits(_, sub string, _ []string) (bool, string) {
	if sub == string(e) {
		return true, fmt.Sprintf("sub is %s, as --service-account expects", sub)
	}
	return false, fmt.Sprintf("sub %s is not the expected %s", sub, string(e))
}

// webIdentityAction is what a pod's AWS SDK calls with its token.
const webIdentityAction = "sts:AssumeRoleWithWebIdentity"

// trustPolicy decides the subject with the IAM evaluator: the role's trust
// policy, evaluated for sts:AssumeRoleWithWebIdentity as the caller
// Federated = arn:...:oidc-provider/<issuer-host> with the context
// {<host>:sub, <host>:aud}, as STS evaluates it.
type trustPolicy struct {
	// source names the policy in details: a file, or "role R of FILE".
	source string
	// roleARN is the role's ARN when known; it gives the provider's
	// account and partition.
	roleARN string
	pol     *policy.Policy
}

// parseTrustPolicy reads a trust policy document: the document itself, as
// an object or URL-encoded string, or `aws iam get-role` output.
func parseTrustPolicy(file string, data []byte) (*trustPolicy, error) {
	data = bytes.TrimSpace(data)
	var role struct {
		Role *struct {
			Arn                      string
			AssumeRolePolicyDocument json.RawMessage
		}
	}
	if err := json.Unmarshal(data, &role); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	t := &trustPolicy{source: file}
	if role.Role != nil {
		if len(role.Role.AssumeRolePolicyDocument) == 0 {
			return nil, errors.New("no Role.AssumeRolePolicyDocument: want aws iam get-role output or a trust policy")
		}
		data = bytes.TrimSpace(role.Role.AssumeRolePolicyDocument)
		t.roleARN = role.Role.Arn
	}
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, err
		}
		data = policy.DecodeDocumentString(s)
	}
	pol, err := policy.ParsePolicy(data, policy.ParseOptions{Type: policy.TypeResource, Name: "trust"})
	if err != nil {
		return nil, fmt.Errorf("reading the trust policy: %w", err)
	}
	t.pol = pol
	return t, nil
}

// roleTrustPolicy finds role in pages of `aws iam
// get-account-authorization-details` output.
func roleTrustPolicy(files []string, role string) (*trustPolicy, error) {
	acct := policy.NewAccountDetails()
	for _, f := range files {
		b, err := readInput(f, nil, 1<<30)
		if err != nil {
			return nil, err
		}
		page, err := policy.ParseAccountDetails(b)
		if err != nil {
			return nil, fmt.Errorf("reading --authorization-details %s: %w", f, err)
		}
		acct.Merge(page)
	}
	src := fmt.Sprintf("role %s of %s", role, strings.Join(files, ", "))
	r := acct.Roles[role]
	if r == nil {
		return &trustPolicy{source: src}, nil
	}
	pol, err := acct.TrustPolicy(role)
	if err != nil {
		return nil, fmt.Errorf("reading --authorization-details: %w", err)
	}
	return &trustPolicy{source: src, roleARN: r.ARN, pol: pol}, nil
}

// federated is the provider's ARN for issuer: in the role's account when
// known, else the oidc-provider ARN of that host the policy names.
func (t *trustPolicy) federated(host string) string {
	if parts := strings.SplitN(t.roleARN, ":", 6); len(parts) == 6 {
		return "arn:" + parts[1] + ":iam::" + parts[4] + ":oidc-provider/" + host
	}
	for i := range t.pol.Statements {
		ids, _ := t.pol.Statements[i].Principals("Federated")
		for _, id := range ids {
			if strings.HasSuffix(id, ":oidc-provider/"+host) {
				return id
			}
		}
	}
	return "arn:aws:iam::<account>:oidc-provider/" + host
}

func (t *trustPolicy) Admits(issuer, sub string, aud []string) (bool, string) {
	if t.pol == nil {
		if t.roleARN == "" {
			return false, t.source + ": no such role"
		}
		return false, t.source + ": the role has no trust policy"
	}
	host := oidc.IssuerHost(issuer)
	fed := t.federated(host)
	ctx := map[string][]string{host + ":sub": {sub}}
	if len(aud) > 0 {
		ctx[host+":aud"] = aud
	}
	req := &policy.Request{Action: webIdentityAction, Resource: t.roleARN, Caller: fed, Context: ctx}
	ev := (&policy.PolicySet{Resource: []*policy.Policy{t.pol}}).Evaluate(req)
	switch ev.Decision {
	case policy.Allowed:
		return true, fmt.Sprintf("%s of %s admits sub %s (%s)", statementName(ev.Matched[0]), t.source, sub, ev.Decision)
	case policy.ExplicitDeny:
		return false, fmt.Sprintf("%s of %s denies sub %s (%s)", statementName(ev.Matched[0]), t.source, sub, ev.Decision)
	}
	why := policy.WhyNotAllowed(t.pol, webIdentityAction, "Federated", fed, []string{host + ":sub", host + ":aud"})
	return false, fmt.Sprintf("%s does not admit sub %s, aud %s (%s): %s", t.source, sub, strings.Join(aud, ","), ev.Decision, why)
}

func statementName(m policy.MatchedStatement) string {
	if m.Sid != "" {
		return "statement " + m.Sid
	}
	return fmt.Sprintf("statement Statement[%d]", m.Index)
}

package explain

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/authz"
	"github.com/cloud-credentials-insights/cci/internal/credreq"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// RefusalReport is the report of a refusal: authz's reading of it, the
// CredentialsRequests its principal serves, and what to check next.
type RefusalReport struct {
	Input string `json:"input"`
	*authz.Result
	CauseText string `json:"causeText,omitempty"`
	// CredentialsRequests are the requests the principal was matched to
	// (with --credentials-requests-path); more than one is ambiguous.
	CredentialsRequests []RequestMatch `json:"credentialsRequests,omitempty"`
	// Cluster is how the cluster was known or inferred for the match.
	Cluster string   `json:"cluster,omitempty"`
	Next    []string `json:"next"`
}

// RequestMatch is a CredentialsRequest an identity was matched to.
type RequestMatch struct {
	Ref             string            `json:"ref"`
	Name            string            `json:"name"`
	SecretRef       credreq.SecretRef `json:"secretRef"`
	ServiceAccounts []string          `json:"serviceAccounts,omitempty"`
	MatchedBy       []string          `json:"matchedBy"`
	// RequestsAction says whether the request's Allow entries cover the
	// action: "yes", "conditional" (under a condition or for some
	// resources), "denied" (a Deny entry covers it) or "no".
	RequestsAction string `json:"requestsAction,omitempty"`
}

func explainRefusal(opts Options, stderr io.Writer) (*RefusalReport, error) {
	data, err := readInput(opts.Input, opts.Stdin, authz.MaxInput)
	if err != nil {
		return nil, err
	}
	res, err := authz.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", displayName(opts.Input), err)
	}
	if c, ok := policy.Canonical(res.Action); ok {
		res.Action = c
	}
	rep := &RefusalReport{Input: displayName(opts.Input), Result: res, CauseText: authz.CauseText(res.Cause)}
	if opts.CredentialsRequestsPath != "" {
		if res.Principal.Name == "" {
			warnf(stderr, "hint", "%s names no principal: nothing to match to a CredentialsRequest", rep.Input)
		} else if err := rep.matchRequests(opts, stderr); err != nil {
			return nil, err
		}
	}
	rep.Next = nextSteps(rep)
	return rep, nil
}

// loadRequests loads the CredentialsRequests and warns about broken files.
func loadRequests(path string, stderr io.Writer) ([]*credreq.CredentialsRequest, error) {
	lr, err := credreq.Load(path)
	if err != nil {
		return nil, fmt.Errorf("reading --credentials-requests-path %s: %w", path, err)
	}
	for _, p := range lr.Problems {
		warnf(stderr, "warning", "skipped %s", p)
	}
	if len(lr.Requests) == 0 {
		warnf(stderr, "warning", "no AWS CredentialsRequest in %s", path)
	}
	return lr.Requests, nil
}

func (rep *RefusalReport) matchRequests(opts Options, stderr io.Writer) error {
	reqs, err := loadRequests(opts.CredentialsRequestsPath, stderr)
	if err != nil {
		return err
	}
	m := &credreq.Matcher{Cluster: credreq.Cluster{Name: opts.ClusterName, InfraID: opts.InfraID}, Requests: reqs}
	if !m.Cluster.Known() {
		inf := credreq.Infer([]string{rep.Principal.Name}, reqs, nil)
		m.Cluster = inf.Cluster
		rep.Cluster = strings.Join(inf.Evidence, "; ")
	} else {
		rep.Cluster = clusterLabel(m.Cluster)
	}
	for _, match := range m.Match(credreq.Identity{Name: rep.Principal.Name}) {
		if match.Kind != credreq.KindCredentialsRequest {
			continue
		}
		rm := requestMatch(match.Request, match.MatchedBy)
		if rep.Action != "" {
			rm.RequestsAction = requestsAction(match.Request, rep.Action)
		}
		rep.CredentialsRequests = append(rep.CredentialsRequests, rm)
	}
	if len(rep.CredentialsRequests) == 0 {
		warnf(stderr, "hint", "%s %s matches no CredentialsRequest in %s (give --cluster-name or --infra-id if the name was not inferred)",
			rep.Principal.Kind, rep.Principal.Name, opts.CredentialsRequestsPath)
	}
	return nil
}

func clusterLabel(c credreq.Cluster) string {
	var parts []string
	if c.Name != "" {
		parts = append(parts, "cluster name "+c.Name)
	}
	if c.InfraID != "" {
		parts = append(parts, "infra ID "+c.InfraID)
	}
	return strings.Join(parts, ", ") + " (given)"
}

func requestMatch(r *credreq.CredentialsRequest, by []string) RequestMatch {
	return RequestMatch{Ref: r.Ref, Name: r.Name, SecretRef: r.SecretRef, ServiceAccounts: r.ServiceAccountNames, MatchedBy: by}
}

// requestsAction says how the request's entries cover action, decided by
// the evaluator for some resource with conditions unknown (as compare
// decides coverage): "yes", "conditional", "denied" or "no".
func requestsAction(r *credreq.CredentialsRequest, action string) string {
	if r.Policy == nil {
		return "no"
	}
	set := &policy.PolicySet{Identity: []*policy.Policy{r.Policy}}
	res := set.Evaluate(&policy.Request{Action: action, Resource: "*", ConditionsUnknown: true})
	switch {
	case res.Decision == policy.ExplicitDeny:
		return "denied"
	case res.Decision != policy.Allowed:
		return "no"
	case res.Conditional:
		return "conditional"
	}
	return "yes"
}

// nextSteps says what to look at, from the cause and what is known.
func nextSteps(rep *RefusalReport) []string {
	p := rep.Principal
	who := "the caller"
	getCmd := ""
	switch p.Kind {
	case authz.KindAssumedRole, authz.KindRole:
		who = "role " + p.Name
		getCmd = "aws iam get-role --role-name " + p.Name
	case authz.KindUser:
		who = "user " + p.Name
		getCmd = "aws iam get-user --user-name " + p.Name
	}
	action, actionArg := rep.Action, rep.Action
	if action == "" {
		action, actionArg = "the action", "<action>"
	}
	var next []string
	add := func(format string, args ...any) { next = append(next, fmt.Sprintf(format, args...)) }
	switch rep.Cause {
	case authz.CauseIdentityPolicy:
		add("the policies of %s lack an Allow for %s: list them (aws iam list-attached-role-policies, list-role-policies or the -user- forms)", who, action)
		for _, r := range rep.CredentialsRequests {
			switch r.RequestsAction {
			case "yes":
				add("CredentialsRequest %s requests %s: the IAM policy is older than the request; recreate it (ccoctl aws create-iam-roles, or let the cloud-credential-operator resync in mint mode)", r.Ref, action)
			case "conditional":
				add("CredentialsRequest %s requests %s only under a condition or for some resources: compare them with the request's condition context below", r.Ref, action)
			case "no", "denied":
				add("CredentialsRequest %s does not request %s: the operator needs a newer manifest, or the call is not one the operator should make", r.Ref, action)
			}
		}
		add("simulate the fix: aws iam simulate-principal-policy --policy-source-arn <%s ARN> --action-names %s (with --context-entries for the condition keys)", who, actionArg)
	case authz.CauseExplicitDeny:
		add("an identity-based policy of %s denies %s: find the Deny statement%s in its inline and attached policies (and, for a user, its groups')", who, action, sidNote(rep, authz.CauseExplicitDeny))
	case authz.CauseBoundary:
		if getCmd != "" {
			add("read the permissions boundary: %s --query '*.PermissionsBoundary', then its default policy version", getCmd)
		}
		add("the boundary must allow %s; an explicit Deny in it wins over every Allow of the identity's policies", action)
	case authz.CauseSCP:
		acct := p.Account
		if acct == "" {
			acct = "<account>"
		}
		add("list the service control policies on the path root -> OUs -> account: aws organizations list-policies-for-target --filter SERVICE_CONTROL_POLICY --target-id %s (and each parent: aws organizations list-parents --child-id %s)", acct, acct)
		add("look for the statement%s denying %s; every level must allow the action and none may deny it", sidNote(rep, authz.CauseSCP), action)
	case authz.CauseRCP:
		add("list the resource control policies that apply to the resource: aws organizations list-policies-for-target --filter RESOURCE_CONTROL_POLICY --target-id <account>")
	case authz.CauseSessionPolicy:
		add("the session was assumed with a session policy that does not allow %s: check what passes --policy or --policy-arns when assuming the role", action)
	case authz.CauseResourcePolicy:
		add("read the policy of the resource %s (bucket policy, key policy, ...): it must allow %s, or at least not deny it", orSome(rep.Resource), who)
	case authz.CauseVPCEndpoint:
		if rep.Suspected {
			add("the message carries no encoded authorization message: the call may have been refused by a VPC endpoint policy before IAM evaluated it (private clusters with platform.aws.serviceEndpoints)")
		}
		add("read the endpoint's policy: aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=<cluster VPC> --query 'VpcEndpoints[].[ServiceName,PolicyDocument]'; it must allow %s", action)
	case authz.CauseEncoded:
		add("decode the message with credentials allowed sts:DecodeAuthorizationMessage: aws sts decode-authorization-message --encoded-message <message> > decoded.json, then cci explain decoded.json")
	case authz.CauseEncodedTruncated:
		add("CloudTrail cut the encoded message (it keeps about 1,024 characters of an error message): it cannot be decoded")
		add("take the whole message from the caller's own log (for OpenShift: oc describe machine, or the operator's pod log) and decode that one")
	case authz.CauseTrustPolicy:
		add("the trust policy of the role does not admit the token: check its sub and aud conditions against the token with cci explain --token <token file> --oidc-provider <provider.json> --trust-policy <role trust policy>")
	case authz.CauseWebIdentityAuth:
		add("AWS could not use the token: check that the issuer is publicly readable with cci explain --token <token file> --probe-oidc")
	}
	if rep.Cause == "" && rep.Decision != authz.DecisionAllowed {
		add("simulate the call: aws iam simulate-principal-policy --policy-source-arn <%s ARN> --action-names %s; a boundary, an SCP or a session policy that does not allow it shows as implicitDeny", who, actionArg)
	}
	if len(rep.Context) > 0 {
		add("the condition context above is what AWS evaluated: a condition on any of these keys may be what fails")
	}
	return next
}

func sidNote(rep *RefusalReport, policyType string) string {
	var ids []string
	for _, s := range rep.Statements {
		if s.Policy == policyType && s.ID != "" {
			ids = append(ids, fmt.Sprintf("%q", s.ID))
		}
	}
	sort.Strings(ids)
	if len(ids) == 0 {
		return ""
	}
	return " " + strings.Join(ids, ", ")
}

func orSome(s string) string {
	if s == "" {
		return "named in the message"
	}
	return s
}

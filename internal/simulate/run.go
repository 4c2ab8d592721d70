package simulate

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/policy"
	"github.com/cloud-credentials-insights/cci/internal/policyfile"
)

// Response is AWS's SimulatePolicyResponse, with cci's additions:
// Warnings (policy content read literally), and on each result DecidedBy
// and DecisionReason.
type Response struct {
	EvaluationResults []EvaluationResult   `json:"EvaluationResults"`
	IsTruncated       bool                 `json:"IsTruncated"`
	Warnings          []policyfile.Warning `json:"Warnings,omitempty"`
}

// EvaluationResult is one action on one resource.
type EvaluationResult struct {
	EvalActionName                    string                  `json:"EvalActionName"`
	EvalResourceName                  string                  `json:"EvalResourceName"`
	EvalDecision                      string                  `json:"EvalDecision"`
	MatchedStatements                 []Statement             `json:"MatchedStatements"`
	MissingContextValues              []string                `json:"MissingContextValues"`
	OrganizationsDecisionDetail       *OrganizationsDetail    `json:"OrganizationsDecisionDetail,omitempty"`
	PermissionsBoundaryDecisionDetail *BoundaryDecisionDetail `json:"PermissionsBoundaryDecisionDetail,omitempty"`
	DecidedBy                         string                  `json:"DecidedBy"`
	DecisionReason                    string                  `json:"DecisionReason"`
}

// Statement names a deciding statement as AWS does, plus its Sid.
type Statement struct {
	SourcePolicyID   string   `json:"SourcePolicyId"`
	SourcePolicyType string   `json:"SourcePolicyType"`
	Sid              string   `json:"Sid,omitempty"`
	StartPosition    Position `json:"StartPosition"`
	index            int
}

// Position is a place in a policy document, from 1.
type Position struct {
	Line   int `json:"Line"`
	Column int `json:"Column"`
}

// OrganizationsDetail says whether the SCPs allowed the request.
type OrganizationsDetail struct {
	AllowedByOrganizations bool `json:"AllowedByOrganizations"`
}

// BoundaryDecisionDetail says whether the permissions boundaries allowed.
type BoundaryDecisionDetail struct {
	AllowedByPermissionsBoundary bool `json:"AllowedByPermissionsBoundary"`
}

// Run is `cci simulate`.
func Run(ctx context.Context, opts Options, stdout, stderr io.Writer) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	resp, err := Simulate(ctx, &opts)
	if err != nil {
		return err
	}
	for _, w := range resp.Warnings {
		fmt.Fprintf(stderr, "cci: warning: %s\n", w)
	}
	bw := bufio.NewWriter(stdout)
	if opts.Format == FormatJSON {
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "    ")
		err = enc.Encode(resp)
	} else {
		err = printTable(bw, resp)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	if opts.failOnDenied() {
		n := 0
		for _, r := range resp.EvaluationResults {
			if r.EvalDecision != policy.Allowed {
				n++
			}
		}
		if n > 0 {
			return exit.Errorf(exit.Findings, "--fail-on denied: %d of %d decisions are not allowed", n, len(resp.EvaluationResults))
		}
	}
	return nil
}

// Simulate reads the inputs and evaluates every action on every resource.
// opts must have been validated.
func Simulate(ctx context.Context, opts *Options) (*Response, error) {
	var l policyfile.Loader
	set, err := loadSet(&l, opts)
	if err != nil {
		return nil, err
	}
	cctx, err := policyfile.LoadContext(opts.ContextEntries, opts.shorthand)
	if err != nil {
		return nil, err
	}
	resp := &Response{EvaluationResults: make([]EvaluationResult, 0, len(opts.Actions)*len(opts.Resources)), Warnings: l.Warnings}
	for i, action := range opts.Actions {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		for _, res := range opts.Resources {
			req := policy.Request{Action: action, Resource: res, Caller: opts.CallerARN, ResourceOwner: opts.ResourceOwner, Context: cctx}
			resp.EvaluationResults = append(resp.EvaluationResults, result(action, res, set.Evaluate(&req)))
		}
	}
	return resp, nil
}

func result(action, res string, r policy.Result) EvaluationResult {
	out := EvaluationResult{
		EvalActionName:       action,
		EvalResourceName:     res,
		EvalDecision:         r.Decision,
		MatchedStatements:    make([]Statement, 0, len(r.Matched)),
		MissingContextValues: r.MissingContextValues,
		DecidedBy:            string(r.DecidedBy),
		DecisionReason:       r.Reason,
	}
	if out.MissingContextValues == nil {
		out.MissingContextValues = []string{}
	}
	for _, m := range r.Matched {
		out.MatchedStatements = append(out.MatchedStatements, Statement{
			SourcePolicyID: m.PolicyID, SourcePolicyType: string(m.PolicyType), Sid: m.Sid,
			StartPosition: Position{Line: m.Line, Column: m.Column}, index: m.Index,
		})
	}
	if r.AllowedByOrganizations != nil {
		out.OrganizationsDecisionDetail = &OrganizationsDetail{AllowedByOrganizations: *r.AllowedByOrganizations}
	}
	if r.AllowedByBoundary != nil {
		out.PermissionsBoundaryDecisionDetail = &BoundaryDecisionDetail{AllowedByPermissionsBoundary: *r.AllowedByBoundary}
	}
	return out
}

// printTable writes AWS's EVAL_ACTION / EVAL_DECISION table with the
// resource, the deciding policy and the missing context keys after it.
func printTable(w io.Writer, resp *Response) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EVAL_ACTION\tEVAL_DECISION\tEVAL_RESOURCE\tDECIDED_BY\tMISSING_CONTEXT_VALUES")
	for _, r := range resp.EvaluationResults {
		missing := strings.Join(r.MissingContextValues, ",")
		if missing == "" {
			missing = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.EvalActionName, r.EvalDecision, r.EvalResourceName, decidedBy(&r), missing)
	}
	return tw.Flush()
}

// decidedBy names the deciding statement (policy and Sid, or the
// statement's position) or, for an implicit deny, the reason.
func decidedBy(r *EvaluationResult) string {
	if r.EvalDecision == policy.ImplicitDeny || len(r.MatchedStatements) == 0 {
		return r.DecisionReason
	}
	m := r.MatchedStatements[0]
	for _, s := range r.MatchedStatements {
		if s.SourcePolicyType == r.DecidedBy {
			m = s
			break
		}
	}
	where := m.Sid
	if where == "" {
		where = fmt.Sprintf("Statement[%d]", m.index)
	}
	return fmt.Sprintf("%s (%s) %s", m.SourcePolicyID, m.SourcePolicyType, where)
}

// loadSet reads every policy the options name.
func loadSet(l *policyfile.Loader, opts *Options) (*policy.PolicySet, error) {
	set := &policy.PolicySet{}
	for _, f := range opts.PolicyFiles {
		p, err := l.Load(f, policy.TypeIdentity)
		if err != nil {
			return nil, err
		}
		set.Identity = append(set.Identity, p)
	}
	for _, f := range opts.BoundaryFiles {
		p, err := l.Load(f, policy.TypeBoundary)
		if err != nil {
			return nil, err
		}
		set.Boundaries = append(set.Boundaries, p)
	}
	for _, f := range opts.SCPLevels {
		lvl, err := l.LoadLevel(f)
		if err != nil {
			return nil, err
		}
		set.SCPLevels = append(set.SCPLevels, lvl)
	}
	one := func(f string, typ policy.PolicyType, into *[]*policy.Policy) error {
		if f == "" {
			return nil
		}
		p, err := l.Load(f, typ)
		if err != nil {
			return err
		}
		*into = append(*into, p)
		return nil
	}
	if err := one(opts.ResourcePolicy, policy.TypeResource, &set.Resource); err != nil {
		return nil, err
	}
	if err := one(opts.SessionPolicy, policy.TypeSession, &set.Session); err != nil {
		return nil, err
	}
	if err := one(opts.EndpointPolicy, policy.TypeEndpoint, &set.Endpoint); err != nil {
		return nil, err
	}
	return set, nil
}

package compare

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// maxDetailsSize bounds one page of --authorization-details.
const maxDetailsSize = 1 << 30

// loadAccount reads and merges the pages of --authorization-details; nil
// without the flag.
func loadAccount(paths []string) (*policy.AccountDetails, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	acct := policy.NewAccountDetails()
	for _, name := range paths {
		path := strings.TrimPrefix(name, "file://")
		data, err := readLimited(path, maxDetailsSize)
		if err != nil {
			return nil, exit.Errorf(exit.Usage, "reading authorization details: %w", err)
		}
		page, err := policy.ParseAccountDetails(data)
		if err != nil {
			return nil, exit.Errorf(exit.Usage, "reading authorization details %s: %w", path, err)
		}
		acct.Merge(page)
	}
	return acct, nil
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return os.ReadFile(path)
}

// In-force states of a User (InForce).
const (
	inForceEvaluated = "evaluated" // the identity's policies were found and evaluated
	inForceAbsent    = "absent"    // the identity is not in the authorization details
	inForceError     = "error"     // its policies could not be read (InForceMsg says why)
)

// evaluateInForce compares what the request grants with what the
// identity's policies in force (inline, attached managed, a user's groups',
// under its permissions boundary) allow:
//   - notInForce: an action the request grants that the policies in force
//     do not allow, for any resource the request names. An action the
//     policies allow only with condition keys the evaluation lacks is not
//     listed: it may be allowed when called (see docs/compare.md);
//   - inForceOnly: an action the policies in force allow (for a resource
//     their statement names) that the request does not grant. Candidates
//     are the actions the in-force Allow statements name without a
//     wildcard, plus, for wildcard statements, only the actions the
//     identity was observed using or the request grants, so the list stays
//     finite.
func evaluateInForce(acct *policy.AccountDetails, name string, id *events.Identity, u *User, requested *policy.Policy, obs observed) {
	var ip *policy.IdentityPolicies
	var ok bool
	var err error
	if id.Type == "IAMUser" {
		ip, ok, err = acct.UserPolicies(name)
	} else {
		ip, ok, err = acct.RolePolicies(name)
	}
	switch {
	case err != nil:
		u.InForce, u.InForceMsg = inForceError, err.Error()
		return
	case !ok:
		u.InForce = inForceAbsent
		return
	}
	u.InForce = inForceEvaluated
	set := &policy.PolicySet{Identity: ip.Identity}
	if ip.Boundary != nil {
		set.Boundaries = []*policy.Policy{ip.Boundary}
	}
	caller := ""
	if len(id.ARNs) > 0 {
		caller = id.ARNs[0]
	}
	allowed := func(action string, resources []string) (yes, conditional bool) {
		if len(resources) == 0 {
			resources = []string{"*"}
		}
		for _, res := range resources {
			r := set.Evaluate(&policy.Request{Action: action, Resource: res, Caller: caller})
			if r.Decision == policy.Allowed {
				return true, false
			}
			if len(r.MissingContextValues) > 0 {
				conditional = true
			}
		}
		return false, conditional
	}

	granted := map[string]bool{} // actions the request grants
	notIn := map[string]bool{}
	for i := range requested.Statements {
		st := &requested.Statements[i]
		if !strings.EqualFold(st.Effect(), policy.Allow) || st.NotAction() {
			continue
		}
		for _, pattern := range st.Actions() {
			for _, action := range policy.Expand(pattern) {
				granted[action] = true
				if yes, cond := allowed(action, st.Resources()); !yes && !cond {
					notIn[action] = true
				}
			}
		}
	}
	candidates := map[string][]string{} // action -> resources of the in-force statements naming it
	addCandidate := func(action string, res []string) {
		candidates[action] = append(candidates[action], res...)
	}
	for _, p := range ip.Identity {
		for i := range p.Statements {
			st := &p.Statements[i]
			if !strings.EqualFold(st.Effect(), policy.Allow) || st.NotAction() {
				continue
			}
			for _, pattern := range st.Actions() {
				if !policy.IsWildcard(pattern) {
					for _, a := range policy.Expand(pattern) {
						addCandidate(a, st.Resources())
					}
					continue
				}
				for _, a := range obs.required {
					if policy.MatchAction(pattern, a) {
						addCandidate(a, st.Resources())
					}
				}
				for a := range granted {
					if policy.MatchAction(pattern, a) {
						addCandidate(a, st.Resources())
					}
				}
			}
		}
	}
	var only []string
	for action, res := range candidates {
		if granted[action] || grantedCI(granted, action) {
			continue
		}
		if yes, _ := allowed(action, res); yes {
			only = append(only, action)
		}
	}
	u.NotInForce = sortedSet(notIn)
	sort.Strings(only)
	u.InForceOnly = only
}

// grantedCI reports whether granted holds action in another case (IAM
// ignores the case of actions).
func grantedCI(granted map[string]bool, action string) bool {
	for g := range granted {
		if strings.EqualFold(g, action) {
			return true
		}
	}
	return false
}

func sortedSet(m map[string]bool) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// inForceProblem says why an identity's policies in force were not
// evaluated, for the report.
func inForceProblem(u *User) []string {
	switch u.InForce {
	case inForceAbsent:
		return []string{"not in the authorization details"}
	case inForceError:
		return []string{u.InForceMsg}
	}
	return nil
}

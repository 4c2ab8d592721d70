package compare

import (
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// The unsupportedCheck list: requested actions whose use CloudTrail cannot
// show, so that "unused" would be a guess. Each entry has one reason,
// documented in docs/compare.md; keep both in step.

// Reasons written into unsupportedCheckReasons.
const (
	ReasonPassRole = "iam:PassRole is never logged as its own event: the service checks it inside the call that passes the role (ec2:RunInstances with an instance profile, ...)"
	ReasonEC2Tags  = "ec2:CreateTags is authorised inside EC2 create calls that tag at create time (TagSpecifications) without a CreateTags event, and this identity made such calls"
	ReasonELBTags  = "elasticloadbalancing:AddTags is authorised inside load balancer create calls that tag at create time without an AddTags event, and this identity made such calls"
	ReasonData     = "data-event action and the trail logged no data events for this service (summary.json dataEventSources)"
	ReasonUnmapped = "observed CloudTrail event with no known IAM action: check by hand"
)

// neverLoggedReasons and createTimeReasons give the reason for each
// action policy.NeverLogged and policy.CreateTimeTaggingActions name.
var (
	neverLoggedReasons = map[string]string{"iam:PassRole": ReasonPassRole}
	createTimeReasons  = map[string]string{
		"ec2:CreateTags":               ReasonEC2Tags,
		"elasticloadbalancing:AddTags": ReasonELBTags,
	}
)

// uncheckable decides whether an unused requested pattern is unsupported
// rather than extra, and why. required are the identity's observed
// actions, dataSources the eventSources with data events.
func uncheckable(pattern string, required []string, dataSources map[string]bool) (string, bool) {
	for _, action := range policy.NeverLogged() {
		if policy.MatchAction(pattern, action) {
			return neverLoggedReasons[action], true
		}
	}
	for _, action := range policy.CreateTimeTaggingActions() {
		if !policy.MatchAction(pattern, action) {
			continue
		}
		for _, r := range required {
			if policy.TagsAtCreate(action, r) {
				return createTimeReasons[action], true
			}
		}
	}
	for _, src := range policy.DataEventSources() {
		if dataSources[src] {
			continue
		}
		for _, a := range policy.DataEventActions(src) {
			if policy.MatchAction(pattern, a) {
				return ReasonData, true
			}
		}
	}
	return "", false
}

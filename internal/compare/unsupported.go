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
	ReasonS3Bucket = "S3 data-event action and the trail logged no data events for the buckets this grant names (summary.json dataEventBuckets)"
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

// s3Source is the eventSource whose data events summary.json lists per
// bucket.
const s3Source = "s3.amazonaws.com"

// bucketLogged reports whether the trail logged data events for a bucket
// that the grant's statements listing pattern name, for one of the data
// actions pattern matches. nil: the buckets are not known.
type bucketLogged func(pattern, action string) bool

// uncheckable decides whether an unused requested pattern is unsupported
// rather than extra, and why. required are the identity's observed
// actions, dataSources the eventSources with data events, buckets says
// whether S3 data events of the granted buckets were logged.
func uncheckable(pattern string, required []string, dataSources map[string]bool, buckets bucketLogged) (string, bool) {
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
		for _, a := range policy.DataEventActions(src) {
			if !policy.MatchAction(pattern, a) {
				continue
			}
			if !dataSources[src] {
				return ReasonData, true
			}
			if src == s3Source && buckets != nil && !buckets(pattern, a) {
				return ReasonS3Bucket, true
			}
		}
	}
	return "", false
}

package compare

import (
	"strings"

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

// neverLogged are actions that never appear as their own CloudTrail event.
var neverLogged = map[string]string{
	"iam:PassRole": ReasonPassRole,
}

// createTimeTagging maps a tagging action to the create calls that can tag
// at create time without a separate event of that action.
var createTimeTagging = map[string]struct {
	reason  string
	creates func(action string) bool
}{
	"ec2:CreateTags": {ReasonEC2Tags, func(a string) bool {
		p, n, _ := strings.Cut(a, ":")
		if !strings.EqualFold(p, "ec2") || strings.EqualFold(n, "CreateTags") {
			return false
		}
		for _, v := range []string{"Create", "RunInstances", "Allocate", "CopyImage", "CopySnapshot", "ImportImage", "ImportSnapshot", "RegisterImage", "RequestSpotInstances", "RequestSpotFleet", "PurchaseHostReservation"} {
			if strings.HasPrefix(n, v) {
				return true
			}
		}
		return false
	}},
	"elasticloadbalancing:AddTags": {ReasonELBTags, func(a string) bool {
		p, n, _ := strings.Cut(a, ":")
		return strings.EqualFold(p, "elasticloadbalancing") && strings.HasPrefix(n, "Create")
	}},
}

// dataEventActions lists, per eventSource, the IAM actions whose calls
// CloudTrail logs only as data events (off by default). S3 listing of
// objects, versions and uploads is logged as data events too.
var dataEventActions = map[string][]string{
	"s3.amazonaws.com": {
		"s3:AbortMultipartUpload", "s3:DeleteObject", "s3:DeleteObjectTagging", "s3:DeleteObjectVersion",
		"s3:DeleteObjectVersionTagging", "s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectAttributes",
		"s3:GetObjectLegalHold", "s3:GetObjectRetention", "s3:GetObjectTagging", "s3:GetObjectVersion",
		"s3:GetObjectVersionAcl", "s3:GetObjectVersionAttributes", "s3:GetObjectVersionTagging",
		"s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions", "s3:ListMultipartUploadParts",
		"s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectLegalHold", "s3:PutObjectRetention",
		"s3:PutObjectTagging", "s3:PutObjectVersionAcl", "s3:PutObjectVersionTagging", "s3:RestoreObject",
	},
	"lambda.amazonaws.com": {"lambda:InvokeFunction"},
	"sns.amazonaws.com":    {"sns:Publish"},
	"dynamodb.amazonaws.com": {
		"dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem",
		"dynamodb:GetItem", "dynamodb:PartiQLDelete", "dynamodb:PartiQLInsert", "dynamodb:PartiQLSelect",
		"dynamodb:PartiQLUpdate", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem",
	},
}

// uncheckable decides whether an unused requested pattern is unsupported
// rather than extra, and why. required are the identity's observed
// actions, dataSources the eventSources with data events.
func uncheckable(pattern string, required []string, dataSources map[string]bool) (string, bool) {
	for action, reason := range neverLogged {
		if policy.Match(pattern, action) {
			return reason, true
		}
	}
	for _, action := range sortedKeys(createTimeTagging) {
		t := createTimeTagging[action]
		if !policy.Match(pattern, action) {
			continue
		}
		for _, r := range required {
			if t.creates(r) {
				return t.reason, true
			}
		}
	}
	for _, src := range sortedKeys(dataEventActions) {
		if dataSources[src] {
			continue
		}
		for _, a := range dataEventActions[src] {
			if policy.Match(pattern, a) {
				return ReasonData, true
			}
		}
	}
	return "", false
}

package policy

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
)

// This file knows what CloudTrail does not show of IAM: actions never
// logged as their own event, tags applied at create time, and the actions
// logged only as data events. compare uses it to tell "unused" from "not
// visible in the trail".

// neverLogged are IAM actions that never appear as their own CloudTrail
// event: the service checks them inside another call.
var neverLogged = []string{"iam:PassRole"}

// NeverLogged returns the IAM actions that CloudTrail never logs as their
// own event (iam:PassRole is checked inside the call that passes the
// role), sorted.
func NeverLogged() []string { return slices.Clone(neverLogged) }

// createTimeTagging maps a tagging action to the create calls that may tag
// at create time (TagSpecifications and the like) without an event of
// that tagging action.
var createTimeTagging = map[string]func(action string) bool{
	"ec2:CreateTags": func(a string) bool {
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
	},
	"elasticloadbalancing:AddTags": func(a string) bool {
		p, n, _ := strings.Cut(a, ":")
		return strings.EqualFold(p, "elasticloadbalancing") && strings.HasPrefix(n, "Create")
	},
}

// CreateTimeTaggingActions returns the tagging actions that create calls
// can authorise without an event of their own, sorted.
func CreateTimeTaggingActions() []string { return slices.Sorted(maps.Keys(createTimeTagging)) }

// TagsAtCreate reports whether a call of action may tag at create time,
// needing tagAction (one of CreateTimeTaggingActions) without an event of it.
func TagsAtCreate(tagAction, action string) bool {
	f, ok := createTimeTagging[tagAction]
	return ok && f(action)
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

// DataEventSources returns the eventSources of DataEventActions, sorted.
func DataEventSources() []string { return slices.Sorted(maps.Keys(dataEventActions)) }

// DataEventActions returns the IAM actions that CloudTrail logs only as
// data events of eventSource (nil for a source without any).
func DataEventActions(eventSource string) []string {
	return slices.Clone(dataEventActions[strings.ToLower(eventSource)])
}

// DataEventSourcesOf returns the eventSources that a data event needing
// action may have been logged under: the source of the data-event table
// when it lists action, else every eventSource whose calls map to the
// action's service prefix (EventSources).
func DataEventSourcesOf(action string) []string {
	for _, src := range DataEventSources() {
		for _, a := range dataEventActions[src] {
			if strings.EqualFold(a, action) {
				return []string{src}
			}
		}
	}
	p, _, _ := strings.Cut(action, ":")
	return EventSources(p)
}

var (
	prefixSourcesOnce sync.Once
	prefixSources     map[string][]string // IAM prefix -> eventSources, the reverse of sourcePrefixes
)

// EventSources returns the eventSource hosts whose calls Prefix maps to
// the IAM service prefix, sorted: the hosts of the renamed services
// (cloudwatch -> monitoring.amazonaws.com) and prefix.amazonaws.com, unless
// that host belongs to another prefix. It is the reverse of Prefix, derived
// from the same table.
func EventSources(prefix string) []string {
	prefixSourcesOnce.Do(func() {
		prefixSources = map[string][]string{}
		for host, p := range sourcePrefixes {
			prefixSources[p] = append(prefixSources[p], host)
		}
		for _, hosts := range prefixSources {
			sort.Strings(hosts)
		}
	})
	prefix = strings.ToLower(prefix)
	if prefix == "" {
		return nil
	}
	hosts := slices.Clone(prefixSources[prefix])
	if def := prefix + ".amazonaws.com"; Prefix(def) == prefix && !slices.Contains(hosts, def) {
		hosts = append(hosts, def)
		sort.Strings(hosts)
	}
	return hosts
}

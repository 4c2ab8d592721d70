package policy

import (
	"regexp"
	"strings"
)

// Mapping is what one CloudTrail call needed.
type Mapping struct {
	// Actions are the IAM actions, canonically spelled when known. Most
	// calls need one; some need two (s3:CopyObject, kms:ReEncrypt).
	Actions []string
	// Unmapped is set when no action of that name exists; Actions then
	// holds prefix:EventName as logged.
	Unmapped bool
	// Permissionless calls need no IAM permission (sts:GetCallerIdentity).
	Permissionless bool
}

var versionSuffixRE = regexp.MustCompile(versionSuffix)

// Prefix returns the IAM service prefix of a CloudTrail eventSource:
// "monitoring.amazonaws.com" -> "cloudwatch", "ec2.amazonaws.com" -> "ec2".
func Prefix(eventSource string) string {
	host := strings.ToLower(strings.TrimSpace(eventSource))
	if p, ok := sourcePrefixes[host]; ok {
		return p
	}
	label, _, _ := strings.Cut(host, ".")
	return label
}

// MapEvent returns the IAM actions a call of eventName to eventSource
// needed. It never fails: an unknown call keeps its logged name and is
// marked Unmapped.
func MapEvent(eventSource, eventName string) Mapping {
	host := strings.ToLower(strings.TrimSpace(eventSource))
	name := strings.TrimSpace(eventName)
	// A versioned name (CreateDistributionWithTags2020_05_31) is looked up
	// as logged first, then without its suffix.
	base := name
	if loc := versionSuffixRE.FindStringIndex(name); loc != nil && loc[0] > 0 {
		base = name[:loc[0]]
	}
	key := host + " " + name
	m := Mapping{Permissionless: permissionless[key]}
	if acts, ok := renamedEvents[key]; ok {
		m.Actions = acts
		return m
	}
	if base != name {
		baseKey := host + " " + base
		m.Permissionless = m.Permissionless || permissionless[baseKey]
		if acts, ok := renamedEvents[baseKey]; ok {
			m.Actions = acts
			return m
		}
	}
	prefix := Prefix(host)
	if prefix == "s3" {
		if acts, ok := s3EventActions[name]; ok {
			m.Actions = acts
			return m
		}
	}
	if prefix == "apigateway" {
		if verb, ok := apiGatewayVerbs[name]; ok {
			m.Actions = []string{"apigateway:" + verb}
			return m
		}
	}
	action := prefix + ":" + base
	if c, ok := Canonical(action); ok {
		m.Actions = []string{c}
		return m
	}
	m.Actions = []string{action}
	m.Unmapped = !m.Permissionless
	return m
}

// NormalizeLegacy maps an action key written by the legacy cci.py
// ("tagging:GetResources", "s3:PutBucketLifecycle") or by a person
// ("KMS:generatedatakeywithoutplaintext") to the IAM actions it stands for.
// A key that already names an IAM action is only re-spelled.
func NormalizeLegacy(key string) Mapping {
	if c, ok := Canonical(key); ok {
		// Some raw event names are also actions (s3:HeadObject is not, but
		// s3:GetObject is); prefer the event mapping when one exists.
		prefix, name, _ := strings.Cut(c, ":")
		if m := MapEvent(prefix+".amazonaws.com", name); !m.Unmapped {
			return m
		}
		return Mapping{Actions: []string{c}}
	}
	prefix, name, ok := strings.Cut(key, ":")
	if !ok {
		return Mapping{Actions: []string{key}, Unmapped: true}
	}
	return MapEvent(strings.ToLower(prefix)+".amazonaws.com", name)
}

// Canonical returns AWS's spelling of action (compared case-insensitively)
// and whether it is a known IAM action.
func Canonical(action string) (string, bool) {
	if p := searchActions(action); p < len(canonicalActions) {
		if a := actionAt(p); strings.EqualFold(a, action) {
			return a, true
		}
	}
	return "", false
}

// compareFold compares ASCII strings as strings.ToLower would, without
// allocating.
func compareFold(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		ca, cb := lower(a[i]), lower(b[i])
		if ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

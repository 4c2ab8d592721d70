package compare

import "encoding/json"

// Report is compiled_users.json. The legacy tool's keys (users, notFound,
// required, requested, diff, credRequestRef, securityAlerts, msg) keep
// their meaning; docs/compare.md describes every field.
type Report struct {
	// CCIVersion is the version of cci that wrote the report.
	CCIVersion string      `json:"cciVersion,omitempty"`
	Cluster    ClusterInfo `json:"cluster"`
	Inputs     Inputs      `json:"inputs"`
	Problems   []Problem   `json:"problems"`
	Summary    Summary     `json:"summary"`
	// RequestsWithoutIdentity are loaded requests no identity matched.
	RequestsWithoutIdentity []string `json:"requestsWithoutIdentity"`
	// Baselined are the findings --baseline accepted; they are still in
	// the users' lists but do not count for --fail-on.
	Baselined []Baselined `json:"baselined"`
	Users     Users       `json:"users"`

	requestNames map[string]string // credRequestRef -> metadata.name
}

// ClusterInfo says whose identities were matched and how that was known.
type ClusterInfo struct {
	Name        string   `json:"name,omitempty"`
	InfraID     string   `json:"infraID,omitempty"`
	InfraPrefix string   `json:"infraPrefix,omitempty"`
	Source      string   `json:"source"` // flags, inferred, none
	Evidence    []string `json:"evidence,omitempty"`
	Others      []string `json:"otherCandidates,omitempty"`
}

// Inputs names what was read.
type Inputs struct {
	Events               string   `json:"events"`
	Summary              bool     `json:"summaryFound"`
	LegacyIdentities     []string `json:"legacyIdentities,omitempty"`
	DataEventSources     []string `json:"dataEventSources"`
	CredentialsRequests  string   `json:"credentialsRequests"`
	RequestsLoaded       int      `json:"requestsLoaded"`
	OtherCloudsSkipped   int      `json:"otherCloudsSkipped"`
	InstallerPolicy      string   `json:"installerPolicy,omitempty"`
	InstallerUserName    string   `json:"installerUserName,omitempty"`
	InstanceRolePolicies string   `json:"instanceRolePolicies"`
	Baseline             string   `json:"baseline,omitempty"`
}

// Problem is an input that was skipped.
type Problem struct {
	File  string `json:"file"`
	Line  int    `json:"line,omitempty"`
	Error string `json:"error"`
}

// Summary counts findings over all users.
type Summary struct {
	Identities int `json:"identities"`
	Matched    int `json:"matched"`
	Unknown    int `json:"unknown"`
	Ambiguous  int `json:"ambiguous"`
	Missing    int `json:"missing"`
	Extra      int `json:"extra"`
	Unchecked  int `json:"unsupportedCheck"`
	Denied     int `json:"denied"`
	// Unmatched counts requestsWithoutIdentity.
	Unmatched int `json:"unmatched"`
	Baselined int `json:"baselined"`
}

// Users is the legacy "users" object: one entry per matched or ambiguous
// identity, plus the lists "unknown", "notFound" (the legacy name of the
// same list) and "ambiguous".
type Users struct {
	ByName    map[string]*User
	Unknown   []string
	Ambiguous []string
}

// MarshalJSON writes the entries and the lists side by side.
func (u Users) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(u.ByName)+3)
	for k, v := range u.ByName {
		m[k] = v
	}
	m["unknown"] = nonNil(u.Unknown)
	m["notFound"] = nonNil(u.Unknown)
	m["ambiguous"] = nonNil(u.Ambiguous)
	return json.Marshal(m)
}

// User is the comparison for one identity.
type User struct {
	Type string `json:"type,omitempty"`
	// Target is credentials-request, installer, instance-role or ambiguous.
	Target string `json:"target"`
	// CredRequestRef is the manifest (file relative to the requests
	// directory), the installer policy file or the instance-role policy.
	CredRequestRef string `json:"credRequestRef"`
	// CredRequest is the request's metadata.name or the role's key.
	CredRequest   string   `json:"credRequest,omitempty"`
	MatchedBy     string   `json:"matchedBy,omitempty"`
	AlsoMatchedBy []string `json:"alsoMatchedBy,omitempty"`
	// Candidates are the targets of an ambiguous identity.
	Candidates []Candidate `json:"candidates,omitempty"`

	Required  []string `json:"required"`
	Requested []string `json:"requested"`
	Diff      Diff     `json:"diff"`

	Conditional       []string       `json:"conditional,omitempty"`
	Excluded          []string       `json:"excluded,omitempty"`
	Denied            []Denied       `json:"denied"`
	SecurityAlerts    []string       `json:"securityAlerts"`
	CaseMismatch      []CaseMismatch `json:"caseMismatch,omitempty"`
	UnknownRequested  []string       `json:"unknownRequested,omitempty"`
	RequestedDeny     []string       `json:"requestedDeny,omitempty"`
	Unmapped          []string       `json:"unmapped,omitempty"`
	RequiredSkipped   []string       `json:"requiredSkipped,omitempty"`
	ImplicitlyAllowed []string       `json:"implicitlyAllowed,omitempty"`
	Msg               string         `json:"msg,omitempty"`

	// InForce says whether --authorization-details held the identity's
	// policies: evaluated, absent or error (InForceMsg); empty without
	// the flag. NotInForce and InForceOnly are set when evaluated
	// (inforce.go).
	InForce     string   `json:"inForce,omitempty"`
	InForceMsg  string   `json:"inForceMsg,omitempty"`
	NotInForce  []string `json:"notInForce,omitempty"`
	InForceOnly []string `json:"inForceOnly,omitempty"`
}

// Candidate is one of the targets an ambiguous identity matched.
type Candidate struct {
	CredRequestRef string   `json:"credRequestRef"`
	CredRequest    string   `json:"credRequest,omitempty"`
	MatchedBy      []string `json:"matchedBy"`
}

// Diff is the legacy diff object.
type Diff struct {
	Missing          []string          `json:"missing"`
	Extra            []string          `json:"extra"`
	UnsupportedCheck []string          `json:"unsupportedCheck"`
	Reasons          map[string]string `json:"unsupportedCheckReasons,omitempty"`
}

// ShortDiff is one entry of compiled_users.diff.json. CredRequestRef lets
// --baseline match the entry in another cluster's run.
type ShortDiff struct {
	CredRequestRef   string   `json:"credRequestRef,omitempty"`
	Missing          []string `json:"missing"`
	Extra            []string `json:"extra"`
	UnsupportedCheck []string `json:"unsupportedCheck"`
}

// Denied is a refused call.
type Denied struct {
	Action    string `json:"action"`
	ErrorCode string `json:"errorCode"`
	Cause     string `json:"cause,omitempty"`
	Count     int64  `json:"count"`
}

// CaseMismatch is a requested action spelled differently from AWS's
// canonical spelling only in case.
type CaseMismatch struct {
	Requested string `json:"requested"`
	Canonical string `json:"canonical"`
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

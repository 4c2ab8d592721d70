package events

import (
	"strconv"

	"github.com/cloud-credentials-insights/cci/internal/jsonout"
)

// Output file names, kept from the legacy tool.
const (
	EventsFile     = "events.json"
	FileStatusFile = "file_status.json"
	SummaryFile    = "summary.json"
)

// The types below are the JSON written by extract. Field names of the legacy
// tool (provider, name, type, events.count, creates, created_by, file,
// cloud_provider, result, error, stat) keep their spelling; new fields are
// camelCase. docs/output.md describes every field.

// Identity is one entry of events.json, keyed by Name.
type Identity struct {
	Provider   string             `json:"provider"` // always "AWS"
	Name       string             `json:"name"`
	Type       string             `json:"type"`            // userIdentity.type (IAMUser, AssumedRole, ...)
	Types      []string           `json:"types,omitempty"` // every type seen, when more than one
	Events     map[string]*Action `json:"events"`          // IAM action -> usage
	Creates    []string           `json:"creates,omitempty"`
	CreatedBy  string             `json:"created_by,omitempty"`
	ARNs       []string           `json:"arns,omitempty"`
	Accounts   []string           `json:"accounts,omitempty"`
	Regions    []string           `json:"regions,omitempty"`
	SourceIPs  []Count            `json:"sourceIPs,omitempty"`  // top entries, most frequent first
	UserAgents []Count            `json:"userAgents,omitempty"` // top entries, most frequent first
	// SourceIPsApproximate and UserAgentsApproximate say the identity had
	// more distinct values than extract counts exactly: the counts may be
	// low, within a documented bound (docs/output.md).
	SourceIPsApproximate  bool     `json:"sourceIPsApproximate,omitempty"`
	UserAgentsApproximate bool     `json:"userAgentsApproximate,omitempty"`
	Subjects              []string `json:"subjects,omitempty"` // web identity token subjects
	FirstSeen             string   `json:"firstSeen,omitempty"`
	LastSeen              string   `json:"lastSeen,omitempty"`
}

// Action is the usage of one IAM action by one identity.
type Action struct {
	Count          int64            `json:"count"`
	FirstSeen      string           `json:"firstSeen,omitempty"`
	LastSeen       string           `json:"lastSeen,omitempty"`
	EventNames     []string         `json:"eventNames,omitempty"` // CloudTrail calls that needed it, as source-prefix:EventName
	Errors         map[string]int64 `json:"errors,omitempty"`     // errorCode -> count
	Denied         []Denial         `json:"denied,omitempty"`     // refused calls, by cause
	Unmapped       bool             `json:"unmapped,omitempty"`   // no known event->action mapping; name kept as logged
	Permissionless bool             `json:"permissionless,omitempty"`
	DataEvent      bool             `json:"dataEvent,omitempty"` // logged as a data event (eventCategory Data)
	// Resources are the ARNs of resources[] of its successful calls: the
	// 8 lexicographically smallest, sorted. ResourcesTruncated says they
	// do not cover every successful call (more ARNs, or calls listing none).
	Resources          []string `json:"resources,omitempty"`
	ResourcesTruncated bool     `json:"resourcesTruncated,omitempty"`
}

// Denial groups refused calls of one action by what the message says.
type Denial struct {
	ErrorCode string `json:"errorCode"`
	Action    string `json:"action,omitempty"` // from "is not authorized to perform: X"
	Cause     string `json:"cause,omitempty"`  // identity-policy, permissions-boundary, scp, session-policy, resource-policy, ...
	Count     int64  `json:"count"`
	// Resources are ARNs the refused calls named (the record's resources[],
	// else the message's "on resource:"), at most 5, the smallest in byte order.
	Resources []string `json:"resources,omitempty"`
	// EncodedMessages are encoded authorization failure messages of the
	// group, for `aws sts decode-authorization-message`: at most 3, the
	// smallest in byte order; messages CloudTrail cut are not kept.
	EncodedMessages []string `json:"encodedMessages,omitempty"`
}

// Count is a value seen Count times.
type Count struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// FileStatus is one entry of file_status.json.
type FileStatus struct {
	File          string `json:"file"`
	CloudProvider string `json:"cloud_provider"`
	Result        string `json:"result"` // success, partial, skipped, error, interrupted
	Error         string `json:"error,omitempty"`
	Stat          Stat   `json:"stat"`
}

// Results of FileStatus.
const (
	ResultSuccess = "success"
	ResultPartial = "partial"
	ResultSkipped = "skipped"
	ResultError   = "error"
	// ResultInterrupted is an object listed but not finished when a signal
	// stopped the run; its records, if any were read, are counted.
	ResultInterrupted = "interrupted"
)

// Stat counts the records of one object.
type Stat struct {
	Total     int64 `json:"total"`
	Processed int64 `json:"processed"` // attributed to an identity and kept by the filters
	Skipped   int64 `json:"skipped"`   // valid but filtered out or not a caller
	Invalid   int64 `json:"invalid"`   // could not be decoded
}

// Summary is summary.json: what the run saw, for people and for compare.
type Summary struct {
	Version          string           `json:"cciVersion,omitempty"` // the cci that wrote it
	Interrupted      bool             `json:"interrupted,omitempty"`
	Objects          int64            `json:"objects"`
	ObjectsByResult  map[string]int64 `json:"objectsByResult"`
	DigestsSkipped   int64            `json:"digestsSkipped"`
	Records          int64            `json:"records"`
	RecordsProcessed int64            `json:"recordsProcessed"`
	RecordsSkipped   int64            `json:"recordsSkipped"`
	RecordsInvalid   int64            `json:"recordsInvalid"`
	// DuplicateRecords counts records dropped as a repeat of an eventID
	// already kept (more than one source, or --dedupe).
	DuplicateRecords int64  `json:"duplicateRecords,omitempty"`
	ServiceRecords   int64  `json:"serviceRecords"` // AWSService callers and AwsServiceEvent records
	Identities       int    `json:"identities"`
	FirstEvent       string `json:"firstEvent,omitempty"`
	LastEvent        string `json:"lastEvent,omitempty"`
	// DataEventSources lists the eventSources of data events in the trail.
	// compare uses it to tell "unused" from "not logged".
	DataEventSources []string `json:"dataEventSources"`
	// DataEventBuckets lists the S3 buckets (requestParameters.bucketName)
	// of S3 data events in the trail, so compare can tell an unused object
	// action on one bucket from one whose bucket the trail does not log.
	// Absent (nil) in summaries written before it existed.
	DataEventBuckets []string `json:"dataEventBuckets"`
}

// AppendIndentJSON writes st as encoding/json would inside file_status.json
// (jsonout.IndentAppender): the file has an entry per object, and on a trail
// of small objects encoding/json took longer than the rest of writing the
// outputs. FuzzFileStatusJSON holds the bytes to encoding/json's.
func (st *FileStatus) AppendIndentJSON(b []byte, prefix string) []byte {
	str := func(b []byte, name, v string) []byte {
		b = append(b, prefix...)
		b = append(b, `  "`...)
		b = append(b, name...)
		b = append(b, `": `...)
		b = jsonout.AppendString(b, v)
		return append(b, ",\n"...)
	}
	count := func(b []byte, name string, n int64, last bool) []byte {
		b = append(b, prefix...)
		b = append(b, `    "`...)
		b = append(b, name...)
		b = append(b, `": `...)
		b = strconv.AppendInt(b, n, 10)
		if !last {
			b = append(b, ',')
		}
		return append(b, '\n')
	}
	b = append(b, "{\n"...)
	b = str(b, "file", st.File)
	b = str(b, "cloud_provider", st.CloudProvider)
	b = str(b, "result", st.Result)
	if st.Error != "" {
		b = str(b, "error", st.Error)
	}
	b = append(b, prefix...)
	b = append(b, "  \"stat\": {\n"...)
	b = count(b, "total", st.Stat.Total, false)
	b = count(b, "processed", st.Stat.Processed, false)
	b = count(b, "skipped", st.Stat.Skipped, false)
	b = count(b, "invalid", st.Stat.Invalid, true)
	b = append(b, prefix...)
	b = append(b, "  }\n"...)
	b = append(b, prefix...)
	return append(b, '}')
}

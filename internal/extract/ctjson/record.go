package ctjson

import (
	"errors"

	"github.com/bytedance/sonic/decoder"
)

// Record holds the only fields of a CloudTrail record that cci reads
// (DESIGN.md section 2). Everything else, responseElements above all, is
// skipped by the decoder without being built.
type Record struct {
	EventTime          string `json:"eventTime"`
	Timestamp          string `json:"@timestamp"`
	EventSource        string `json:"eventSource"`
	EventName          string `json:"eventName"`
	EventType          string `json:"eventType"`
	EventCategory      string `json:"eventCategory"`
	AWSRegion          string `json:"awsRegion"`
	RecipientAccountID string `json:"recipientAccountId"`
	ErrorCode          string `json:"errorCode"`
	ErrorMessage       string `json:"errorMessage"`
	SourceIPAddress    string `json:"sourceIPAddress"`
	UserAgent          string `json:"userAgent"`
	EventID            string `json:"eventID"` // for de-duplication across sources
	// AdditionalEventData is the raw JSON of the member, kept unparsed:
	// extract reads it only for refused S3 calls (few), so the other
	// records pay one string header each (see denial.go).
	AdditionalEventData RawJSON      `json:"additionalEventData"`
	UserIdentity        UserIdentity `json:"userIdentity"`
	RequestParameters   struct {
		UserName string `json:"userName"`
		RoleName string `json:"roleName"`
		RoleArn  string `json:"roleArn"`
		// BucketName names the bucket of S3 calls, data events included.
		BucketName string `json:"bucketName"`
	} `json:"requestParameters"`
	// Resources are the non-empty ARNs of the record's resources[] array,
	// in the order logged, nil when it has none. Both paths fill it: the
	// fast path from the array directly, sonic through ResourceEntries.
	Resources []string `json:"-"`
	// ResourceEntries is resources[] as sonic decodes it; decodeItem moves
	// its ARNs to Resources and clears it, so a decoded Record never has
	// it set.
	ResourceEntries []ResourceEntry `json:"resources"`
}

// ResourceEntry is the part of an entry of resources[] cci reads.
type ResourceEntry struct {
	ARN string `json:"ARN"`
}

// takeResources moves the ARNs of ResourceEntries to Resources.
func (r *Record) takeResources() {
	for _, e := range r.ResourceEntries {
		if e.ARN != "" {
			r.Resources = append(r.Resources, e.ARN)
		}
	}
	r.ResourceEntries = nil
}

// Account is the account a record belongs to: the recipient, else the
// caller's (older records lack recipientAccountId). The --account filter and
// the identities' accounts both use it.
func (r *Record) Account() string {
	if r.RecipientAccountID != "" {
		return r.RecipientAccountID
	}
	return r.UserIdentity.AccountID
}

// UserIdentity is the part of userIdentity cci reads.
type UserIdentity struct {
	Type           string `json:"type"`
	PrincipalID    string `json:"principalId"`
	ARN            string `json:"arn"`
	AccountID      string `json:"accountId"`
	UserName       string `json:"userName"`
	InvokedBy      string `json:"invokedBy"`
	SessionContext struct {
		SessionIssuer struct {
			Type     string `json:"type"`
			UserName string `json:"userName"`
			ARN      string `json:"arn"`
		} `json:"sessionIssuer"`
	} `json:"sessionContext"`
}

// rawItem is one item of the stream: a record, or a wrapper around one
// (EventBridge envelope, lookup-events row), or a digest.
type rawItem struct {
	Record
	Detail          *Record `json:"detail"`
	DetailType      string  `json:"detail-type"`
	CloudTrailEvent string  `json:"CloudTrailEvent"`
	DigestStartTime string  `json:"digestStartTime"`
}

// Kind says what an item turned out to be.
type Kind int

// Kinds of Item.
const (
	KindRecord  Kind = iota // a CloudTrail record, in Item.Record
	KindForeign             // valid JSON but not a CloudTrail record
	KindDigest              // a CloudTrail digest (digestStartTime)
	KindInvalid             // too large, too deep or not decodable: counted, skipped
)

// decodeItem decodes item into rec. A field of an unexpected type is not an
// error as long as the record stays usable; syntax errors are.
func decodeItem(item []byte, it *rawItem, rec *Record) (Kind, error) {
	*it = rawItem{}
	if err := unmarshal(item, it); err != nil {
		return KindForeign, err
	}
	switch {
	case it.CloudTrailEvent != "":
		// lookup-events: the record is a JSON document inside a string.
		*rec = Record{}
		if err := unmarshal([]byte(it.CloudTrailEvent), rec); err != nil {
			return KindForeign, err
		}
	case it.Detail != nil && (it.DetailType != "" || it.EventName == ""):
		*rec = *it.Detail
	case it.DigestStartTime != "":
		return KindDigest, nil
	default:
		*rec = it.Record
	}
	rec.takeResources()
	return recordKind(rec), nil
}

// recordKind tells a CloudTrail record from other JSON that happens to be
// an object.
func recordKind(rec *Record) Kind {
	if rec.EventName == "" || (rec.EventSource == "" && rec.UserIdentity.Type == "" && rec.EventType == "") {
		return KindForeign
	}
	return KindRecord
}

// unmarshal is sonic's Unmarshal with default options (what
// sonic.Config{}.Froze() did), through the decoder package alone: the root
// package would also link sonic's encoder, its AST and their package inits
// into every cci process, for nothing. Strings alias the copy of b made
// here and must be cloned before they are kept (see the aggregate).
func unmarshal(b []byte, v any) error {
	dec := decoder.NewDecoder(string(b))
	err := dec.Decode(v)
	if err == nil {
		err = dec.CheckTrailings()
	}
	if err == nil {
		return nil
	}
	var mt *decoder.MismatchTypeError
	if errors.As(err, &mt) {
		// The rest of the value was still decoded; a wrong type in a field
		// cci needs shows up as a missing field.
		return nil
	}
	return err
}

package extract

import (
	"errors"
	"strings"
	"time"

	"github.com/bytedance/sonic"
	"github.com/bytedance/sonic/decoder"
)

// rawRecord holds the only fields of a CloudTrail record that cci reads
// (DESIGN.md section 2). Everything else, responseElements above all, is
// skipped by the decoder without being built.
type rawRecord struct {
	EventTime          string       `json:"eventTime"`
	Timestamp          string       `json:"@timestamp"`
	EventSource        string       `json:"eventSource"`
	EventName          string       `json:"eventName"`
	EventType          string       `json:"eventType"`
	EventCategory      string       `json:"eventCategory"`
	AWSRegion          string       `json:"awsRegion"`
	RecipientAccountID string       `json:"recipientAccountId"`
	ErrorCode          string       `json:"errorCode"`
	ErrorMessage       string       `json:"errorMessage"`
	SourceIPAddress    string       `json:"sourceIPAddress"`
	UserAgent          string       `json:"userAgent"`
	UserIdentity       userIdentity `json:"userIdentity"`
	RequestParameters  struct {
		UserName string `json:"userName"`
		RoleName string `json:"roleName"`
		RoleArn  string `json:"roleArn"`
	} `json:"requestParameters"`
}

// account is the account a record belongs to: the recipient, else the
// caller's (older records lack recipientAccountId). The --account filter and
// the identities' accounts both use it.
func (r *rawRecord) account() string {
	if r.RecipientAccountID != "" {
		return r.RecipientAccountID
	}
	return r.UserIdentity.AccountID
}

type userIdentity struct {
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
	rawRecord
	Detail          *rawRecord `json:"detail"`
	DetailType      string     `json:"detail-type"`
	CloudTrailEvent string     `json:"CloudTrailEvent"`
	DigestStartTime string     `json:"digestStartTime"`
}

// itemKind says what an item turned out to be.
type itemKind int

const (
	kindRecord  itemKind = iota
	kindForeign          // valid JSON but not a CloudTrail record
	kindDigest
)

// recordAPI decodes without copying strings: they alias the scanner's
// buffer and must be cloned before they are kept (see the aggregate).
var recordAPI = sonic.Config{}.Froze()

// decodeItem decodes item into rec. A field of an unexpected type is not an
// error as long as the record stays usable; syntax errors are.
func decodeItem(item []byte, it *rawItem, rec *rawRecord) (itemKind, error) {
	*it = rawItem{}
	if err := unmarshal(item, it); err != nil {
		return kindForeign, err
	}
	switch {
	case it.CloudTrailEvent != "":
		// lookup-events: the record is a JSON document inside a string.
		*rec = rawRecord{}
		if err := unmarshal([]byte(it.CloudTrailEvent), rec); err != nil {
			return kindForeign, err
		}
	case it.Detail != nil && (it.DetailType != "" || it.EventName == ""):
		*rec = *it.Detail
	case it.DigestStartTime != "":
		return kindDigest, nil
	default:
		*rec = it.rawRecord
	}
	return recordKind(rec), nil
}

// recordKind tells a CloudTrail record from other JSON that happens to be
// an object.
func recordKind(rec *rawRecord) itemKind {
	if rec.EventName == "" || (rec.EventSource == "" && rec.UserIdentity.Type == "" && rec.EventType == "") {
		return kindForeign
	}
	return kindRecord
}

func unmarshal(b []byte, v any) error {
	err := recordAPI.Unmarshal(b, v)
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

// Identity types of userIdentity.type that cci names.
const (
	typeIAMUser     = "IAMUser"
	typeAssumedRole = "AssumedRole"
	typeWebIdentity = "WebIdentityUser"
	typeSAMLUser    = "SAMLUser"
	typeFederated   = "FederatedUser"
	typeRoot        = "Root"
	typeAWSAccount  = "AWSAccount"
	typeAWSService  = "AWSService"
)

// identityOf names the identity a record belongs to and the token subject
// for web identities. An empty name means the record has no caller cci can
// attribute.
func identityOf(r *rawRecord) (name, typ, subject string) {
	u := &r.UserIdentity
	typ = u.Type
	switch typ {
	case typeIAMUser:
		name = u.UserName
		if name == "" {
			name = arnTail(u.ARN, ":user/")
		}
	case typeAssumedRole, typeFederated:
		name = u.SessionContext.SessionIssuer.UserName
		if name == "" && typ == typeAssumedRole {
			if role := arnTail(u.ARN, ":assumed-role/"); role != "" {
				name, _, _ = strings.Cut(role, "/")
			}
		}
		if name == "" {
			name = u.PrincipalID
		}
	case typeWebIdentity, typeSAMLUser:
		subject = u.UserName
		name = arnTail(r.RequestParameters.RoleArn, ":role/")
		if name == "" {
			name = u.UserName
		}
	case typeRoot:
		name = "root"
	case typeAWSAccount:
		name = u.PrincipalID
		if name == "" {
			name = u.AccountID
		}
	case typeAWSService:
		name = u.InvokedBy
	default:
		name = u.UserName
		if name == "" {
			name = u.SessionContext.SessionIssuer.UserName
		}
		if name == "" {
			name = u.PrincipalID
		}
		if name == "" && typ == "" {
			return "", "", ""
		}
		if typ == "" {
			typ = "Unknown"
		}
	}
	return name, typ, subject
}

// arnTail returns the last path element after marker in an ARN:
// arn:aws:iam::1:user/path/name -> name.
func arnTail(arn, marker string) string {
	_, rest, ok := strings.Cut(arn, marker)
	if !ok {
		return ""
	}
	if marker == ":assumed-role/" {
		return rest
	}
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		rest = rest[i+1:]
	}
	return rest
}

// parseTime reads CloudTrail's "2006-01-02T15:04:05Z" without the cost of
// time.Parse, falling back to it for other RFC 3339 forms (@timestamp
// carries fractions).
func parseTime(s string) (int64, bool) {
	if isPlainTime(s) {
		y, ok1 := atoi(s[0:4])
		mo, ok2 := atoi(s[5:7])
		d, ok3 := atoi(s[8:10])
		h, ok4 := atoi(s[11:13])
		mi, ok5 := atoi(s[14:16])
		se, ok6 := atoi(s[17:19])
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && se < 61 {
			return time.Date(y, time.Month(mo), d, h, mi, se, 0, time.UTC).Unix(), true
		}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, false
	}
	return t.Unix(), true
}

// timeCache remembers the last day parseTime saw: the records of an
// object share a handful of days, and time.Date is the costly part.
type timeCache struct {
	day    [10]byte // "2006-01-02"
	daySec int64
	ok     bool
}

func (c *timeCache) parse(s string) (int64, bool) {
	if c.ok && len(s) == 20 && s[:10] == string(c.day[:]) && s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == 'Z' {
		h, ok1 := atoi(s[11:13])
		mi, ok2 := atoi(s[14:16])
		se, ok3 := atoi(s[17:19])
		if ok1 && ok2 && ok3 && h < 24 && mi < 60 && se < 61 {
			// time.Date normalises linearly: the day's start plus the clock.
			return c.daySec + int64(h*3600+mi*60+se), true
		}
	}
	t, ok := parseTime(s)
	if ok && isPlainTime(s) { // parsed by parseTime's own fast path
		h, _ := atoi(s[11:13])
		mi, _ := atoi(s[14:16])
		se, _ := atoi(s[17:19])
		copy(c.day[:], s[:10])
		c.daySec, c.ok = t-int64(h*3600+mi*60+se), true
	}
	return t, ok
}

// isPlainTime tells CloudTrail's usual "2006-01-02T15:04:05Z" layout.
func isPlainTime(s string) bool {
	return len(s) == 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == 'Z'
}

func atoi(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func formatTime(sec int64) string {
	return time.Unix(sec, 0).UTC().Format(time.RFC3339)
}

package extract

import (
	"github.com/cloud-credentials-insights/cci/internal/extract/ctjson"
	"strings"
	"time"
)

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
func identityOf(r *ctjson.Record) (name, typ, subject string) {
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

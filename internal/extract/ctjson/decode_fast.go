package ctjson

import (
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// The fast path decodes a record straight from the scanner's buffer in one
// pass: it walks the record's members, keeps the strings cci reads (zero
// copy, as sonic does) and skips every other value without building it.
// It decides only what it is sure of. Anything unusual (a kept string with
// an escape, a kept field of another type, a key that only matches a field
// case-insensitively through Unicode, deep nesting, a wrapper such as an
// EventBridge envelope, invalid JSON) makes it answer fastSlow, and the
// item goes through the scanner and sonic as before, so results never
// depend on which path decoded a record. TestFastMatchesSonic and
// FuzzFastMatchesSonic hold the two paths together.
//
// It validates the JSON grammar of everything it walks (structure,
// numbers, literals) because sonic rejects records that break it. Inside
// strings it is as lenient as sonic without ValidateString: control
// characters, invalid UTF-8 and unknown escapes in skipped strings pass.

type fastStatus uint8

const (
	fastOK     fastStatus = iota
	fastMore              // the item goes on past the end of the buffer
	fastSlow              // not sure: the scanner and sonic decide
	fastEscape            // plainStringEnd: the string has an escape
)

// fastMaxDepth bounds nesting on the fast path; deeper items take the
// slow path, which applies the scanner's own limit.
const fastMaxDepth = 64

// fastRec is what the fast path fills: the record, and the bytes of the
// kept strings that had escapes (the others alias the input).
type fastRec struct {
	Record
	unescaped []byte
	// idx maps the quotes and backslashes of the input (classify.go). The
	// scanner keeps it across the records of an unchanged buffer.
	idx strIndex
	// drop and undrop are Config's; dropped says the record being walked
	// was dropped by its identity (its containers are skipped on the maps
	// after that), full that it is walked again in full after undrop.
	drop, undrop  func(*Record) bool
	dropped, full bool
	// resources backs Record.Resources; sawResources says the record had
	// a resources member (a second one goes slow), arn is the ARN of the
	// entry being walked.
	resources    []string
	sawResources bool
	arn          string
}

// fastRecord decodes the object at the start of b into rec and returns its
// length.
func fastRecord(b []byte, rec *fastRec) (int, fastStatus) {
	rec.idx.reset(b)
	return fastDecode(b, rec)
}

// fastDecode is fastRecord when rec.idx already maps b, from b[0] or from
// before it (rec.idx.off is the index of b[0] in the mapped bytes).
func fastDecode(b []byte, rec *fastRec) (int, fastStatus) {
	rec.Record = Record{}
	rec.unescaped = rec.unescaped[:0] // the previous record is done with
	rec.resources, rec.sawResources = rec.resources[:0], false
	if len(b) == 0 {
		return 0, fastMore
	}
	if b[0] != '{' {
		return 0, fastSlow
	}
	rec.dropped = false
	n, st := walkObject(b, 0, objTop, rec)
	if st == fastOK && rec.dropped && rec.undrop != nil && rec.undrop(&rec.Record) {
		rec.Record = Record{}
		rec.unescaped = rec.unescaped[:0]
		rec.resources, rec.sawResources = rec.resources[:0], false
		rec.dropped, rec.full = false, true
		n, st = walkObject(b, 0, objTop, rec)
		rec.full = false
	}
	return n, st
}

// skipTop steps over the value of a top-level member that is not kept.
// After the record was dropped, a container is skipped on the maps
// (containerEnd) instead of walked.
func (rec *fastRec) skipTop(b []byte, i int) (int, fastStatus) {
	if rec.dropped && (b[i] == '{' || b[i] == '[') {
		return rec.idx.containerEnd(i)
	}
	return skipValue(b, i, &rec.idx)
}

// objKind says which struct an object decodes into.
type objKind uint8

const (
	objTop      objKind = iota // Record (as a rawItem: wrapper keys go slow)
	objUser                    // userIdentity
	objSession                 // userIdentity.sessionContext
	objIssuer                  // userIdentity.sessionContext.sessionIssuer
	objParams                  // requestParameters
	objResource                // an entry of resources[]
)

// keptNames lists, per struct, the JSON names sonic would fill. A key
// that equals one of them ignoring ASCII case fills it too (sonic, like
// encoding/json, matches case-insensitively when no name matches exactly).
var keptNames = [...][]string{
	objTop: {"eventTime", "@timestamp", "eventSource", "eventName", "eventType", "eventCategory",
		"awsRegion", "recipientAccountId", "errorCode", "errorMessage", "sourceIPAddress", "userAgent",
		"userIdentity", "requestParameters", "eventID", "resources", "additionalEventData",
		// rawItem's wrapper fields: present means a rare shape, decoded by sonic.
		"detail", "detail-type", "CloudTrailEvent", "digestStartTime"},
	objUser:     {"type", "principalId", "arn", "accountId", "userName", "invokedBy", "sessionContext"},
	objSession:  {"sessionIssuer"},
	objIssuer:   {"type", "userName", "arn"},
	objParams:   {"userName", "roleName", "roleArn", "bucketName"},
	objResource: {"ARN"},
}

// walkObject decodes the object (or null) at b[i] into the part of rec
// that kind names and returns the index after it.
func walkObject(b []byte, i int, kind objKind, rec *fastRec) (int, fastStatus) {
	if b[i] == 'n' && kind != objTop {
		return literal(b, i, "null") // a null struct is left as it is
	}
	if b[i] != '{' {
		return 0, fastSlow // sonic reports a type mismatch and goes on: let it
	}
	i = skipWS(b, i+1)
	if i >= len(b) {
		return 0, fastMore
	}
	if b[i] == '}' {
		return i + 1, fastOK
	}
	for {
		// objectKey, written out: this loop also needs the key, and a call
		// to a helper returning it cost 4-5% of BenchmarkRecordPath (Go
		// does not inline it).
		if b[i] != '"' {
			return 0, fastSlow
		}
		end, st := rec.idx.quickEnd(i+1), fastOK
		if end < 0 {
			if end, st = rec.idx.stringEnd(i + 1); st != fastOK {
				return 0, st
			}
		}
		key := unsafe.String(unsafe.SliceData(b[i+1:]), end-i-1)
		i = skipWS(b, end+1)
		if i >= len(b) {
			return 0, fastMore
		}
		if b[i] != ':' {
			return 0, fastSlow
		}
		i = skipWS(b, i+1)
		if i >= len(b) {
			return 0, fastMore
		}
		i, st = member(b, i, kind, key, rec)
		if st != fastOK {
			return 0, st
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return 0, fastMore
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
			if i >= len(b) {
				return 0, fastMore
			}
		case '}':
			return i + 1, fastOK
		default:
			return 0, fastSlow
		}
	}
}

// member decodes the value at b[i] of the member key of a kind object.
func member(b []byte, i int, kind objKind, key string, rec *fastRec) (int, fastStatus) {
	switch kind {
	case objTop:
		switch key {
		case "eventTime":
			return rec.str(b, i, &rec.EventTime)
		case "@timestamp":
			return rec.str(b, i, &rec.Timestamp)
		case "eventSource":
			return rec.str(b, i, &rec.EventSource)
		case "eventName":
			return rec.str(b, i, &rec.EventName)
		case "eventType":
			return rec.str(b, i, &rec.EventType)
		case "eventCategory":
			return rec.str(b, i, &rec.EventCategory)
		case "awsRegion":
			return rec.str(b, i, &rec.AWSRegion)
		case "recipientAccountId":
			return rec.str(b, i, &rec.RecipientAccountID)
		case "errorCode":
			return rec.str(b, i, &rec.ErrorCode)
		case "errorMessage":
			return rec.str(b, i, &rec.ErrorMessage)
		case "sourceIPAddress":
			return rec.str(b, i, &rec.SourceIPAddress)
		case "userAgent":
			return rec.str(b, i, &rec.UserAgent)
		case "eventID":
			return rec.str(b, i, &rec.EventID)
		case "userIdentity":
			if rec.dropped {
				return 0, fastSlow // a second userIdentity: sonic decides
			}
			j, st := walkObject(b, i, objUser, rec)
			if st == fastOK && rec.drop != nil && !rec.full {
				rec.dropped = rec.drop(&rec.Record)
			}
			return j, st
		case "requestParameters":
			if rec.dropped {
				return rec.skipTop(b, i)
			}
			return walkObject(b, i, objParams, rec)
		case "resources":
			if rec.dropped {
				return rec.skipTop(b, i)
			}
			return rec.walkResources(b, i)
		case "additionalEventData":
			return rec.raw(b, i, &rec.AdditionalEventData)
		case "detail", "detail-type", "CloudTrailEvent", "digestStartTime":
			return 0, fastSlow
		// The other members of a CloudTrail record: known not to fold to a
		// kept name (TestFastSkippedNames), so no case check.
		case "eventVersion", "requestID", "readOnly", "managementEvent",
			"responseElements", "tlsDetails",
			"sharedEventID", "vpcEndpointId", "vpcEndpointAccountId", "serviceEventDetails",
			"apiVersion", "sessionCredentialFromConsole", "edgeDeviceDetails", "insightDetails":
			return rec.skipTop(b, i)
		}
	case objUser:
		u := &rec.UserIdentity
		switch key {
		case "type":
			return rec.str(b, i, &u.Type)
		case "principalId":
			return rec.str(b, i, &u.PrincipalID)
		case "arn":
			return rec.str(b, i, &u.ARN)
		case "accountId":
			return rec.str(b, i, &u.AccountID)
		case "userName":
			return rec.str(b, i, &u.UserName)
		case "invokedBy":
			return rec.str(b, i, &u.InvokedBy)
		case "sessionContext":
			return walkObject(b, i, objSession, rec)
		case "accessKeyId", "identityProvider", "onBehalfOf", "credentialId", "inScopeOf":
			return skipValue(b, i, &rec.idx)
		}
	case objSession:
		switch key {
		case "sessionIssuer":
			return walkObject(b, i, objIssuer, rec)
		case "attributes", "webIdFederationData", "ec2RoleDelivery", "sourceIdentity", "assumedRoot":
			return skipValue(b, i, &rec.idx)
		}
	case objIssuer:
		si := &rec.UserIdentity.SessionContext.SessionIssuer
		switch key {
		case "type":
			return rec.str(b, i, &si.Type)
		case "userName":
			return rec.str(b, i, &si.UserName)
		case "arn":
			return rec.str(b, i, &si.ARN)
		case "principalId", "accountId":
			return skipValue(b, i, &rec.idx)
		}
	case objParams:
		p := &rec.RequestParameters
		switch key {
		case "userName":
			return rec.str(b, i, &p.UserName)
		case "roleName":
			return rec.str(b, i, &p.RoleName)
		case "roleArn":
			return rec.str(b, i, &p.RoleArn)
		case "bucketName":
			return rec.str(b, i, &p.BucketName)
		}
	case objResource:
		switch key {
		case "ARN":
			return rec.str(b, i, &rec.arn)
		case "accountId", "type":
			return skipValue(b, i, &rec.idx)
		}
	}
	// Not a kept name as spelled: maybe one escaped or in another case.
	for j := 0; j < len(key); j++ {
		if key[j] >= 0x80 || key[j] == '\\' {
			// sonic unescapes keys, and lowers them with strings.ToLower,
			// which folds some non-ASCII letters to ASCII ones.
			return 0, fastSlow
		}
	}
	for _, name := range keptNames[kind] {
		if len(name) == len(key) && name != key && equalFoldASCII(name, key) {
			return member(b, i, kind, name, rec)
		}
	}
	if kind == objTop {
		return rec.skipTop(b, i)
	}
	return skipValue(b, i, &rec.idx)
}

// walkResources decodes the resources[] array (or null) at b[i] into
// Resources: the non-empty ARN of each entry. A second resources member,
// an entry that is not an object or null, or anything else unusual goes
// slow.
func (rec *fastRec) walkResources(b []byte, i int) (int, fastStatus) {
	if rec.sawResources {
		return 0, fastSlow
	}
	rec.sawResources = true
	if b[i] == 'n' {
		return literal(b, i, "null")
	}
	if b[i] != '[' {
		return 0, fastSlow
	}
	i = skipWS(b, i+1)
	if i >= len(b) {
		return 0, fastMore
	}
	if b[i] == ']' {
		return i + 1, fastOK
	}
	for {
		var st fastStatus
		switch b[i] {
		case 'n':
			i, st = literal(b, i, "null")
		case '{':
			rec.arn = ""
			i, st = walkObject(b, i, objResource, rec)
			if st == fastOK && rec.arn != "" {
				rec.resources = append(rec.resources, rec.arn)
				rec.Resources = rec.resources
			}
		default:
			return 0, fastSlow
		}
		if st != fastOK {
			return 0, st
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return 0, fastMore
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
			if i >= len(b) {
				return 0, fastMore
			}
		case ']':
			return i + 1, fastOK
		default:
			return 0, fastSlow
		}
	}
}

func equalFoldASCII(a, b string) bool {
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// str stores the string at b[i] in dst, aliasing b, or rec.unescaped
// when it has escapes. A null leaves dst as it is; another type goes slow
// (sonic's mismatch handling).
func (rec *fastRec) str(b []byte, i int, dst *string) (int, fastStatus) {
	switch b[i] {
	case '"':
		var end int
		var st fastStatus
		// plainStringEnd, its common case inline: the first quote or
		// backslash within the window.
		if q, e := rec.idx.plainWindows(rec.idx.off + i + 1); q|e != 0 {
			if m := q | e; m&-m&e != 0 {
				st = fastEscape
			} else {
				end = i + 1 + bits.TrailingZeros64(m)
			}
		} else {
			end, st = rec.idx.plainStringEnd(i + 1)
		}
		switch st {
		case fastOK:
			if end > i+1 {
				*dst = unsafe.String(&b[i+1], end-i-1)
			} else {
				*dst = ""
			}
			return end + 1, fastOK
		case fastEscape:
			return rec.unescape(b, i+1, dst)
		}
		return 0, st
	case 'n':
		return literal(b, i, "null")
	}
	return 0, fastSlow
}

// unescape decodes the string whose content starts at b[i] into
// rec.unescaped. It takes the escapes whose meaning is plain (\" \\ \/ \b
// \f \n \r \t, \u outside the surrogates, and surrogate pairs); anything
// else (a lone surrogate, which sonic replaces, or an unknown escape) goes
// slow.
func (rec *fastRec) unescape(b []byte, i int, dst *string) (int, fastStatus) {
	start := len(rec.unescaped)
	out := rec.unescaped
	for {
		j := i
		for j < len(b) && b[j] != '"' && b[j] != '\\' {
			j++
		}
		out = append(out, b[i:j]...)
		if j >= len(b) {
			return 0, fastMore
		}
		if b[j] == '"' {
			i = j + 1
			break
		}
		if j+1 >= len(b) {
			return 0, fastMore
		}
		switch c := b[j+1]; c {
		case '"', '\\', '/':
			out = append(out, c)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, n, st := unicodeEscape(b, j)
			if st != fastOK {
				return 0, st
			}
			out = utf8.AppendRune(out, r)
			i = j + n
			continue
		default:
			return 0, fastSlow
		}
		i = j + 2
	}
	rec.unescaped = out
	if len(out) > start {
		*dst = unsafe.String(&out[start], len(out)-start)
	} else {
		*dst = ""
	}
	return i, fastOK
}

// unicodeEscape reads \uXXXX (and the low half after a high surrogate) at
// b[j] and returns the rune and the bytes read.
func unicodeEscape(b []byte, j int) (rune, int, fastStatus) {
	r, st := hex4(b, j+2)
	if st != fastOK {
		return 0, 0, st
	}
	if !utf16.IsSurrogate(r) {
		return r, 6, fastOK
	}
	if r >= 0xDC00 {
		return 0, 0, fastSlow // a low half first: sonic replaces it
	}
	if len(b) < j+12 {
		return 0, 0, fastMore
	}
	if b[j+6] != '\\' || b[j+7] != 'u' {
		return 0, 0, fastSlow
	}
	lo, st := hex4(b, j+8)
	if st != fastOK {
		return 0, 0, st
	}
	c := utf16.DecodeRune(r, lo)
	if c == utf8.RuneError {
		return 0, 0, fastSlow
	}
	return c, 12, fastOK
}

func hex4(b []byte, i int) (rune, fastStatus) {
	if len(b) < i+4 {
		return 0, fastMore
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, fastSlow
		}
		r = r<<4 | rune(c)
	}
	return r, fastOK
}

// skipWS returns the index of the first byte at or after i that is not
// white space. Records are usually compact: the first test settles it.
func skipWS(b []byte, i int) int {
	if i < len(b) && b[i] > ' ' {
		return i
	}
	return skipWSLoop(b, i)
}

func skipWSLoop(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\n', '\r', '\t':
			i++
		default:
			return i
		}
	}
	return i
}

func literal(b []byte, i int, lit string) (int, fastStatus) {
	if len(b)-i < len(lit) {
		if string(b[i:]) == lit[:len(b)-i] {
			return 0, fastMore
		}
		return 0, fastSlow
	}
	if string(b[i:i+len(lit)]) != lit {
		return 0, fastSlow
	}
	return i + len(lit), fastOK
}

func isDigit(c byte) bool { return c-'0' < 10 }

// number checks the grammar of the number at b[i]. A number is never the
// last byte of an item, so reaching the end of b means more input.
func number(b []byte, i int) (int, fastStatus) {
	if b[i] == '-' {
		i++
		if i >= len(b) {
			return 0, fastMore
		}
	}
	switch c := b[i]; {
	case c == '0':
		i++
	case isDigit(c):
		i++
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	default:
		return 0, fastSlow
	}
	if i >= len(b) {
		return 0, fastMore
	}
	var st fastStatus
	if b[i] == '.' {
		if i, st = digitRun(b, i+1); st != fastOK {
			return 0, st
		}
	}
	if b[i] == 'e' || b[i] == 'E' {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i, st = digitRun(b, i); st != fastOK {
			return 0, st
		}
	}
	return i, fastOK
}

// digitRun steps over the digits of a fraction or exponent at b[i]: at
// least one, and (numbers never end an item) more input after them.
func digitRun(b []byte, i int) (int, fastStatus) {
	if i >= len(b) {
		return 0, fastMore
	}
	if !isDigit(b[i]) {
		return 0, fastSlow
	}
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	if i >= len(b) {
		return 0, fastMore
	}
	return i, fastOK
}

// skipValue checks and steps over the value at b[i] without building it.
// Containers are walked with a stack of one bit per level (set: object).
func skipValue(b []byte, i int, x *strIndex) (int, fastStatus) {
	var stack uint64
	depth := 0
	var st fastStatus
	for {
		// A value starts at b[i].
		switch c := b[i]; c {
		case '"':
			end := x.quickEnd(i + 1)
			if end < 0 {
				if end, st = x.stringEnd(i + 1); st != fastOK {
					return 0, st
				}
			}
			i = end + 1
		case '{', '[':
			if depth == fastMaxDepth {
				return 0, fastSlow
			}
			i = skipWS(b, i+1)
			if i >= len(b) {
				return 0, fastMore
			}
			if c == '{' {
				if b[i] == '}' {
					i++
					break
				}
				stack = stack<<1 | 1
				depth++
				if i, st = objectKey(b, i, x); st != fastOK {
					return 0, st
				}
				continue
			}
			if b[i] == ']' {
				i++
				break
			}
			stack <<= 1
			depth++
			continue
		case 't':
			if i, st = literal(b, i, "true"); st != fastOK {
				return 0, st
			}
		case 'f':
			if i, st = literal(b, i, "false"); st != fastOK {
				return 0, st
			}
		case 'n':
			if i, st = literal(b, i, "null"); st != fastOK {
				return 0, st
			}
		default:
			if c != '-' && !isDigit(c) {
				return 0, fastSlow
			}
			if i, st = number(b, i); st != fastOK {
				return 0, st
			}
		}
		// A value ended before b[i]: close containers until another value
		// starts.
		for {
			if depth == 0 {
				return i, fastOK
			}
			i = skipWS(b, i)
			if i >= len(b) {
				return 0, fastMore
			}
			inObject := stack&1 == 1
			c := b[i]
			if c == ',' {
				i = skipWS(b, i+1)
				if i >= len(b) {
					return 0, fastMore
				}
				if inObject {
					if i, st = objectKey(b, i, x); st != fastOK {
						return 0, st
					}
				}
				break
			}
			if (inObject && c == '}') || (!inObject && c == ']') {
				i++
				stack >>= 1
				depth--
				continue
			}
			return 0, fastSlow
		}
	}
}

// objectKey steps over `"key" :` and the white space after it, leaving i
// at the member's value.
func objectKey(b []byte, i int, x *strIndex) (int, fastStatus) {
	if b[i] != '"' {
		return 0, fastSlow
	}
	end, st := x.quickEnd(i+1), fastOK
	if end < 0 {
		if end, st = x.stringEnd(i + 1); st != fastOK {
			return 0, st
		}
	}
	i = skipWS(b, end+1)
	if i >= len(b) {
		return 0, fastMore
	}
	if b[i] != ':' {
		return 0, fastSlow
	}
	i = skipWS(b, i+1)
	if i >= len(b) {
		return 0, fastMore
	}
	return i, fastOK
}

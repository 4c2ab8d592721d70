package ctjson

import (
	"encoding/binary"
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

// zone is how many bytes from a member's start walkObject reads without
// bounds checks when the buffer holds them: a key or a string of up to
// 56 bytes and what follows it.
const zone = 128

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
	x := &rec.idx
	for {
		// b[i] starts a key (or white space before one). The common case,
		// compact JSON away from the end of the buffer, reads a window of
		// b and of the quote map without bounds checks (zone).
		var key string
		var st fastStatus
		if i+zone <= len(b) {
			w := b[i : i+zone]
			p := x.off + i + 1
			if k := p >> 3; w[0] == '"' && k+8 <= len(x.quotes) {
				if m := binary.LittleEndian.Uint64(x.quotes[k:]) >> (p & 7); m != 0 {
					n := bits.TrailingZeros64(m)
					if w[n+2] == ':' && w[n+3] > ' ' {
						key = unsafe.String(&w[1], n)
						i += n + 3
						goto value
					}
				}
			}
		}
		{
			// objectKey, written out: this loop also needs the key.
			if i = skipWS(b, i); i >= len(b) {
				return 0, fastMore
			}
			if b[i] != '"' {
				return 0, fastSlow
			}
			end := x.quickEnd(i + 1)
			if end < 0 {
				if end, st = x.stringEnd(i + 1); st != fastOK {
					return 0, st
				}
			}
			key = unsafe.String(unsafe.SliceData(b[i+1:]), end-i-1)
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
		}
	value:
		act, off := fieldOf(kind, key)
	dispatch:
		switch act {
		case aStr:
			// str, its common case inline: a string whose first quote or
			// backslash is within the window is a quote.
			dst := (*string)(unsafe.Add(unsafe.Pointer(rec), off))
			if i+zone <= len(b) {
				w := b[i : i+zone]
				p := x.off + i + 1
				if k := p >> 3; w[0] == '"' && k+8 <= len(x.quotes) && k+8 <= len(x.slashes) {
					q := binary.LittleEndian.Uint64(x.quotes[k:]) >> (p & 7)
					e := binary.LittleEndian.Uint64(x.slashes[k:]) >> (p & 7)
					if m := q | e; m != 0 && m&-m&e == 0 {
						n := bits.TrailingZeros64(m)
						*dst = unsafe.String(&w[1], n)
						// The separator after the value, in the window too.
						switch w[n+2] {
						case ',':
							i += n + 3
							continue
						case '}':
							return i + n + 3, fastOK
						}
						i += n + 2
						break
					}
				}
			}
			i, st = rec.str(b, i, dst)
		case aSkip:
			if b[i] == '"' {
				// A skipped string: only its end matters.
				if end := x.quickEnd(i + 1); end >= 0 {
					i = end + 1
					break
				}
			}
			if kind == objTop {
				i, st = rec.skipTop(b, i)
			} else {
				i, st = skipValue(b, i, x)
			}
		case aUnknown:
			// Not a name of the kind as spelled: maybe one escaped or in
			// another case.
			if act, off = foldedField(kind, key); act != aUnknown {
				goto dispatch
			}
			if kind == objTop {
				i, st = rec.skipTop(b, i)
			} else {
				i, st = skipValue(b, i, x)
			}
		case aUser:
			if rec.dropped {
				return 0, fastSlow // a second userIdentity: sonic decides
			}
			i, st = walkObject(b, i, objUser, rec)
			if st == fastOK && rec.drop != nil && !rec.full {
				rec.dropped = rec.drop(&rec.Record)
			}
		case aSession:
			i, st = walkObject(b, i, objSession, rec)
		case aIssuer:
			i, st = walkObject(b, i, objIssuer, rec)
		case aParams:
			if rec.dropped {
				i, st = rec.skipTop(b, i)
			} else {
				i, st = walkObject(b, i, objParams, rec)
			}
		case aResources:
			if rec.dropped {
				i, st = rec.skipTop(b, i)
			} else {
				i, st = rec.walkResources(b, i)
			}
		case aRaw:
			i, st = rec.raw(b, i, &rec.AdditionalEventData)
		default: // aSlow
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
		case '}':
			return i + 1, fastOK
		default:
			return 0, fastSlow
		}
	}
}

// action says what walkObject does with a member's value.
type action uint8

const (
	aUnknown   action = iota // not a name of the kind as spelled
	aSkip                    // a name cci does not read: skipped
	aStr                     // a string field of fastRec, at the offset fieldOf returns
	aUser                    // userIdentity
	aSession                 // userIdentity.sessionContext
	aIssuer                  // sessionContext.sessionIssuer
	aParams                  // requestParameters
	aResources               // resources
	aRaw                     // additionalEventData, kept undecoded
	aSlow                    // a wrapper's field: sonic decides
)

// Offsets of the nested structs' fields in fastRec.
const (
	offUser   = unsafe.Offsetof(fastRec{}.UserIdentity)
	offIssuer = offUser + unsafe.Offsetof(UserIdentity{}.SessionContext) + unsafe.Offsetof(UserIdentity{}.SessionContext.SessionIssuer)
	offParams = unsafe.Offsetof(fastRec{}.RequestParameters)
)

// fieldOf returns what the member key of a kind object fills: for a
// string, the offset of its field in fastRec. A switch per kind, which Go
// compiles to a jump on the length and a few word compares.
func fieldOf(kind objKind, key string) (action, uintptr) {
	var r fastRec
	switch kind {
	case objTop:
		switch key {
		case "eventTime":
			return aStr, unsafe.Offsetof(r.EventTime)
		case "@timestamp":
			return aStr, unsafe.Offsetof(r.Timestamp)
		case "eventSource":
			return aStr, unsafe.Offsetof(r.EventSource)
		case "eventName":
			return aStr, unsafe.Offsetof(r.EventName)
		case "eventType":
			return aStr, unsafe.Offsetof(r.EventType)
		case "eventCategory":
			return aStr, unsafe.Offsetof(r.EventCategory)
		case "awsRegion":
			return aStr, unsafe.Offsetof(r.AWSRegion)
		case "recipientAccountId":
			return aStr, unsafe.Offsetof(r.RecipientAccountID)
		case "errorCode":
			return aStr, unsafe.Offsetof(r.ErrorCode)
		case "errorMessage":
			return aStr, unsafe.Offsetof(r.ErrorMessage)
		case "sourceIPAddress":
			return aStr, unsafe.Offsetof(r.SourceIPAddress)
		case "userAgent":
			return aStr, unsafe.Offsetof(r.UserAgent)
		case "eventID":
			return aStr, unsafe.Offsetof(r.EventID)
		case "userIdentity":
			return aUser, 0
		case "requestParameters":
			return aParams, 0
		case "resources":
			return aResources, 0
		case "additionalEventData":
			return aRaw, 0
		case "detail", "detail-type", "CloudTrailEvent", "digestStartTime":
			return aSlow, 0
		// The other members of a CloudTrail record: known not to fold to a
		// kept name (TestFastSkippedNames), so no case check.
		case "eventVersion", "requestID", "readOnly", "managementEvent",
			"responseElements", "tlsDetails",
			"sharedEventID", "vpcEndpointId", "vpcEndpointAccountId", "serviceEventDetails",
			"apiVersion", "sessionCredentialFromConsole", "edgeDeviceDetails", "insightDetails":
			return aSkip, 0
		}
	case objUser:
		var u UserIdentity
		switch key {
		case "type":
			return aStr, offUser + unsafe.Offsetof(u.Type)
		case "principalId":
			return aStr, offUser + unsafe.Offsetof(u.PrincipalID)
		case "arn":
			return aStr, offUser + unsafe.Offsetof(u.ARN)
		case "accountId":
			return aStr, offUser + unsafe.Offsetof(u.AccountID)
		case "userName":
			return aStr, offUser + unsafe.Offsetof(u.UserName)
		case "invokedBy":
			return aStr, offUser + unsafe.Offsetof(u.InvokedBy)
		case "sessionContext":
			return aSession, 0
		case "accessKeyId", "identityProvider", "onBehalfOf", "credentialId", "inScopeOf":
			return aSkip, 0
		}
	case objSession:
		switch key {
		case "sessionIssuer":
			return aIssuer, 0
		case "attributes", "webIdFederationData", "ec2RoleDelivery", "sourceIdentity", "assumedRoot":
			return aSkip, 0
		}
	case objIssuer:
		switch key {
		case "type":
			return aStr, offIssuer + unsafe.Offsetof(r.UserIdentity.SessionContext.SessionIssuer.Type)
		case "userName":
			return aStr, offIssuer + unsafe.Offsetof(r.UserIdentity.SessionContext.SessionIssuer.UserName)
		case "arn":
			return aStr, offIssuer + unsafe.Offsetof(r.UserIdentity.SessionContext.SessionIssuer.ARN)
		case "principalId", "accountId":
			return aSkip, 0
		}
	case objParams:
		switch key {
		case "userName":
			return aStr, offParams + unsafe.Offsetof(r.RequestParameters.UserName)
		case "roleName":
			return aStr, offParams + unsafe.Offsetof(r.RequestParameters.RoleName)
		case "roleArn":
			return aStr, offParams + unsafe.Offsetof(r.RequestParameters.RoleArn)
		case "bucketName":
			return aStr, offParams + unsafe.Offsetof(r.RequestParameters.BucketName)
		}
	case objResource:
		switch key {
		case "ARN":
			return aStr, unsafe.Offsetof(r.arn)
		case "accountId", "type":
			return aSkip, 0
		}
	}
	return aUnknown, 0
}

// foldedField is fieldOf for a key that is no name of the kind as
// spelled: the field of the kept name it equals ignoring ASCII case, as
// sonic (like encoding/json) fills it when no name matches exactly;
// aSlow for a key with an escape or a non-ASCII byte (sonic unescapes
// keys, and lowers them with strings.ToLower, which folds some non-ASCII
// letters to ASCII ones); aUnknown for any other key.
func foldedField(kind objKind, key string) (action, uintptr) {
	for j := 0; j < len(key); j++ {
		if key[j] >= 0x80 || key[j] == '\\' {
			return aSlow, 0
		}
	}
	for _, name := range keptNames[kind] {
		if len(name) == len(key) && name != key && equalFoldASCII(name, key) {
			return fieldOf(kind, name)
		}
	}
	return aUnknown, 0
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

package trailgen

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// Stable identifiers are derived from names, not drawn from the random
// stream, so an IAM user keeps its principal ID and access key in every
// object even though objects are generated independently.

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" // 32 symbols, like AWS unique IDs
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b64        = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)

func nameHash(name string) [32]byte { return sha256.Sum256([]byte(name)) }

// awsID returns an AWS unique ID such as AIDA... or AROA... (21 characters).
func awsID(prefix, name string) string {
	h := nameHash(prefix + name)
	b := make([]byte, 0, 21)
	b = append(b, prefix...)
	for i := 0; len(b) < 21; i++ {
		b = append(b, upperAlnum[h[i]&31])
	}
	return string(b)
}

// longTermKey returns the access key ID (AKIA...) of an IAM user.
func longTermKey(name string) string {
	h := nameHash("key:" + name)
	b := []byte("AKIA")
	for i := 0; len(b) < 20; i++ {
		b = append(b, upperAlnum[h[i]&31])
	}
	return string(b)
}

// hexID returns n lowercase hex digits derived from name (n <= 64).
func hexID(name string, n int) string {
	h := nameHash(name)
	return hex.EncodeToString(h[:])[:n]
}

// uuidFor returns a version-4-shaped UUID derived from name.
func uuidFor(name string) string {
	h := nameHash(name)
	return formatUUID(binary.BigEndian.Uint64(h[:8]), binary.BigEndian.Uint64(h[8:16]))
}

func instanceIDs(role string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "i-0" + hexID(role+"#"+strconv.Itoa(i), 16)
	}
	return ids
}

// sdkSessions returns role session names as the AWS SDKs make them for web
// identity credentials: the nanosecond clock at the time of the first call.
func sdkSessions(role string, n int) []string {
	s := make([]string, n)
	for i := range s {
		h := nameHash(role + "#session" + strconv.Itoa(i))
		s[i] = strconv.FormatUint(1773100000000000000+binary.BigEndian.Uint64(h[:8])%100000000000000, 10)
	}
	return s
}

func hostedZoneID(infraID string) string {
	h := nameHash("zone:" + infraID)
	b := []byte("Z0")
	for i := 0; len(b) < 21; i++ {
		b = append(b, upperAlnum[h[i]&31])
	}
	return string(b)
}

func registryBucket(infraID, region string) string {
	return infraID + "-image-registry-" + region + "-" + hexID("bucket:"+infraID, 10)
}

func kmsKeyARN(region, infraID string) string {
	return "arn:aws:kms:" + region + ":" + SampleAccount + ":key/" + uuidFor("kms:"+infraID)
}

// Random values come from the object's own stream.

func formatUUID(hi, lo uint64) string {
	hi = hi&^0xf000 | 0x4000     // version 4
	lo = lo&^(0xc<<60) | 0x8<<60 // RFC 4122 variant
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, (hi>>16)&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

func randUUID(r *rand.Rand) string { return formatUUID(r.Uint64(), r.Uint64()) }

func randFrom(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func randHex(r *rand.Rand, n int) string { return randFrom(r, "0123456789abcdef", n) }

// tempKey returns a temporary (STS) access key ID.
func tempKey(r *rand.Rand) string { return "ASIA" + randFrom(r, upperAlnum, 16) }

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// Time formats CloudTrail uses: RFC 3339 in the envelope, Java's
// medium format inside many responseElements.
func ctTime(t time.Time) string  { return t.UTC().Format("2006-01-02T15:04:05Z") }
func awsDate(t time.Time) string { return t.UTC().Format("Jan 2, 2006, 3:04:05 PM") }
func epochMillis(t time.Time) int64 {
	return t.UnixMilli()
}

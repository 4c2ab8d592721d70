package extract

import (
	"slices"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/authz"
	"github.com/cloud-credentials-insights/cci/internal/extract/ctjson"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// Bounds of what a denial group keeps beside its count. A group keeps the
// smallest values (in byte order) it saw: which values survive the bound
// does not depend on the order records arrive in or on how workers merge,
// so the output stays deterministic.
const (
	maxDeniedResources = 5 // resource ARNs per denial group
	maxDeniedEncoded   = 3 // encoded authorization failure messages per denial group
)

// denialDetail is what a denial group keeps of its records besides the
// count: a few resource ARNs and encoded messages, each list bounded.
type denialDetail struct {
	resources []string
	encoded   []string
}

// denialCause refines the cause of a refused record with what the record
// says beyond its message (policy.RecordCause). It reads
// additionalEventData only for S3 AccessDenied records.
func denialCause(d policy.Denial, r *ctjson.Record) string {
	method := ""
	// Only QueryString matters: an additionalEventData that cannot spell
	// it (not even escaped) is not decoded.
	if ad := string(r.AdditionalEventData); r.ErrorCode == "AccessDenied" && r.EventSource == s3Source &&
		(strings.Contains(ad, "QueryString") || strings.Contains(ad, `\`)) {
		method = ctjson.AuthenticationMethod(r.AdditionalEventData)
	}
	return policy.RecordCause(d, r.EventSource, r.EventName, r.ErrorCode, method)
}

// noteDenial adds the resource and the encoded message of one refused
// record to the groups its shape counts it in. Only refused records come
// here.
func (a *aggregate) noteDenial(sh *shape, r *ctjson.Record, d policy.Denial, m *authz.Message) {
	// A cut encoded message cannot be decoded (AWS rejects it), so it is
	// not kept: the group's cause says encoded, and the count tells how
	// many were refused.
	encoded := ""
	if !m.Truncated {
		encoded = m.Encoded
	}
	if len(r.Resources) == 0 && m.Resource == "" && encoded == "" {
		return
	}
	k := deniedKey{code: r.ErrorCode, action: d.Action, cause: d.Cause}
	for i := range sh.acts {
		act := sh.acts[i].act
		if act.details == nil {
			act.details = map[deniedKey]*denialDetail{}
		}
		det, ok := act.details[k]
		if !ok {
			det = &denialDetail{}
			act.details[deniedKey{clean(k.code), clean(k.action), k.cause}] = det
		}
		for _, arn := range r.Resources {
			det.resources = keepSmallest(det.resources, arn, maxDeniedResources)
		}
		if len(r.Resources) == 0 && m.Resource != "" {
			det.resources = keepSmallest(det.resources, m.Resource, maxDeniedResources)
		}
		if encoded != "" {
			det.encoded = keepSmallest(det.encoded, encoded, maxDeniedEncoded)
		}
	}
}

// keepSmallest adds s to the sorted list l unless it is there already,
// keeping at most n values: the n smallest.
func keepSmallest(l []string, s string, n int) []string {
	i, found := slices.BinarySearch(l, s)
	if found || i >= n {
		return l
	}
	l = slices.Insert(l, i, clean(s))
	if len(l) > n {
		l = l[:n]
	}
	return l
}

// mergeDetails adds b's denial details into a's.
func mergeDetails(a, b *actAgg) {
	if len(b.details) == 0 {
		return
	}
	if a.details == nil {
		a.details = map[deniedKey]*denialDetail{}
	}
	for k, bd := range b.details {
		ad, ok := a.details[k]
		if !ok {
			a.details[k] = bd
			continue
		}
		for _, s := range bd.resources {
			ad.resources = keepSmallest(ad.resources, s, maxDeniedResources)
		}
		for _, s := range bd.encoded {
			ad.encoded = keepSmallest(ad.encoded, s, maxDeniedEncoded)
		}
	}
}

package extract

import (
	"github.com/cloud-credentials-insights/cci/internal/extract/ctjson"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// With a principal filter most records of a shared account are dropped by
// it. userIdentity is the second member of a CloudTrail record, so the
// decoder can ask as soon as it has decoded it whether the filter drops
// the record whatever follows, and skip the record's containers on its
// structural maps instead of walking them (ctjson.Config.Drop).
//
// What worker.record reads before the principal test are top-level strings
// (still decoded on a dropped record) and, for web identities and lineage,
// requestParameters: web identities are never dropped early, and a record
// that may carry lineage is decoded again in full (undropLineage). So a
// dropped record counts exactly as it would have, apart from a malformed
// container inside it, which is no longer noticed: the record counts as
// skipped rather than invalid (docs/output.md).

// dropByIdentity returns the decoder's Drop for keep, or nil when keep
// keeps everything.
func dropByIdentity(opts *Options, keep func(string) bool) func(*ctjson.Record) bool {
	if len(opts.PrincipalNames) == 0 && len(opts.PrincipalPrefixes) == 0 {
		return nil
	}
	return func(r *ctjson.Record) bool {
		switch r.UserIdentity.Type {
		case typeIAMUser, typeAssumedRole, typeFederated, typeRoot, typeAWSAccount:
			// Named from userIdentity alone.
		default:
			return false
		}
		name, _, _ := identityOf(r)
		return name != "" && !keep(name)
	}
}

// undropLineage is the decoder's Undrop: a successful iam:CreateUser or
// iam:CreateRole, whose requestParameters name what it created, is needed
// in full whatever the principal filter says (the test of worker.record).
func undropLineage(r *ctjson.Record) bool {
	return r.ErrorCode == "" && (r.EventName == "CreateUser" || r.EventName == "CreateRole") && policy.Prefix(r.EventSource) == "iam"
}

package compare

import (
	"sort"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// trailEvents is what compare reads of events.json and summary.json.
type trailEvents struct {
	Identities map[string]*events.Identity
	// Legacy names the identities whose action keys were raw CloudTrail
	// names of the legacy tool and were normalised.
	Legacy []string
	// DataEventSources are eventSource hosts known to have logged data
	// events: from summary.json and from actions marked dataEvent.
	DataEventSources map[string]bool
	// SummaryFound is set when summary.json was read.
	SummaryFound bool
	// File is the events.json read.
	File string
	// Summary is summary.json, when found.
	Summary *events.Summary
	// DataEventBuckets are the buckets of S3 data events, from
	// summary.json; nil when it does not list them (no summary.json, one
	// written before the list existed, or S3 data events without a bucket
	// name), and S3 coverage is then judged per service.
	DataEventBuckets []string
}

// loadEvents reads events.json and, when present, summary.json beside it.
// path is the file or the extract output directory holding it.
func loadEvents(path string) (*trailEvents, error) {
	file, dir, err := events.EventsPath(path)
	if err != nil {
		return nil, err
	}
	ids, err := events.ReadIdentities(file)
	if err != nil {
		return nil, err
	}
	ev := &trailEvents{File: file, Identities: map[string]*events.Identity{}, DataEventSources: map[string]bool{}}
	for key, id := range ids {
		if id == nil {
			continue
		}
		if id.Name == "" {
			id.Name = key
		}
		if isLegacy(id) {
			id.Events = normaliseLegacy(id.Events)
			ev.Legacy = append(ev.Legacy, key)
		}
		for action, a := range id.Events {
			if a != nil && a.DataEvent {
				for _, src := range policy.DataEventSourcesOf(action) {
					ev.DataEventSources[src] = true
				}
			}
		}
		ev.Identities[key] = id
	}
	sort.Strings(ev.Legacy)

	sum, found, err := events.ReadSummary(dir)
	if err != nil {
		return nil, err
	}
	if found {
		ev.SummaryFound = true
		ev.Summary = sum
		for _, src := range sum.DataEventSources {
			ev.DataEventSources[strings.ToLower(src)] = true
		}
		if len(sum.DataEventBuckets) > 0 {
			ev.DataEventBuckets = sum.DataEventBuckets
		}
	}
	return ev, nil
}

// isLegacy tells an identity of the legacy tool: its actions carry only a
// count, none of the fields extract writes.
func isLegacy(id *events.Identity) bool {
	if id.FirstSeen != "" || len(id.ARNs) > 0 || len(id.Regions) > 0 {
		return false
	}
	for _, a := range id.Events {
		if a == nil {
			continue
		}
		if a.FirstSeen != "" || len(a.EventNames) > 0 || len(a.Denied) > 0 || a.Unmapped || a.Permissionless || a.DataEvent {
			return false
		}
	}
	return true
}

// normaliseLegacy maps raw keys ("tagging:GetResources",
// "s3:PutBucketLifecycle") to IAM actions, merging counts.
func normaliseLegacy(in map[string]*events.Action) map[string]*events.Action {
	out := make(map[string]*events.Action, len(in))
	for key, a := range in {
		var count int64
		if a != nil {
			count = a.Count
		}
		m := policy.NormalizeLegacy(key)
		for _, act := range m.Actions {
			o := out[act]
			if o == nil {
				o = &events.Action{}
				out[act] = o
			}
			o.Count += count
			o.EventNames = append(o.EventNames, key)
			o.Unmapped = o.Unmapped || m.Unmapped
			o.Permissionless = o.Permissionless || m.Permissionless
		}
	}
	for _, o := range out {
		o.EventNames = dedupe(o.EventNames)
	}
	return out
}

// dataSourcesFor returns the eventSources whose data events count as
// logged for id. With summary.json, the trail's own list (and id's data
// events) says it. Without it (legacy input) only id's own actions marked
// dataEvent show that data events were logged: another identity's data
// event in one service says nothing of what the trail selected for the
// resources id was granted.
func (ev *trailEvents) dataSourcesFor(id *events.Identity) map[string]bool {
	if ev.SummaryFound {
		return ev.DataEventSources
	}
	own := map[string]bool{}
	for action, a := range id.Events {
		if a != nil && a.DataEvent {
			for _, src := range policy.DataEventSourcesOf(action) {
				own[src] = true
			}
		}
	}
	return own
}

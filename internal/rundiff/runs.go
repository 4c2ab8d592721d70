package rundiff

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/credreq"
)

// How an identity was keyed for pairing (pairedBy).
const (
	ByCredRequestRef = "credRequestRef" // compare matched it to this request or role
	ByTarget         = "target"         // the installer
	ByBaseName       = "base-name"      // name less cluster, infra ID and mint suffix
	ByName           = "name"           // the name as it is
)

// RunsReport is the diff of two runs.
type RunsReport struct {
	Kind string `json:"kind"` // "runs"
	A    Side   `json:"a"`
	B    Side   `json:"b"`
	// Appeared are identities of B paired with none of A; Disappeared the
	// reverse.
	Appeared    []Unpaired `json:"appeared"`
	Disappeared []Unpaired `json:"disappeared"`
	// Changed are the pairs with a difference; Unchanged counts the rest.
	Changed   []PairDiff `json:"changed"`
	Unchanged int        `json:"unchanged"`
}

// Side names one input.
type Side struct {
	Path string `json:"path"`
	Kind string `json:"kind"` // events or compiled
}

// Unpaired is an identity on one side only.
type Unpaired struct {
	Name     string   `json:"name"`
	Key      string   `json:"key"`
	PairedBy string   `json:"keyedBy"`
	Required []string `json:"required"`
	Missing  []string `json:"missing,omitempty"`
	Denied   []string `json:"denied,omitempty"`
}

// PairDiff is what changed for one identity.
type PairDiff struct {
	Key      string `json:"key"`
	PairedBy string `json:"pairedBy"`
	A        string `json:"a"`
	B        string `json:"b"`

	RequiredAdded   []string `json:"requiredAdded"`
	RequiredRemoved []string `json:"requiredRemoved"`
	// Missing and extra are compare's; empty for events.json inputs.
	MissingNew      []string      `json:"missingNew"`
	MissingResolved []string      `json:"missingResolved"`
	ExtraAdded      []string      `json:"extraAdded"`
	ExtraRemoved    []string      `json:"extraRemoved"`
	DeniedNew       []string      `json:"deniedNew"`
	DeniedGone      []string      `json:"deniedGone"`
	Counts          []CountChange `json:"counts,omitempty"`
}

// CountChange is a changed call count (--counts).
type CountChange struct {
	Action string `json:"action"`
	A      int64  `json:"a"`
	B      int64  `json:"b"`
}

func (p *PairDiff) empty() bool {
	return len(p.RequiredAdded)+len(p.RequiredRemoved)+len(p.MissingNew)+len(p.MissingResolved)+
		len(p.ExtraAdded)+len(p.ExtraRemoved)+len(p.DeniedNew)+len(p.DeniedGone)+len(p.Counts) == 0
}

// keyed is an identity with its pairing key.
type keyed struct {
	id  *Identity
	key string
	by  string
}

// keys gives every identity of r its pairing key. A key two identities
// of one side share falls back to their names; warn is told.
func keys(r *Input, warn func(string)) map[string]keyed {
	names := make([]string, 0, len(r.Identities))
	for n := range r.Identities {
		names = append(names, n)
	}
	sort.Strings(names)
	clusters := credreq.ClustersOf(names)
	if r.Cluster.Known() {
		clusters = append([]credreq.Cluster{r.Cluster}, clusters...)
	}
	out := map[string]keyed{}
	taken := map[string][]string{}
	for _, n := range names {
		id := r.Identities[n]
		k := keyed{id: id}
		switch {
		case id.Target == "installer":
			k.key, k.by = "installer", ByTarget
		case id.CredRequestRef != "":
			k.key, k.by = id.CredRequestRef, ByCredRequestRef
		default:
			if base, ok := credreq.BaseName(n, clusters...); ok {
				k.key, k.by = base, ByBaseName
			} else {
				k.key, k.by = n, ByName
			}
		}
		taken[k.key] = append(taken[k.key], n)
		out[n] = k
	}
	var shared []string
	for _, key := range slices.Sorted(maps.Keys(taken)) {
		ns := taken[key]
		if len(ns) < 2 {
			continue
		}
		shared = append(shared, key)
		for _, n := range ns {
			out[n] = keyed{id: r.Identities[n], key: n, by: ByName}
		}
	}
	if len(shared) > 0 {
		warn(fmt.Sprintf("%s: %d keys are shared by identities of several clusters (%s): those identities are paired by their names",
			r.Path, len(shared), strings.Join(shared, ", ")))
	}
	return out
}

// DiffRuns pairs the identities of a and b and diffs each pair.
func DiffRuns(a, b *Input, counts bool, warn func(string)) *RunsReport {
	rep := &RunsReport{Kind: "runs", A: Side{a.Path, a.Kind}, B: Side{b.Path, b.Kind},
		Appeared: []Unpaired{}, Disappeared: []Unpaired{}, Changed: []PairDiff{}}
	ka, kb := byKey(keys(a, warn)), byKey(keys(b, warn))
	for _, key := range slices.Sorted(maps.Keys(ka)) {
		x := ka[key]
		y, ok := kb[key]
		if !ok {
			rep.Disappeared = append(rep.Disappeared, unpaired(x))
			continue
		}
		p := diffPair(x, y, counts)
		if p.empty() {
			rep.Unchanged++
			continue
		}
		rep.Changed = append(rep.Changed, p)
	}
	for _, key := range slices.Sorted(maps.Keys(kb)) {
		if _, ok := ka[key]; !ok {
			rep.Appeared = append(rep.Appeared, unpaired(kb[key]))
		}
	}
	pairCut(rep, ka, kb, counts)
	return rep
}

// ByCutName pairs STS role names that IAM's 64-character limit cut at
// different places: one base name is the start of the other.
const ByCutName = "base-name-cut"

// pairCut pairs what appeared with what disappeared when both are
// 64-character role names keyed by base name and one key starts the
// other, and only one candidate does.
func pairCut(rep *RunsReport, ka, kb map[string]keyed, counts bool) {
	cut := func(u Unpaired) bool { return u.PairedBy == ByBaseName && len(u.Name) == 64 }
	var keepA []Unpaired
	used := map[int]bool{}
	for _, x := range rep.Disappeared {
		match := -1
		for j, y := range rep.Appeared {
			if used[j] || !cut(x) && !cut(y) || x.PairedBy != ByBaseName || y.PairedBy != ByBaseName {
				continue
			}
			if strings.HasPrefix(x.Key, y.Key) || strings.HasPrefix(y.Key, x.Key) {
				if match >= 0 {
					match = -2 // more than one: leave both
					break
				}
				match = j
			}
		}
		if match < 0 {
			keepA = append(keepA, x)
			continue
		}
		used[match] = true
		y := rep.Appeared[match]
		p := diffPair(ka[x.Key], kb[y.Key], counts)
		p.Key, p.PairedBy = x.Key+" ~ "+y.Key, ByCutName
		if p.empty() {
			rep.Unchanged++
		} else {
			rep.Changed = append(rep.Changed, p)
		}
	}
	var keepB []Unpaired
	for j, y := range rep.Appeared {
		if !used[j] {
			keepB = append(keepB, y)
		}
	}
	rep.Disappeared, rep.Appeared = nonNilU(keepA), nonNilU(keepB)
	sort.Slice(rep.Changed, func(i, j int) bool { return rep.Changed[i].Key < rep.Changed[j].Key })
}

func nonNilU(u []Unpaired) []Unpaired {
	if u == nil {
		return []Unpaired{}
	}
	return u
}

// diffPair diffs the two identities of a pair.
func diffPair(x, y keyed, counts bool) PairDiff {
	p := PairDiff{Key: x.key, PairedBy: x.by, A: x.id.Name, B: y.id.Name}
	if y.by != x.by {
		p.PairedBy = x.by + "/" + y.by
	}
	p.RequiredAdded, p.RequiredRemoved = setDiff(x.id.Required, y.id.Required)
	p.MissingNew, p.MissingResolved = setDiff(x.id.Missing, y.id.Missing)
	p.ExtraAdded, p.ExtraRemoved = setDiff(x.id.Extra, y.id.Extra)
	p.DeniedNew, p.DeniedGone = setDiff(x.id.Denied, y.id.Denied)
	if counts {
		p.Counts = countChanges(x.id.Counts, y.id.Counts)
	}
	return p
}

func byKey(m map[string]keyed) map[string]keyed {
	out := make(map[string]keyed, len(m))
	for _, k := range m {
		out[k.key] = k
	}
	return out
}

func unpaired(k keyed) Unpaired {
	return Unpaired{Name: k.id.Name, Key: k.key, PairedBy: k.by, Required: sorted(k.id.Required),
		Missing: nilIfEmpty(sorted(k.id.Missing)), Denied: nilIfEmpty(sorted(k.id.Denied))}
}

// setDiff returns what b has and a lacks, and the reverse, sorted.
func setDiff(a, b map[string]bool) (added, removed []string) {
	added, removed = []string{}, []string{}
	for k := range b {
		if !a[k] {
			added = append(added, k)
		}
	}
	for k := range a {
		if !b[k] {
			removed = append(removed, k)
		}
	}
	sort.Strings(added)
	sort.Strings(removed)
	return added, removed
}

func countChanges(a, b map[string]int64) []CountChange {
	var out []CountChange
	seen := map[string]bool{}
	for _, m := range []map[string]int64{a, b} {
		for k := range m {
			if !seen[k] && a[k] != b[k] {
				out = append(out, CountChange{Action: k, A: a[k], B: b[k]})
			}
			seen[k] = true
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Action < out[j].Action })
	return out
}

func nilIfEmpty(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	return ss
}

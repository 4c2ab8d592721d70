package extract

import (
	"encoding/binary"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/extract/ctjson"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/cloud-credentials-insights/cci/internal/authz"

	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// aggregate is what one worker has seen. Workers never share one; the
// pipeline merges them at the end, in any order, to the same result.
//
// Strings handed to the aggregate alias the decoder's buffer: every string
// that becomes a map key is cloned on insertion, and lookups of existing
// keys allocate nothing. Counters are pointers so that an update never
// assigns to a map: assigning m[k] for an existing k stores k again (Go
// maps replace the key), which would keep an aliasing string.
//
// Records repeat: the same identity calls the same API from the same
// address with the same agent thousands of times. add therefore resolves
// each distinct combination of the fields it reads (a shape) once, and a
// record of a known shape costs one map lookup and a few increments.
type aggregate struct {
	ids      map[string]*idAgg
	lineage  map[lineageKey]struct{}
	dataSrcs map[string]struct{}
	// dataBuckets are the buckets of S3 data events: one entry per bucket,
	// so it stays as small as the account's bucket list.
	dataBuckets map[string]struct{}
	// mappings caches policy.MapEvent per eventSource and eventName.
	mappings map[string]map[string]policy.Mapping
	// denials caches policy.ParseDenialMessage per errorCode and message:
	// a refused call is usually refused again with the same words, and
	// the parse costs microseconds (docs/performance.md). Bounded by
	// maxDenialCache; denialKey is its reused lookup key.
	denials     map[string]parsedDenial
	denialKey   []byte
	denialBytes int // of the keys in denials
	first       int64
	last        int64
	service     int64 // records of AWS services, skipped unless asked for

	shapes map[string]*shape
	key    []byte // scratch for shape keys

	// The current chunk's source IPs and user agents (tops.go): the
	// identities that have counted some in it, its generation (a lastCount
	// of another generation is stale) and how many records it counted.
	touched   []*idAgg
	gen       uint32
	chunkRecs int
	arena     chunkArena // the strings of the current chunk's values
	spare     spares     // buffers of folded chunks, for the next ones
}

// maxShapes bounds the shape cache; when full it starts again, which
// loses nothing but time.
const maxShapes = 1 << 12

// shape is what one combination of record fields updates.
type shape struct {
	id   *idAgg
	typ  *int64
	acts []shapeAct
	// ip and agent are the source IP and user agent of the shape's last
	// record. They are not part of the shape key: on a busy account every
	// record may have its own address, and a shape per address would make
	// the cache useless. A repeat of the last value costs a compare.
	ip, agent   lastCount
	actsBacking [1]shapeAct
}

type shapeAct struct {
	act    *actAgg
	err    *int64 // nil without errorCode
	denied *int64 // nil unless the call was denied
}

type lineageKey struct{ creator, created string }

type idAgg struct {
	types    map[string]*int64
	actions  map[string]*actAgg
	arns     map[string]struct{}
	accounts map[string]struct{}
	regions  map[string]struct{}
	subjects map[string]struct{}
	// name is the identity's name (its key in aggregate.ids); cips and
	// cagents count its source IPs and user agents in the current chunk,
	// and cgen is the chunk generation they were last touched in.
	name          string
	cips, cagents chunkVals
	cgen          uint32
	first         int64
	last          int64
}

type actAgg struct {
	count          int64
	first, last    int64
	eventNames     map[string]struct{}
	errors         map[string]*int64
	denied         map[deniedKey]*int64
	details        map[deniedKey]*denialDetail // resources and encoded messages (denial.go); nil when none
	unmapped       bool
	permissionless bool
	data           bool
	// resources are the maxResources smallest distinct ARNs of the
	// resources[] of its successful calls, sorted; truncated says more
	// were seen, unlisted that a successful call listed none. All are
	// order-independent, so merges agree.
	resources []string
	truncated bool
	unlisted  bool
}

// maxResources bounds the ARNs kept per action.
const maxResources = 8

// addResource adds arn to act.resources, keeping the maxResources
// smallest. A known ARN costs a binary search and allocates nothing.
func (act *actAgg) addResource(arn string) {
	i, found := sort.Find(len(act.resources), func(j int) int { return strings.Compare(arn, act.resources[j]) })
	if found {
		return
	}
	if i == maxResources {
		act.truncated = true
		return
	}
	if act.resources == nil {
		act.resources = make([]string, 0, maxResources)
	}
	if len(act.resources) == maxResources {
		act.resources = act.resources[:maxResources-1]
		act.truncated = true
	}
	act.resources = slices.Insert(act.resources, i, clean(arn))
}

type deniedKey struct{ code, action, cause string }

func newAggregate() *aggregate {
	return &aggregate{
		ids:         map[string]*idAgg{},
		lineage:     map[lineageKey]struct{}{},
		dataSrcs:    map[string]struct{}{},
		dataBuckets: map[string]struct{}{},
		mappings:    map[string]map[string]policy.Mapping{},
		denials:     map[string]parsedDenial{},
		shapes:      map[string]*shape{},
		gen:         1,
	}
}

// clean makes a string safe to keep: a private copy, valid UTF-8.
func clean(s string) string {
	if !utf8.ValidString(s) {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.Clone(s)
}

func addSet(m map[string]struct{}, s string) {
	if s == "" {
		return
	}
	if _, ok := m[s]; !ok {
		m[clean(s)] = struct{}{}
	}
}

// counter returns the counter of s in m, adding it at zero; nil for "".
func counter(m map[string]*int64, s string) *int64 {
	if s == "" {
		return nil
	}
	if p, ok := m[s]; ok {
		return p
	}
	p := new(int64)
	m[clean(s)] = p
	return p
}

// valCount is a counter that knows its key, so that a cache of the last
// one used can compare against a string that does not alias the decoder.
type valCount struct {
	v string
	n int64
}

// chunkVals counts one field of one identity in the current chunk: vs
// holds each distinct value once, idx finds it. Strings live in the
// aggregate's chunk arena: a chunk's values and blocks are handed over,
// the summary that folds them copies only those it keeps, and the blocks
// come back as spares (tops.go, sequencer.fold and refill).
type chunkVals struct {
	idx map[string]int32
	vs  []valCount
}

// take returns a copy of the chunk's values (one allocation of their
// size) and empties c. The lists are copied, not recycled like the
// blocks: handed from identity to identity, a recycled list keeps the
// room the busiest one grew it to, and the lists' room crept up with the
// length of the run.
func (c *chunkVals) take() []valCount {
	if len(c.vs) == 0 {
		return nil
	}
	out := slices.Clone(c.vs)
	clear(c.idx)
	clear(c.vs)
	c.vs = c.vs[:0]
	return out
}

// spares are the buffers of folded chunks: identity lists and arena
// blocks, emptied. A worker takes from its own and refills them from the
// sequencer when it delivers a chunk, so that counting a chunk allocates
// only where it holds more than the worker's chunks did before.
type spares struct {
	ids    [][]chunkID
	blocks [][]byte
	// maxBlocks is the most blocks one of the worker's chunks has used:
	// what refill tops up to.
	maxBlocks int
}

// idList returns a spare identity list, or a new one with room for n.
func (sp *spares) idList(n int) []chunkID {
	if v, ok := popSpare(&sp.ids); ok {
		return v
	}
	return make([]chunkID, 0, n)
}

// block returns a spare arena block, or a new one.
func (sp *spares) block() []byte {
	if v, ok := popSpare(&sp.blocks); ok {
		return v
	}
	return make([]byte, 0, arenaBlock)
}

// popSpare removes the last of *s and returns it; ok is false when *s is
// empty.
func popSpare[T any](s *[]T) (v T, ok bool) {
	k := len(*s) - 1
	if k < 0 {
		return v, false
	}
	v = (*s)[k]
	var zero T
	(*s)[k] = zero
	*s = (*s)[:k]
	return v, true
}

// lastCount caches the index of the last value counted in one chunkVals,
// in chunk generation gen.
type lastCount struct {
	i   int32
	gen uint32
}

// count adds one to s's counter in c, of chunk generation gen; nothing for
// "".
func (l *lastCount) count(gen uint32, c *chunkVals, ar *chunkArena, sp *spares, s string) {
	if s == "" {
		return
	}
	if l.gen != gen || c.vs[l.i].v != s {
		i, ok := c.idx[s]
		if !ok {
			k := s
			if !utf8.ValidString(s) {
				// Invalid UTF-8 is stored repaired; look the repaired form
				// up before adding it.
				k = strings.ToValidUTF8(s, "\uFFFD")
				i, ok = c.idx[k]
			}
			if !ok {
				k = ar.str(k, sp)
				i = int32(len(c.vs))
				c.vs = append(c.vs, valCount{v: k})
				c.idx[k] = i
			}
		}
		l.i, l.gen = i, gen
	}
	c.vs[l.i].n++
}

// arena copies short strings into shared blocks, so that keeping a new
// value costs a copy, not an allocation. Blocks grow from 256 bytes to
// heavyBlock; a block lives while any string of it does, and bytes handed
// out are never written again while it may. Full-size blocks are recorded:
// once no string of the arena is in use (a summary's reduction has copied
// its survivors into another arena), release hands them to a pool that
// later arenas take from.
type arena struct {
	block []byte
	full  [][]byte // the full-size blocks, block last when it is one
}

// heavyBlock is the largest block of an arena; strings over an eighth of
// it get their own allocation.
const heavyBlock = 4 << 10

// str copies s into ar; a full-size block comes from pool where it has
// one (pool may be nil).
func (ar *arena) str(s string, pool *[][]byte) string {
	if len(s) == 0 || len(s) > heavyBlock/8 {
		return strings.Clone(s)
	}
	if len(ar.block)+len(s) > cap(ar.block) {
		ar.grow(min(max(2*cap(ar.block), 256), heavyBlock), pool)
	}
	n := len(ar.block)
	ar.block = append(ar.block, s...)
	return unsafe.String(&ar.block[n], len(s))
}

// grow starts a block of n bytes.
func (ar *arena) grow(n int, pool *[][]byte) {
	if n < heavyBlock {
		ar.block = make([]byte, 0, n)
		return
	}
	var b []byte
	var ok bool
	if pool != nil {
		b, ok = popSpare(pool)
	}
	if !ok {
		b = make([]byte, 0, heavyBlock)
	}
	ar.block = b
	ar.full = append(ar.full, ar.block)
}

// release empties ar, handing its full-size blocks to pool (nil: to the
// collector): no string of ar may be used after it.
func (ar *arena) release(pool *[][]byte) {
	if pool != nil {
		for _, b := range ar.full {
			*pool = append(*pool, b[:0])
		}
	}
	*ar = arena{}
}

// arenaBlock is a chunk arena's block; strings over an eighth of it get
// their own allocation.
const arenaBlock = 16 << 10

// chunkArena is arena's kind for one chunk's values: full-size blocks,
// each recorded so that they are handed over with the chunk and, once it
// is folded, reused for a later one.
type chunkArena struct {
	block  []byte
	blocks [][]byte // every block of the chunk, block last
}

func (ar *chunkArena) str(s string, sp *spares) string {
	if len(s) == 0 || len(s) > arenaBlock/8 {
		return strings.Clone(s)
	}
	if len(ar.block)+len(s) > cap(ar.block) {
		ar.block = sp.block()
		ar.blocks = append(ar.blocks, ar.block)
	}
	n := len(ar.block)
	ar.block = append(ar.block, s...)
	return unsafe.String(&ar.block[n], len(s))
}

func span(first, last *int64, t int64) {
	if t == 0 {
		return
	}
	if *first == 0 || t < *first {
		*first = t
	}
	if t > *last {
		*last = t
	}
}

func (a *aggregate) mapping(source, name string) policy.Mapping {
	byName, ok := a.mappings[source]
	if !ok {
		byName = map[string]policy.Mapping{}
		a.mappings[clean(source)] = byName
	}
	m, ok := byName[name]
	if !ok {
		m = policy.MapEvent(source, name)
		byName[clean(name)] = m
	}
	return m
}

func (a *aggregate) identity(name string) *idAgg {
	id, ok := a.ids[name]
	if !ok {
		id = &idAgg{
			types:    map[string]*int64{},
			actions:  map[string]*actAgg{},
			arns:     map[string]struct{}{},
			accounts: map[string]struct{}{},
			regions:  map[string]struct{}{},
			subjects: map[string]struct{}{},
			cips:     chunkVals{idx: map[string]int32{}},
			cagents:  chunkVals{idx: map[string]int32{}},
		}
		id.name = clean(name)
		a.ids[id.name] = id
	}
	return id
}

func (id *idAgg) action(name string) *actAgg {
	act, ok := id.actions[name]
	if !ok {
		act = &actAgg{eventNames: map[string]struct{}{}, errors: map[string]*int64{}, denied: map[deniedKey]*int64{}}
		id.actions[clean(name)] = act
	}
	return act
}

// s3Source is the eventSource of S3, whose data events are recorded per
// bucket.
const s3Source = "s3.amazonaws.com"

// add records one call by identity name.
func (a *aggregate) add(name, typ, subject string, r *ctjson.Record, t int64) {
	arn := r.UserIdentity.ARN
	if typ == typeAssumedRole || typ == typeFederated {
		if issuer := r.UserIdentity.SessionContext.SessionIssuer.ARN; issuer != "" {
			arn = issuer // one role ARN, not one per session
		}
	}
	if typ == typeWebIdentity || typ == typeSAMLUser {
		arn = r.RequestParameters.RoleArn
	}
	account := r.Account()
	data := r.EventCategory == "Data"
	// Error messages name sessions and resources: what the shape needs of
	// one is the denial it describes, parsed per refused record (few).
	var denial policy.Denial
	var msg authz.Message
	denied := false
	if r.ErrorCode != "" {
		denial, msg, denied = a.parseDenial(r.ErrorCode, r.ErrorMessage)
		if denied {
			denial.Cause = denialCause(denial, r)
		}
	}

	// The shape key holds every input of newShape, each prefixed with its
	// length so that no two combinations spell the same key.
	k := a.key[:0]
	for _, f := range [...]string{name, typ, subject, arn, account, r.AWSRegion,
		r.EventSource, r.EventName, r.ErrorCode, denial.Action, denial.Cause} {
		if len(f) < 0x80 {
			k = append(k, byte(len(f))) // AppendUvarint's byte, without its loop
		} else {
			k = binary.AppendUvarint(k, uint64(len(f)))
		}
		k = append(k, f...)
	}
	if denied {
		k = append(k, 1)
	}
	if data {
		k = append(k, 2)
	}
	a.key = k
	sh, ok := a.shapes[string(k)]
	if !ok {
		sh = a.newShape(name, typ, subject, arn, account, data, denied, denial, r)
		if len(a.shapes) >= maxShapes {
			clear(a.shapes)
		}
		a.shapes[string(k)] = sh
	}

	if data && r.EventSource == s3Source {
		// Not part of the shape: one map lookup per S3 data event, and a
		// bucket name stored once.
		addSet(a.dataBuckets, r.RequestParameters.BucketName)
	}

	span(&a.first, &a.last, t)
	id := sh.id
	span(&id.first, &id.last, t)
	*sh.typ++
	if id.cgen != a.gen {
		id.cgen = a.gen
		a.touched = append(a.touched, id)
	}
	a.chunkRecs++
	sh.ip.count(a.gen, &id.cips, &a.arena, &a.spare, r.SourceIPAddress)
	sh.agent.count(a.gen, &id.cagents, &a.arena, &a.spare, r.UserAgent)
	for i := range sh.acts {
		x := &sh.acts[i]
		x.act.count++
		span(&x.act.first, &x.act.last, t)
		if x.err != nil {
			*x.err++
		}
		if x.denied != nil {
			*x.denied++
		}
		if r.ErrorCode == "" {
			// Not part of the shape: ARNs name objects and vary per call.
			if len(r.Resources) == 0 {
				x.act.unlisted = true
			}
			for _, arn := range r.Resources {
				x.act.addResource(arn)
			}
		}
	}
	if denied {
		a.noteDenial(sh, r, denial, &msg)
	}
}

// newShape resolves what a record of this shape updates, adding its
// identity, action and set members on the way. Everything it does apart
// from returning counters is idempotent, so doing it once per shape
// equals doing it once per record.
func (a *aggregate) newShape(name, typ, subject, arn, account string, data, denied bool, denial policy.Denial, r *ctjson.Record) *shape {
	id := a.identity(name)
	sh := &shape{id: id}
	sh.typ = counter(id.types, typ)
	if sh.typ == nil {
		sh.typ = new(int64) // counts nothing that is written
	}
	addSet(id.arns, arn)
	addSet(id.accounts, account)
	addSet(id.regions, r.AWSRegion)
	addSet(id.subjects, subject)

	m := a.mapping(r.EventSource, r.EventName)
	if data {
		addSet(a.dataSrcs, r.EventSource)
	}
	sh.acts = sh.actsBacking[:0]
	for _, actName := range m.Actions {
		act := id.action(actName)
		act.unmapped = act.unmapped || m.Unmapped
		act.permissionless = act.permissionless || m.Permissionless
		act.data = act.data || data
		// The key is built on the stack: a map lookup of string(k)
		// allocates nothing, and most new shapes repeat a known call.
		var buf [96]byte
		k := appendEventKey(buf[:0], r.EventSource, r.EventName)
		if _, ok := act.eventNames[string(k)]; !ok {
			act.eventNames[clean(string(k))] = struct{}{}
		}
		x := shapeAct{act: act}
		if r.ErrorCode != "" {
			x.err = counter(act.errors, r.ErrorCode)
		}
		if denied {
			k := deniedKey{code: r.ErrorCode, action: denial.Action, cause: denial.Cause}
			p, ok := act.denied[k]
			if !ok {
				p = new(int64)
				act.denied[deniedKey{clean(k.code), clean(k.action), k.cause}] = p
			}
			x.denied = p
		}
		sh.acts = append(sh.acts, x)
	}
	return sh
}

// appendEventKey appends how a call is named in eventNames to b:
// "s3:HeadObject", the legacy tool's form, which says what was logged
// rather than what it needed.
func appendEventKey(b []byte, source, name string) []byte {
	prefix, _, _ := strings.Cut(source, ".")
	b = append(b, prefix...)
	b = append(b, ':')
	return append(b, name...)
}

// addLineage records that creator created created (iam:CreateUser/CreateRole).
func (a *aggregate) addLineage(creator, created string) {
	k := lineageKey{creator, created}
	if _, ok := a.lineage[k]; !ok {
		a.lineage[lineageKey{clean(creator), clean(created)}] = struct{}{}
	}
}

// merge adds b into a. It is commutative and associative.
func (a *aggregate) merge(b *aggregate) {
	span(&a.first, &a.last, b.first)
	span(&a.first, &a.last, b.last)
	a.service += b.service
	for k := range b.lineage {
		a.lineage[k] = struct{}{}
	}
	for k := range b.dataSrcs {
		a.dataSrcs[k] = struct{}{}
	}
	for k := range b.dataBuckets {
		a.dataBuckets[k] = struct{}{}
	}
	for name, bid := range b.ids {
		aid, ok := a.ids[name]
		if !ok {
			a.ids[name] = bid
			continue
		}
		mergeCounts(aid.types, bid.types)
		mergeSet(aid.arns, bid.arns)
		mergeSet(aid.accounts, bid.accounts)
		mergeSet(aid.regions, bid.regions)
		mergeSet(aid.subjects, bid.subjects)
		span(&aid.first, &aid.last, bid.first)
		span(&aid.first, &aid.last, bid.last)
		for an, bact := range bid.actions {
			aact, ok := aid.actions[an]
			if !ok {
				aid.actions[an] = bact
				continue
			}
			aact.count += bact.count
			span(&aact.first, &aact.last, bact.first)
			span(&aact.first, &aact.last, bact.last)
			mergeSet(aact.eventNames, bact.eventNames)
			mergeCounts(aact.errors, bact.errors)
			for k, n := range bact.denied {
				if p, ok := aact.denied[k]; ok {
					*p += *n
				} else {
					aact.denied[k] = n
				}
			}
			mergeDetails(aact, bact)
			aact.unmapped = aact.unmapped || bact.unmapped
			aact.permissionless = aact.permissionless || bact.permissionless
			aact.data = aact.data || bact.data
			aact.truncated = aact.truncated || bact.truncated
			aact.unlisted = aact.unlisted || bact.unlisted
			for _, arn := range bact.resources {
				aact.addResource(arn)
			}
		}
	}
}

func mergeSet(a, b map[string]struct{}) {
	for k := range b {
		a[k] = struct{}{}
	}
}

// mergeCounts adds b into a; b's counters may move into a.
func mergeCounts(a, b map[string]*int64) {
	for k, n := range b {
		if p, ok := a[k]; ok {
			*p += *n
		} else {
			a[k] = n
		}
	}
}

// counts returns the values of a counter map, nil when empty.
func counts(m map[string]*int64) map[string]int64 {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]int64, len(m))
	for k, p := range m {
		out[k] = *p
	}
	return out
}

// topN bounds sourceIPs and userAgents in events.json.
const topN = 10

// takeChunk ends the current chunk: it returns what the chunk counted of
// each identity (strings owned by the result) and starts the next.
func (a *aggregate) takeChunk() chunk {
	a.chunkRecs = 0
	if len(a.touched) == 0 {
		return chunk{}
	}
	ids := a.spare.idList(len(a.touched))
	for _, id := range a.touched {
		ids = append(ids, chunkID{name: id.name, ips: id.cips.take(), agents: id.cagents.take()})
	}
	c := chunk{ids: ids, blocks: a.arena.blocks}
	a.arena = chunkArena{}
	clear(a.touched)
	a.touched = a.touched[:0]
	if a.gen++; a.gen == 0 {
		a.gen = 1 // a lastCount's zero generation is never current
	}
	return c
}

// identities converts the aggregate into events.json entries, keeping the
// identities keep selects, with their top source IPs and user agents from
// t. Lineage is computed over every identity, as the legacy tool did, so
// created_by survives filtering out the creator.
func (a *aggregate) identities(keep func(name string) bool, t tops) map[string]*events.Identity {
	out := map[string]*events.Identity{}
	for name, id := range a.ids {
		if !keep(name) {
			continue
		}
		ident := &events.Identity{
			Provider: "AWS",
			Name:     name,
			Events:   map[string]*events.Action{},
			ARNs:     sortedSet(id.arns),
			Accounts: sortedSet(id.accounts),
			Regions:  sortedSet(id.regions),
			Subjects: sortedSet(id.subjects),
		}
		if it := t[name]; it != nil {
			ident.SourceIPs, ident.SourceIPsApproximate = it.ips.top(topN), it.ips.approx
			ident.UserAgents, ident.UserAgentsApproximate = it.agents.top(topN), it.agents.approx
		}
		ident.Type, ident.Types = primaryType(id.types)
		if id.first != 0 {
			ident.FirstSeen, ident.LastSeen = formatTime(id.first), formatTime(id.last)
		}
		for an, act := range id.actions {
			out := &events.Action{
				Count:          act.count,
				EventNames:     sortedSet(act.eventNames),
				Unmapped:       act.unmapped,
				Permissionless: act.permissionless,
				DataEvent:      act.data,
				Resources:      act.resources,
				// The ARNs kept do not cover every successful call.
				ResourcesTruncated: act.truncated || act.unlisted && len(act.resources) > 0,
			}
			if act.first != 0 {
				out.FirstSeen, out.LastSeen = formatTime(act.first), formatTime(act.last)
			}
			out.Errors = counts(act.errors)
			for k, n := range act.denied {
				d := events.Denial{ErrorCode: k.code, Action: k.action, Cause: k.cause, Count: *n}
				if det := act.details[k]; det != nil {
					d.Resources, d.EncodedMessages = det.resources, det.encoded
				}
				out.Denied = append(out.Denied, d)
			}
			sort.Slice(out.Denied, func(i, j int) bool {
				x, y := out.Denied[i], out.Denied[j]
				if x.ErrorCode != y.ErrorCode {
					return x.ErrorCode < y.ErrorCode
				}
				if x.Action != y.Action {
					return x.Action < y.Action
				}
				return x.Cause < y.Cause
			})
			ident.Events[an] = out
		}
		out[name] = ident
	}
	creators := map[string][]string{}
	for k := range a.lineage {
		if id, ok := out[k.creator]; ok {
			id.Creates = append(id.Creates, k.created)
		}
		creators[k.created] = append(creators[k.created], k.creator)
	}
	for _, id := range out {
		sort.Strings(id.Creates)
		if cs := creators[id.Name]; len(cs) > 0 {
			sort.Strings(cs)
			id.CreatedBy = cs[0]
		}
	}
	return out
}

// typeRank orders identity types when one name was seen with several: a
// role's own calls (AssumedRole) say more than the call that assumed it.
var typeRank = map[string]int{
	typeIAMUser: 0, typeAssumedRole: 1, typeFederated: 2, typeWebIdentity: 3,
	typeSAMLUser: 4, typeRoot: 5, typeAWSAccount: 6, typeAWSService: 7,
}

func primaryType(types map[string]*int64) (string, []string) {
	all := make([]string, 0, len(types))
	for t := range types {
		all = append(all, t)
	}
	sort.Slice(all, func(i, j int) bool {
		ri, oki := typeRank[all[i]]
		rj, okj := typeRank[all[j]]
		if !oki {
			ri = 100
		}
		if !okj {
			rj = 100
		}
		if ri != rj {
			return ri < rj
		}
		return all[i] < all[j]
	})
	if len(all) == 0 {
		return "", nil
	}
	if len(all) == 1 {
		return all[0], nil
	}
	sorted := append([]string(nil), all...)
	sort.Strings(sorted)
	return all[0], sorted
}

func sortedSet(m map[string]struct{}) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// maxDenialCache and maxDenialBytes bound the cache of parsed denial
// messages; past either the cache starts again. Messages name sessions
// and resources, so on a busy trail most are new: the byte bound keeps the
// cache from growing with the trail (4,096 messages of 400 bytes held
// 1.6 MB at 1M records).
const (
	maxDenialCache = 4096
	maxDenialBytes = 128 << 10
)

// parsedDenial is what policy.ParseDenialMessage says of one message.
type parsedDenial struct {
	d  policy.Denial
	m  authz.Message
	ok bool
}

// parseDenial is policy.ParseDenialMessage, cached. The message is copied
// before it is parsed, so what the cache keeps (substrings of it) never
// points into the decoder's buffer.
func (a *aggregate) parseDenial(code, message string) (policy.Denial, authz.Message, bool) {
	if !policy.IsDenied(code) {
		return policy.Denial{}, authz.Message{}, false
	}
	k := append(append(append(a.denialKey[:0], code...), 0), message...)
	a.denialKey = k
	if p, ok := a.denials[string(k)]; ok {
		return p.d, p.m, p.ok
	}
	key := string(k)
	var p parsedDenial
	p.d, p.m, p.ok = policy.ParseDenialMessage(key[:len(code)], key[len(code)+1:])
	if len(a.denials) >= maxDenialCache || a.denialBytes+len(key) > maxDenialBytes {
		clear(a.denials)
		a.denialBytes = 0
	}
	a.denials[key] = p
	a.denialBytes += len(key)
	return p.d, p.m, p.ok
}

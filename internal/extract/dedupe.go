package extract

import (
	"hash/maphash"
	"sync"
)

// eventIDSet remembers the eventIDs of the records kept, so that a record
// given twice (overlapping trees, an S3 prefix and a local copy of it,
// lookup-events output and JSON Lines of the same records) counts once. It
// keeps a 128-bit hash per ID (two independently seeded 64-bit hashes, like
// objectSet), in shards so that workers rarely wait for each other: about
// 56 bytes per kept record in Go's maps, measured at 2 million
// (docs/extract.md). Only records the filters keep are remembered. It is used only
// when more than one source is given, or with --dedupe, so that a
// single-source run keeps its bounded memory.
type eventIDSet struct {
	seeds  [2]maphash.Seed
	shards [64]struct {
		mu sync.Mutex
		m  map[[2]uint64]struct{}
	}
}

func newEventIDSet() *eventIDSet {
	s := &eventIDSet{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}}
	for i := range s.shards {
		s.shards[i].m = map[[2]uint64]struct{}{}
	}
	return s
}

// add adds id and reports whether it was new.
func (s *eventIDSet) add(id string) bool {
	k := [2]uint64{maphash.String(s.seeds[0], id), maphash.String(s.seeds[1], id)}
	sh := &s.shards[k[0]%uint64(len(s.shards))]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.m[k]; ok {
		return false
	}
	sh.m[k] = struct{}{}
	return true
}

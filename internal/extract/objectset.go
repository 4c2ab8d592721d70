package extract

import "hash/maphash"

// objectSet remembers object names by a 128-bit hash of each (two
// independently seeded 64-bit hashes), about 30 bytes an object instead of
// the name itself. Two names share a hash with a probability of about
// n²/2¹²⁹, under 10⁻²⁶ for a million objects.
type objectSet struct {
	seeds [2]maphash.Seed
	m     map[[2]uint64]struct{}
}

func newObjectSet() *objectSet {
	return &objectSet{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, m: map[[2]uint64]struct{}{}}
}

// add adds name and reports whether it was new.
func (s *objectSet) add(name string) bool {
	k := [2]uint64{maphash.String(s.seeds[0], name), maphash.String(s.seeds[1], name)}
	if _, ok := s.m[k]; ok {
		return false
	}
	s.m[k] = struct{}{}
	return true
}

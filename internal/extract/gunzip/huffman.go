package gunzip

import "math/bits"

// Decoding tables. A code is looked up by its first root bits (deflate
// sends codes starting from their most significant bit, so the table is
// indexed by the bits as they arrive, reversed); codes longer than root
// continue in a subtable indexed by the next bits.
//
// An entry is value<<16 | tag<<8 | length:
//   - length: the bits the code takes (for a subtable link: the bits that
//     index the subtable);
//   - tag: for the literal/length code tagLit, tagEOB, or the number of
//     extra bits of a length (0-5); for the distance code the number of
//     extra bits of a distance (0-13); tagSub and tagBad in both. The
//     tags are single bits above any count of extra bits, so the decoder
//     tells a literal or a link by testing one bit, and anything at or
//     above tagSub is no length or distance;
//   - value: the literal, the base length or distance, the subtable's
//     offset.
const (
	tagSub = 0x10
	tagBad = 0x20
	tagEOB = 0x40
	tagLit = 0x80

	litRoot  = 10
	distRoot = 8
	clenRoot = 7

	// Table sizes: the primary table and room for 64 (16) subtables as
	// large as the longest code can need. Every subtable of a code has
	// that size, so a code with long codes under many prefixes may not
	// fit: build then fails and klauspost decodes the object (encoders
	// seen in practice need a handful).
	litTableLen  = 1<<litRoot + 64<<(maxCodeLen-litRoot)
	distTableLen = 1<<distRoot + 16<<(maxCodeLen-distRoot)

	maxCodeLen = 15
	badEntry   = tagBad << 8
)

var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	// codeOrder is the order of the code length code's lengths.
	codeOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

func litEntry(sym int) uint32 {
	switch {
	case sym < 256:
		return uint32(sym)<<16 | tagLit<<8
	case sym == 256:
		return tagEOB << 8
	case sym < 286:
		i := sym - 257
		return uint32(lengthBase[i])<<16 | uint32(lengthExtra[i])<<8
	}
	return badEntry // 286 and 287 appear in the fixed code only
}

func distEntry(sym int) uint32 {
	if sym < 30 {
		return uint32(distBase[sym])<<16 | uint32(distExtra[sym])<<8
	}
	return badEntry
}

func clenEntry(sym int) uint32 { return uint32(sym) << 16 }

// The entries of every symbol, made once: build looks them up instead of
// calling a function per symbol (an indirect call that cost a third of
// its time).
var litEntries, distEntries, clenEntries = entries(288, litEntry), entries(32, distEntry), entries(19, clenEntry)

func entries(n int, entry func(int) uint32) []uint32 {
	t := make([]uint32, n)
	for i := range t {
		t[i] = entry(i)
	}
	return t
}

// build fills table for the code with these lengths and reports whether
// the code is one deflate accepts. Like zlib and klauspost/compress it
// takes a complete code, the code with one symbol of length 1, and the
// empty code (which fails when used); an over-subscribed or otherwise
// incomplete code is refused. Bit sequences that are no code decode to
// badEntry.
func build(table []uint32, lengths []uint8, root uint, entries []uint32) bool {
	var count [maxCodeLen + 1]int
	maxLen := 0
	for _, l := range lengths {
		if l != 0 {
			count[l]++
			maxLen = max(maxLen, int(l))
		}
	}
	if maxLen == 0 {
		fill(table[:1<<root], badEntry)
		return true
	}
	code := 0
	var next [maxCodeLen + 1]int
	for l := 1; l <= maxLen; l++ {
		code <<= 1
		next[l] = code
		code += count[l]
	}
	complete := code == 1<<maxLen
	if !complete && !(code == 1 && maxLen == 1) {
		return false
	}
	subBits := uint(0)
	if uint(maxLen) > root {
		subBits = uint(maxLen) - root
	}
	if !complete {
		fill(table[:1<<root], badEntry) // entries no code fills stay bad
	}
	var linked [1 << litRoot / 64]uint64 // primary entries that link a subtable
	subNext := 1 << root                 // where the next subtable goes
	// Codes are assigned in symbol order within a length; the table does
	// not depend on the order they are filled in.
	for sym, l := range lengths {
		if l == 0 {
			continue
		}
		c := next[l]
		next[l]++
		rev := int(bits.Reverse16(uint16(c)) >> (16 - l))
		e := entries[sym] | uint32(l)
		if uint(l) <= root {
			for i := rev; i < 1<<root; i += 1 << l {
				table[i] = e
			}
			continue
		}
		head := rev & (1<<root - 1)
		link := table[head]
		if linked[head/64]&(1<<(head%64)) == 0 {
			linked[head/64] |= 1 << (head % 64)
			// First code with this prefix: a new subtable (a complete
			// code fills all of it).
			if subNext+1<<subBits > len(table) {
				return false
			}
			link = uint32(subNext)<<16 | tagSub<<8 | uint32(subBits)
			table[head] = link
			subNext += 1 << subBits
		}
		sub := table[int(link>>16):][:1<<subBits]
		for i := rev >> root; i < 1<<subBits; i += 1 << (uint(l) - root) {
			sub[i] = e
		}
	}
	return true
}

func fill(t []uint32, v uint32) {
	for i := range t {
		t[i] = v
	}
}

// The fixed codes (RFC 1951, 3.2.6), built once.
var fixedLit, fixedDist = func() (*[litTableLen]uint32, *[distTableLen]uint32) {
	var l [288]uint8
	for i := range l {
		switch {
		case i < 144:
			l[i] = 8
		case i < 256:
			l[i] = 9
		case i < 280:
			l[i] = 7
		default:
			l[i] = 8
		}
	}
	var d [32]uint8
	for i := range d {
		d[i] = 5
	}
	lt, dt := new([litTableLen]uint32), new([distTableLen]uint32)
	if !build(lt[:], l[:], litRoot, litEntries) || !build(dt[:], d[:], distRoot, distEntries) {
		panic("gunzip: fixed codes do not build")
	}
	return lt, dt
}()

package ctjson

import (
	"encoding/binary"
	"math/bits"
)

// The fast decoder finds where strings end with bitmaps of the input, one
// bit per byte and 64 bytes per word: the double quotes that no backslash
// escapes, and the backslashes. A string's end is then the next set bit
// of the quote map (a load, a shift and a TrailingZeros64) for any string
// under 57 bytes, instead of a byte search per string that ends in a data
// dependent branch. classifyBlocks makes the raw maps (AVX-512 or AVX2 on
// amd64), escapedBytes clears the escaped quotes.
//
// Whether a quote is escaped depends only on the run of backslashes just
// before it, and a record starts with '{': so maps made from any point at
// or before a record's start, with no backslash run carried in, are right
// for every byte after that '{', which are the only ones the decoder looks
// up. The scanner therefore keeps one strIndex while its buffer does not
// change and classifies lazily, a chunk at a time, as lookups reach
// further; each byte is classified about once.

// strIndex holds the maps of src, classified from src[0] as far as words
// (a word is 64 bytes of src).
type strIndex struct {
	src []byte
	// quotes and slashes hold the maps as little-endian words, one per
	// classified block of src, then a zero word: a lookup reads the 64
	// bits from any byte of a map with one unaligned load, so a string
	// that crosses a word boundary costs no branch.
	quotes, slashes []byte
	// opens and closes, kept only when braces is set, map the bytes '{'
	// or '[' and '}' or ']' (in strings or not), laid out as quotes is.
	opens, closes []byte
	braces        bool
	words         int    // classified words
	carry         uint64 // 1 when src[64*words] follows an odd run of backslashes
	// off is the index in src of the decoder's b[0].
	off int
}

// indexChunk is how many words a lookup that runs past the classified
// part classifies at once.
const indexChunk = 64

// reset starts maps of src, classifying nothing yet.
func (x *strIndex) reset(src []byte) {
	x.src = src
	x.words = 0
	x.carry = 0
	x.off = 0
	x.quotes = append(x.quotes[:0], make([]byte, 8)...)
	x.slashes = append(x.slashes[:0], make([]byte, 8)...)
	if x.braces {
		x.opens = append(x.opens[:0], make([]byte, 8)...)
		x.closes = append(x.closes[:0], make([]byte, 8)...)
	}
}

// more classifies up to indexChunk more words. It reports false when src
// is classified to its end.
func (x *strIndex) more() bool {
	done := x.words * 64
	if done >= len(x.src) {
		return false
	}
	n := min(len(x.src)-done, indexChunk*64)
	nw := (n + 63) / 64
	w := x.words
	// The new words replace the zero word, and a zero word follows them.
	x.quotes = grow(x.quotes, 8*(w+nw+1))
	x.slashes = grow(x.slashes, 8*(w+nw+1))
	q, s := x.quotes[8*w:], x.slashes[8*w:]
	full := n / 64
	var anySlash uint64
	var o, c []byte
	if x.braces {
		x.opens = grow(x.opens, 8*(w+nw+1))
		x.closes = grow(x.closes, 8*(w+nw+1))
		o, c = x.opens[8*w:], x.closes[8*w:]
		anySlash = classifyAll(x.src[done:done+full*64], q, s, o, c)
	} else {
		anySlash = classifyBlocks(x.src[done:done+full*64], q, s)
	}
	if full < nw {
		// The tail of src, padded with zero bytes (neither quote,
		// backslash nor bracket).
		var pad [64]byte
		copy(pad[:], x.src[done+full*64:])
		if x.braces {
			anySlash |= classifyAllGeneric(pad[:], q[8*full:], s[8*full:], o[8*full:], c[8*full:])
		} else {
			anySlash |= classifyGeneric(pad[:], q[8*full:], s[8*full:])
		}
	}
	clear(q[8*nw:])
	clear(s[8*nw:])
	if x.braces {
		clear(o[8*nw:])
		clear(c[8*nw:])
	}
	x.words = w + nw
	carry := x.carry
	if anySlash|carry == 0 {
		return true // the common case: no backslash in the chunk
	}
	for k := 0; k < 8*nw; k += 8 {
		sw := binary.LittleEndian.Uint64(s[k:])
		if sw|carry == 0 {
			continue
		}
		var esc uint64
		esc, carry = escapedBytes(sw, carry)
		binary.LittleEndian.PutUint64(q[k:], binary.LittleEndian.Uint64(q[k:])&^esc)
	}
	x.carry = carry
	return true
}

// grow returns b resliced to n bytes, reallocated (contents kept) when its
// capacity is short; the bytes past the old length are not cleared.
func grow(b []byte, n int) []byte {
	if n > cap(b) {
		nb := make([]byte, n, 2*n)
		copy(nb, b)
		return nb
	}
	return b[:n]
}

const (
	evenBits = 0x5555555555555555
	byteOnes = 0x0101010101010101 // 1 in every byte
)

// escapedBytes returns the bytes of a word that a backslash escapes, given
// its backslash map s and carry (1 when the word's first byte follows an
// odd run of backslashes from before), and the carry for the next word.
//
// In a run of backslashes the 1st, 3rd, ... escape the byte after them, so
// the byte after a run is escaped when the run's length is odd. Adding 1
// at a run's first bit clears the run and sets the bit just past it; that
// bit's position has the parity of the start's when the length is even.
// Runs starting at even positions are added in one sum and those at odd
// positions in another, so every run ends up flagged at once. A run that
// continues one from the word before counts as starting at an odd
// position when the part before was odd (carry), and a run that ends on
// the word's last bit carries out of the sum of its parity: out of the odd
// sum exactly when its whole length so far is odd. carry&^s is the first
// byte escaped by such a run from the word before.
func escapedBytes(s, carry uint64) (esc, carryOut uint64) {
	starts := s &^ (s << 1)
	evenPhase := evenBits ^ carry
	fromEven := s + starts&evenPhase
	fromOdd, out := bits.Add64(s, starts&^evenPhase, 0)
	esc = (fromEven&^s)&^evenBits | (fromOdd&^s)&evenBits | carry&^s
	return esc, out
}

// classifyGeneric writes the raw maps of the whole 64-byte blocks of src
// to quotes and slashes (a little-endian word per block), eight bytes at a
// time in a register, and returns the OR of the backslash words.
func classifyGeneric(src, quotes, slashes []byte) uint64 {
	var anySlash uint64
	for k := 0; k+64 <= len(src); k += 64 {
		var q, s uint64
		for j := 0; j < 64; j += 8 {
			w := binary.LittleEndian.Uint64(src[k+j:])
			q |= zeroBytes(w^'"'*byteOnes) << j
			s |= zeroBytes(w^'\\'*byteOnes) << j
		}
		binary.LittleEndian.PutUint64(quotes[k/8:], q)
		binary.LittleEndian.PutUint64(slashes[k/8:], s)
		anySlash |= s
	}
	return anySlash
}

// classifyAllGeneric is classifyGeneric that also writes the maps of '{'
// or '[' and of '}' or ']' to opens and closes. Setting bit 5 of a byte
// maps '[' (0x5b) to '{' (0x7b) and ']' to '}', and no other byte to
// either.
func classifyAllGeneric(src, quotes, slashes, opens, closes []byte) uint64 {
	var anySlash uint64
	for k := 0; k+64 <= len(src); k += 64 {
		var q, s, o, c uint64
		for j := 0; j < 64; j += 8 {
			w := binary.LittleEndian.Uint64(src[k+j:])
			q |= zeroBytes(w^'"'*byteOnes) << j
			s |= zeroBytes(w^'\\'*byteOnes) << j
			w |= 0x20 * byteOnes
			o |= zeroBytes(w^'{'*byteOnes) << j
			c |= zeroBytes(w^'}'*byteOnes) << j
		}
		binary.LittleEndian.PutUint64(quotes[k/8:], q)
		binary.LittleEndian.PutUint64(slashes[k/8:], s)
		binary.LittleEndian.PutUint64(opens[k/8:], o)
		binary.LittleEndian.PutUint64(closes[k/8:], c)
		anySlash |= s
	}
	return anySlash
}

// zeroBytes returns one bit per byte of x, set when the byte is zero.
func zeroBytes(x uint64) uint64 {
	const low7 = 0x7f7f7f7f7f7f7f7f
	// The high bit of each byte is set when the byte is not zero: by its
	// own high bit, or by the carry of adding 0x7f to its low seven bits.
	t := ^((x&low7 + low7) | x | low7)
	// Gather the eight high bits into the top byte: byte k's bit (at 8k+7,
	// shifted to 8k) lands on bit 56+k; no two partial products meet.
	return (t >> 7) * 0x0102040810204080 >> 56
}

// quoteWindow returns the quote map from the byte p of src on, at least
// 57 bits of it, or 0 when it is not classified that far. Callers look at
// the window inline (a call per string costs much of what it saves) and
// call stringEnd when it is empty.
func (x *strIndex) quoteWindow(p int) uint64 {
	if k := p >> 3; k+8 <= len(x.quotes) {
		return binary.LittleEndian.Uint64(x.quotes[k:]) >> (p & 7)
	}
	return 0
}

// stringEnd returns the index of the quote that closes the string whose
// content starts at b[i].
func (x *strIndex) stringEnd(i int) (int, fastStatus) {
	p := x.off + i
	for {
		for w := p >> 6; w < x.words; w++ {
			m := binary.LittleEndian.Uint64(x.quotes[8*w:])
			if w == p>>6 {
				m &^= 1<<(p&63) - 1
			}
			if m != 0 {
				return w*64 + bits.TrailingZeros64(m) - x.off, fastOK
			}
		}
		p = max(p, x.words*64)
		if !x.more() {
			return 0, fastMore
		}
	}
}

// plainWindows returns quoteWindow(p) and the same window of the
// backslash map.
func (x *strIndex) plainWindows(p int) (q, s uint64) {
	if k := p >> 3; k+8 <= len(x.quotes) && k+8 <= len(x.slashes) {
		return binary.LittleEndian.Uint64(x.quotes[k:]) >> (p & 7), binary.LittleEndian.Uint64(x.slashes[k:]) >> (p & 7)
	}
	return 0, 0
}

// plainStringEnd is stringEnd for a kept string: it answers fastEscape at
// the first backslash.
func (x *strIndex) plainStringEnd(i int) (int, fastStatus) {
	p := x.off + i
	for {
		for w := p >> 6; w < x.words; w++ {
			q := binary.LittleEndian.Uint64(x.quotes[8*w:])
			s := binary.LittleEndian.Uint64(x.slashes[8*w:])
			if w == p>>6 {
				q &^= 1<<(p&63) - 1
				s &^= 1<<(p&63) - 1
			}
			if m := q | s; m != 0 {
				if m&-m&s != 0 {
					return 0, fastEscape
				}
				return w*64 + bits.TrailingZeros64(m) - x.off, fastOK
			}
		}
		p = max(p, x.words*64)
		if !x.more() {
			return 0, fastMore
		}
	}
}

// quickEnd is stringEnd when the closing quote is within the window, and
// -1 otherwise. It is small enough to inline.
func (x *strIndex) quickEnd(i int) int {
	if m := x.quoteWindow(x.off + i); m != 0 {
		return i + bits.TrailingZeros64(m)
	}
	return -1
}

// prefixXOR returns the word whose bit j is the XOR of x's bits 0 to j:
// over a quote map, the bytes inside strings (opening quotes included).
func prefixXOR(x uint64) uint64 {
	x ^= x << 1
	x ^= x << 2
	x ^= x << 4
	x ^= x << 8
	x ^= x << 16
	x ^= x << 32
	return x
}

// containerEnd returns the index after the '}' or ']' that closes the
// container opening at b[i], found on the maps (braces must be set): the
// in-string bytes of a word are the prefix XOR of its quote map, and a
// word whose closes outside strings are fewer than the depth cannot end
// the container, so it moves the depth by two popcounts. Only balance is
// checked, not grammar, nor which kind of bracket closes which. Nesting
// deeper than fastMaxDepth answers fastSlow, as the walk does.
func (x *strIndex) containerEnd(i int) (int, fastStatus) {
	p := x.off + i
	w := p >> 6
	mask := ^uint64(0) << (p & 63)
	var carry uint64 // all ones when word w starts inside a string
	depth := 0
	for {
		for w >= x.words {
			if !x.more() {
				return 0, fastMore
			}
		}
		k := 8 * w
		in := prefixXOR(binary.LittleEndian.Uint64(x.quotes[k:])&mask) ^ carry
		carry = uint64(int64(in) >> 63)
		o := binary.LittleEndian.Uint64(x.opens[k:]) & mask &^ in
		c := binary.LittleEndian.Uint64(x.closes[k:]) & mask &^ in
		if n, no := bits.OnesCount64(c), bits.OnesCount64(o); n < depth && depth+no <= fastMaxDepth {
			depth += no - n
		} else {
			for m := o | c; m != 0; m &= m - 1 {
				if o&m&-m != 0 {
					if depth++; depth > fastMaxDepth {
						return 0, fastSlow // the scanner's limit decides
					}
					continue
				}
				depth--
				if depth == 0 {
					return w*64 + bits.TrailingZeros64(m) + 1 - x.off, fastOK
				}
			}
		}
		mask = ^uint64(0)
		w++
	}
}

package gunzip

import "testing"

// longCodes returns literal/length code lengths (a complete code) with
// prefixes 10-bit prefixes that continue past the primary table, one of
// them down to 15 bits.
func longCodes(prefixes int) []uint8 {
	var l []uint8
	add := func(n, length int) {
		for range n {
			l = append(l, uint8(length))
		}
	}
	// 2*(prefixes-1) codes of 11 bits take prefixes-1 slots of 10 bits;
	// one slot holds 11, 12, 13, 14, 15, 15; the other 1024-prefixes
	// slots: 7 codes of 3 bits (896 slots) and the rest of 10 bits.
	add(2*(prefixes-1), 11)
	add(1, 11)
	add(1, 12)
	add(1, 13)
	add(1, 14)
	add(2, 15)
	add(7, 3)
	add(1024-prefixes-896, 10)
	return l
}

func TestBuild(t *testing.T) {
	for _, tc := range []struct {
		name    string
		lengths []uint8
		ok      bool
	}{
		{"fits", longCodes(60), true},
		{"as many subtables as there is room for", longCodes(64), true},
		{"more subtables than room", longCodes(65), false},
		{"over-subscribed", []uint8{1, 1, 1}, false},
		{"incomplete", []uint8{1, 2}, false},
		{"one code of one bit", []uint8{0, 1}, true},
		{"one code of two bits", []uint8{2}, false},
		{"empty", []uint8{0, 0, 0}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.lengths) > 288 {
				t.Fatalf("%d symbols", len(tc.lengths))
			}
			table := new([litTableLen]uint32)
			ok := build(table[:], tc.lengths, litRoot, entries(len(tc.lengths), clenEntry))
			if ok != tc.ok {
				t.Fatalf("build = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			// Every code decodes to its symbol; other sequences are bad.
			codes := canonical(tc.lengths)
			for sym, l := range tc.lengths {
				if l == 0 {
					continue
				}
				rev := uint64(reverse(uint16(codes[sym]), uint(l)))
				for pad := range uint64(4) { // whatever bits follow
					bits := rev | pad<<l
					e := lookup(table, bits)
					if int(e>>16) != sym || uint(e&0xff) != uint(l) || e>>8&0xff == tagBad {
						t.Fatalf("symbol %d (code %0*b): entry %#x", sym, l, codes[sym], e)
					}
				}
			}
			if tc.name == "one code of one bit" {
				if e := lookup(table, 1); e>>8&0xff != tagBad {
					t.Fatalf("the missing code decodes: %#x", e)
				}
			}
			if tc.name == "empty" {
				if e := lookup(table, 0); e>>8&0xff != tagBad {
					t.Fatalf("the empty code decodes: %#x", e)
				}
			}
		})
	}
}

func lookup(table *[litTableLen]uint32, bits uint64) uint32 {
	e := table[bits&(1<<litRoot-1)]
	if e>>8&0xff == tagSub {
		e = table[int(e>>16)+int(bits>>litRoot&(1<<(e&0xff)-1))]
	}
	return e
}

// canonical assigns codes as RFC 1951 3.2.2 does.
func canonical(lengths []uint8) []int {
	var count [16]int
	for _, l := range lengths {
		if l != 0 {
			count[l]++
		}
	}
	var next [16]int
	code := 0
	for l := 1; l < 16; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	out := make([]int, len(lengths))
	for s, l := range lengths {
		if l != 0 {
			out[s] = next[l]
			next[l]++
		}
	}
	return out
}

// bitWriter writes deflate's bit order: values from their least
// significant bit, Huffman codes from their most significant one.
type bitWriter struct {
	out  []byte
	acc  uint64
	nacc uint
}

func (b *bitWriter) bits(v uint64, n uint) {
	b.acc |= v << b.nacc
	b.nacc += n
	for b.nacc >= 8 {
		b.out = append(b.out, byte(b.acc))
		b.acc >>= 8
		b.nacc -= 8
	}
}

func (b *bitWriter) code(c int, n uint) { b.bits(uint64(reverse(uint16(c), n)), n) }

func (b *bitWriter) flush() []byte {
	if b.nacc > 0 {
		b.out = append(b.out, byte(b.acc))
	}
	return b.out
}

// emptyDynamic returns a gzip member with one final dynamic block that
// holds only its end of block, with these code lengths (0-5, 8 or 9),
// sent with a code length code of eight 3-bit codes.
func emptyDynamic(lit, dist []uint8) []byte {
	clSyms := []int{0, 1, 2, 3, 4, 5, 8, 9}
	clCode := map[uint8]int{}
	for i, s := range clSyms {
		clCode[uint8(s)] = i // canonical: in symbol order
	}
	var b bitWriter
	b.bits(1, 1) // BFINAL
	b.bits(2, 2) // dynamic
	b.bits(uint64(len(lit)-257), 5)
	b.bits(uint64(len(dist)-1), 5)
	b.bits(19-4, 4)
	for _, s := range codeOrder {
		if _, ok := clCode[s]; ok {
			b.bits(3, 3)
		} else {
			b.bits(0, 3)
		}
	}
	for _, l := range append(append([]uint8{}, lit...), dist...) {
		c, ok := clCode[l]
		if !ok {
			panic("length without a code")
		}
		b.code(c, 3)
	}
	codes := canonical(lit)
	b.code(codes[256], uint(lit[256]))
	head := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}
	return append(append(head, b.flush()...), 0, 0, 0, 0, 0, 0, 0, 0) // CRC-32 and size of nothing
}

// TestCodeCounts: a dynamic block may define at most 286 literal/length
// and 30 distance codes, even when the code is otherwise sound.
func TestCodeCounts(t *testing.T) {
	lengths := func(counts ...[2]int) []uint8 {
		var l []uint8
		for _, c := range counts {
			for range c[0] {
				l = append(l, uint8(c[1]))
			}
		}
		return l
	}
	sound := lengths([2]int{255, 8}, [2]int{2, 9}) // 257 codes
	oneDist := []uint8{1}
	z := &Reader{}
	for _, tc := range []struct {
		name      string
		lit, dist []uint8
		ok        bool
	}{
		{"257 and 1", sound, oneDist, true},
		{"286 and 30", lengths([2]int{226, 8}, [2]int{60, 9}), lengths([2]int{28, 5}, [2]int{2, 4}), true},
		{"288 literal/length codes", lengths([2]int{224, 8}, [2]int{64, 9}), oneDist, false},
		{"32 distance codes", sound, lengths([2]int{32, 5}), false},
		{"31 distance codes", sound, lengths([2]int{30, 5}, [2]int{1, 4}), false},
	} {
		data := emptyDynamic(tc.lit, tc.dist)
		w := want(data)
		if (w.err == "EOF" && w.resetErr == "") != tc.ok {
			t.Errorf("%s: klauspost says %v", tc.name, w)
		}
		check(t, z, tc.name, data)
	}
}

// reverse reverses the n low bits of c, one at a time (build uses math/bits).
func reverse(c uint16, n uint) uint16 {
	var r uint16
	for range n {
		r = r<<1 | c&1
		c >>= 1
	}
	return r
}

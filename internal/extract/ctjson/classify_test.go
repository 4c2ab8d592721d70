package ctjson

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
)

// naiveMaps returns the maps of src a byte at a time: a quote is kept
// when the run of backslashes before it (back to src[0]) has even length.
func naiveMaps(src []byte) (quotes, slashes []uint64) {
	n := (len(src) + 63) / 64
	quotes, slashes = make([]uint64, n), make([]uint64, n)
	run := 0
	for j, c := range src {
		switch c {
		case '"':
			if run%2 == 0 {
				quotes[j/64] |= 1 << (j % 64)
			}
		case '\\':
			slashes[j/64] |= 1 << (j % 64)
		}
		if c == '\\' {
			run++
		} else {
			run = 0
		}
	}
	return quotes, slashes
}

// naiveStringEnd is the first kept quote at or after p.
func naiveStringEnd(src []byte, p int) (int, fastStatus) {
	q, _ := naiveMaps(src)
	for j := p; j < len(src); j++ {
		if q[j/64]&(1<<(j%64)) != 0 {
			return j, fastOK
		}
	}
	return 0, fastMore
}

// naivePlainStringEnd stops at the first quote or backslash at or after p.
func naivePlainStringEnd(src []byte, p int) (int, fastStatus) {
	for j := p; j < len(src); j++ {
		switch src[j] {
		case '"':
			return j, fastOK
		case '\\':
			return 0, fastEscape
		}
	}
	return 0, fastMore
}

// checkClassify compares, on src, the assembly and portable block maps,
// the lazily built strIndex with naiveMaps, and every string-end lookup
// with the naive loops, at every offset of b in src.
func checkClassify(t *testing.T, src []byte) {
	t.Helper()
	full := len(src) / 64
	q2, s2 := make([]byte, 8*full), make([]byte, 8*full)
	o2, c2 := make([]byte, 8*full), make([]byte, 8*full)
	any2 := classifyGeneric(src, q2, s2)
	for l := simdNone; l <= simdBest; l++ {
		restore := useSIMD(l)
		q1, s1 := make([]byte, 8*full), make([]byte, 8*full)
		any1 := classifyBlocks(src, q1, s1)
		if !bytes.Equal(q1, q2) || !bytes.Equal(s1, s2) || any1 != any2 {
			t.Fatalf("%q: classifyBlocks (level %d) %x %x %x, classifyGeneric %x %x %x", src, l, q1, s1, any1, q2, s2, any2)
		}
		q1, s1 = make([]byte, 8*full), make([]byte, 8*full)
		o1, c1 := make([]byte, 8*full), make([]byte, 8*full)
		any1 = classifyAll(src, q1, s1, o1, c1)
		if l == simdNone {
			copy(o2, o1)
			copy(c2, c1)
		}
		if !bytes.Equal(q1, q2) || !bytes.Equal(s1, s2) || any1 != any2 || !bytes.Equal(o1, o2) || !bytes.Equal(c1, c2) {
			t.Fatalf("%q: classifyAll (level %d) %x %x %x %x %x, portable %x %x %x %x %x", src, l, q1, s1, o1, c1, any1, q2, s2, o2, c2, any2)
		}
		restore()
	}
	for j := 0; j < 64*full; j++ {
		o, c := o2[j/8]>>(j%8)&1 == 1, c2[j/8]>>(j%8)&1 == 1
		if o != (src[j] == '{' || src[j] == '[') || c != (src[j] == '}' || src[j] == ']') {
			t.Fatalf("%q byte %d: open %v close %v", src, j, o, c)
		}
	}
	var anyWant uint64
	for k := 0; k < len(s2); k += 8 {
		anyWant |= binary.LittleEndian.Uint64(s2[k:])
	}
	if any2 != anyWant {
		t.Fatalf("%q: classifyGeneric says %x of backslash words %x", src, any2, s2)
	}

	wantQ, wantS := naiveMaps(src)
	var x strIndex
	x.reset(src)
	for x.more() {
	}
	for k := range wantQ {
		q, s := binary.LittleEndian.Uint64(x.quotes[8*k:]), binary.LittleEndian.Uint64(x.slashes[8*k:])
		if q != wantQ[k] || s != wantS[k] {
			t.Fatalf("%q word %d: index %x %x, naive %x %x", src, k, q, s, wantQ[k], wantS[k])
		}
	}
	if x.words != len(wantQ) || len(x.quotes) != 8*(x.words+1) || binary.LittleEndian.Uint64(x.quotes[8*x.words:]) != 0 {
		t.Fatalf("%q: %d words, %d bytes in the map, want %d and a zero word", src, x.words, len(x.quotes), len(wantQ))
	}

	for _, off := range []int{0, 1, len(src) / 3, len(src) - 1} {
		if off < 0 || off > len(src) {
			continue
		}
		for p := off; p <= len(src); p++ {
			i := p - off
			// A fresh index per lookup: lookups must also extend it.
			x.reset(src)
			x.off = off
			want, wst := naiveStringEnd(src, p)
			got, gst := x.stringEnd(i)
			if gst != wst || (wst == fastOK && got != want-off) {
				t.Fatalf("%q: stringEnd(%d) at offset %d = %d %d, want %d %d", src, i, off, got, gst, want-off, wst)
			}
			// The window, now that stringEnd has classified this far.
			if q := x.quickEnd(i); q >= 0 && (wst != fastOK || q != want-off) {
				t.Fatalf("%q: quickEnd(%d) at offset %d = %d, want %d %d", src, i, off, q, want-off, wst)
			}
			// A kept string's content follows its opening quote, never a
			// backslash.
			if p > 0 && src[p-1] == '\\' {
				continue
			}
			x.reset(src)
			x.off = off
			got, gst = x.plainStringEnd(i)
			want, wst = naivePlainStringEnd(src, p)
			if gst != wst || (wst == fastOK && got != want-off) {
				t.Fatalf("%q: plainStringEnd(%d) at offset %d = %d %d, want %d %d", src, i, off, got, gst, want-off, wst)
			}
			if q, e := x.plainWindows(p); q|e != 0 {
				m := q | e
				if escape := m&-m&e != 0; escape != (wst == fastEscape) || (!escape && (wst != fastOK || i+bits.TrailingZeros64(m) != want-off)) {
					t.Fatalf("%q: plainWindows(%d) at offset %d = %x %x, want %d %d", src, p, off, q, e, want-off, wst)
				}
			}
		}
	}
}

func TestClassify(t *testing.T) {
	long := strings.Repeat("x", 130)
	cases := []string{
		"",
		`"`,
		`\"`,
		`\\"`,
		`{"a":"b","c\"d":"e\\","f":"\\\""}`,
		strings.Repeat(`\`, 63) + `"`, // an odd run ending at a word's last byte
		strings.Repeat(`\`, 64) + `"`,
		strings.Repeat(`\`, 65) + `"`,
		strings.Repeat(`\`, 129) + `"x"`,
		strings.Repeat(`a`, 63) + `\"` + long + `"`,
		strings.Repeat(`a`, 62) + `\\"` + long,
		strings.Repeat(`a`, 61) + `\\\` + `"` + long + `"`,
		`{"k":"` + long + `\n` + long + `"}`,
		strings.Repeat(`"ab\"cd\\\\"`, 40),
		strings.Repeat("\x00\xff\"\\\xa2\xdc", 50),
	}
	for _, c := range cases {
		// Every alignment of the data in memory, and every tail length.
		buf := make([]byte, 64+len(c))
		for a := range 64 {
			src := buf[a : a+len(c)]
			copy(src, c)
			checkClassify(t, src)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("\"\\\\\\a{}:,\x00\xa2")
	for range 300 {
		src := make([]byte, rng.IntN(300))
		for j := range src {
			src[j] = alphabet[rng.IntN(len(alphabet))]
		}
		checkClassify(t, src)
	}
}

// TestEscapedBytes checks the word-at-a-time escape rule against a byte
// loop on words whose runs cross into the next word.
func TestEscapedBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		var src [192]byte
		for j := range src {
			if rng.IntN(3) == 0 {
				src[j] = 'a'
			} else {
				src[j] = '\\'
			}
		}
		var carry uint64
		run := 0
		for k := range 3 {
			var s uint64
			for j := range 64 {
				if src[64*k+j] == '\\' {
					s |= 1 << j
				}
			}
			var want uint64
			for j := range 64 {
				if run%2 == 1 {
					want |= 1 << j
				}
				if src[64*k+j] == '\\' {
					run++
				} else {
					run = 0
				}
			}
			var esc uint64
			esc, carry = escapedBytes(s, carry)
			// Only the escape of a non-backslash byte matters (a quote).
			if esc&^s != want&^s {
				t.Fatalf("%q word %d: escaped %064b, want %064b", src, k, esc&^s, want&^s)
			}
			if wantCarry := uint64(run % 2); carry != wantCarry {
				t.Fatalf("%q word %d: carry %d, want %d", src, k, carry, wantCarry)
			}
		}
	}
}

// FuzzClassify checks the maps and the lookups on arbitrary input at
// every alignment in memory.
func FuzzClassify(f *testing.F) {
	f.Add([]byte(`{"a":"b\"","c":"\\"}`), uint8(0))
	f.Add(bytes.Repeat([]byte(`\`), 200), uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, align uint8) {
		if len(data) > 1024 {
			return
		}
		a := int(align % 64)
		buf := make([]byte, a+len(data))
		src := buf[a:]
		copy(src, data)
		checkClassify(t, src)
	})
}

// TestContainerEnd compares containerEnd with skipValue on valid values
// (strings holding brackets, quotes and backslashes), with every
// classifier of the machine.
func TestContainerEnd(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var gen func(depth int) string
	gen = func(depth int) string {
		switch n := rng.IntN(6); {
		case depth > 5 || n == 0:
			return `"` + strings.Repeat([]string{`}`, `]`, `\"`, `\\`, `{[`, "abc"}[rng.IntN(6)], rng.IntN(40)) + `"`
		case n == 1:
			return "12"
		case n < 4:
			var parts []string
			for range rng.IntN(5) {
				parts = append(parts, gen(depth+1))
			}
			return "[" + strings.Join(parts, ",") + "]"
		default:
			var parts []string
			for k := range rng.IntN(5) {
				parts = append(parts, fmt.Sprintf(`"k%d}":`, k)+gen(depth+1))
			}
			return "{" + strings.Join(parts, ",") + "}"
		}
	}
	for l := simdNone; l <= simdBest; l++ {
		restore := useSIMD(l)
		for range 2000 {
			v := gen(0)
			if v[0] != '{' && v[0] != '[' {
				continue
			}
			pre := strings.Repeat(" ", rng.IntN(130))
			src := []byte(pre + v + `,"x"`)
			var want, got strIndex
			want.reset(src)
			got.braces = true
			got.reset(src)
			we, wst := skipValue(src, len(pre), &want)
			ge, gst := got.containerEnd(len(pre))
			if we != ge || wst != gst {
				t.Fatalf("level %d %q: containerEnd %d %d, skipValue %d %d", l, src, ge, gst, we, wst)
			}
		}
		restore()
	}
}

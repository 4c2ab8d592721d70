package gunzip

import (
	"bytes"
	stdgzip "compress/gzip"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// result is what a reader delivered and how it ended.
type result struct {
	resetErr string
	out      []byte
	err      string
}

func (r result) String() string {
	return fmt.Sprintf("reset %q, %d bytes, then %q", r.resetErr, len(r.out), r.err)
}

var drainBuf [1 << 20]byte

// scaled is n, or a quarter of it under -race.
func scaled(n int) int {
	if raceOn {
		return max(1, n/4)
	}
	return n
}

// drain reads r in pieces of the given sizes (cycled) until an error.
func drain(r io.Reader, sizes []int) ([]byte, string) {
	var out []byte
	buf := drainBuf[:]
	for i := 0; ; i++ {
		n, err := r.Read(buf[:sizes[i%len(sizes)]])
		out = append(out, buf[:n]...)
		if err != nil {
			return out, err.Error()
		}
		if i > 1<<22 {
			return out, "no progress"
		}
	}
}

func want(data []byte) result {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return result{resetErr: err.Error()}
	}
	out, e := drain(zr, []int{1 << 20})
	return result{out: out, err: e}
}

func got(z *Reader, src io.Reader, sizes []int) result {
	if err := z.Reset(src); err != nil {
		return result{resetErr: err.Error()}
	}
	out, e := drain(z, sizes)
	return result{out: out, err: e}
}

func same(a, b result) bool {
	return a.resetErr == b.resetErr && a.err == b.err && bytes.Equal(a.out, b.out)
}

// check compares z with klauspost on data, read in several ways.
func check(t *testing.T, z *Reader, name string, data []byte) {
	t.Helper()
	w := want(data)
	for _, sizes := range [][]int{{1 << 20}, {32 << 10}, {1, 7, 4096, 100000}} {
		if g := got(z, bytes.NewReader(data), sizes); !same(g, w) {
			t.Fatalf("%s (reads of %v): got %v, klauspost %v (first difference at %d)", name, sizes, g, w, firstDiff(g.out, w.out))
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// corpus returns plain texts of the kinds deflate treats differently.
func corpus(rng *rand.Rand) map[string][]byte {
	records := &bytes.Buffer{}
	records.WriteString(`{"Records":[`)
	for i := range 3000 {
		if i > 0 {
			records.WriteByte(',')
		}
		fmt.Fprintf(records, `{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::123456789012:assumed-role/ci-op-%04x-role/%d"},"eventTime":"2026-03-10T06:%02d:%02dZ","eventSource":"ec2.amazonaws.com","eventName":"Describe%s","sourceIPAddress":"10.%d.%d.%d"}`,
			rng.IntN(1<<16), rng.Uint64(), i%60, rng.IntN(60), []string{"Instances", "Volumes", "Tags"}[rng.IntN(3)], rng.IntN(256), rng.IntN(256), rng.IntN(256))
	}
	records.WriteString(`]}`)
	random := make([]byte, 200000)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	runs := bytes.Repeat([]byte("a"), 300000)
	short := make([]byte, 100000) // short distances and small alphabets
	for i := range short {
		short[i] = "abc"[rng.IntN(3)]
	}
	return map[string][]byte{"records": records.Bytes(), "random": random, "runs": runs, "short": short, "empty": nil, "one": []byte("x")}
}

func compress(t testing.TB, plain []byte, how string) []byte {
	var b bytes.Buffer
	switch how {
	case "std-1", "std-6", "std-9", "std-huff", "std-0":
		level := map[string]int{"std-1": 1, "std-6": 6, "std-9": 9, "std-huff": stdgzip.HuffmanOnly, "std-0": 0}[how]
		w, err := stdgzip.NewWriterLevel(&b, level)
		if err != nil {
			t.Fatal(err)
		}
		w.Name, w.Comment, w.Extra = "trail.json", "from a test", []byte{1, 2, 3, 4}
		w.Write(plain)
		w.Close()
	default:
		level := map[string]int{"kp-1": 1, "kp-5": 5, "kp-9": 9, "kp-huff": gzip.HuffmanOnly, "kp-0": 0, "kp-stateless": gzip.StatelessCompression}[how]
		w, err := gzip.NewWriterLevel(&b, level)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(plain)
		w.Close()
	}
	return b.Bytes()
}

var methods = []string{"std-0", "std-1", "std-6", "std-9", "std-huff", "kp-0", "kp-1", "kp-5", "kp-9", "kp-huff", "kp-stateless"}

// eachCompressed calls f with every text of the corpus compressed by
// every method, in name order, so that a test drawing from rng draws the
// same cuts and flips on every run.
func eachCompressed(t *testing.T, rng *rand.Rand, f func(name, method string, plain, data []byte)) {
	c := corpus(rng)
	for _, name := range slices.Sorted(maps.Keys(c)) {
		for _, m := range methods {
			f(name+"/"+m, m, c[name], compress(t, c[name], m))
		}
	}
}

func TestMatchesKlauspost(t *testing.T) {
	z := &Reader{}
	eachCompressed(t, rand.New(rand.NewPCG(1, 2)), func(name, m string, plain, data []byte) {
		check(t, z, name, data)
		// Two members, and a member after a truncated one.
		check(t, z, name+"/two members", append(append([]byte{}, data...), compress(t, plain[:len(plain)/2], m)...))
		check(t, z, name+"/trailing zeros", append(append([]byte{}, data...), 0, 0, 0, 0))
		check(t, z, name+"/trailing byte", append(append([]byte{}, data...), 0x1f))
	})
}

func TestCorruptMatchesKlauspost(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	z := &Reader{}
	eachCompressed(t, rng, func(name, _ string, _, data []byte) {
		for range scaled(16) {
			// Truncated anywhere.
			check(t, z, name+"/truncated", data[:rng.IntN(len(data)+1)])
			// A flipped bit anywhere (header, blocks, trailer).
			c := append([]byte{}, data...)
			i := rng.IntN(len(c))
			c[i] ^= 1 << rng.IntN(8)
			check(t, z, fmt.Sprintf("%s/bit %d", name, i), c)
		}
	})
}

func TestHeaders(t *testing.T) {
	z := &Reader{}
	body := compress(t, []byte(`{"Records":[]}`), "kp-5")[10:] // deflate data and trailer
	for _, tc := range []struct {
		name string
		head []byte
	}{
		{"plain", []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}},
		{"name", append([]byte{0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3}, "a.json\x00"...)},
		{"long name", append(append([]byte{0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3}, bytes.Repeat([]byte("n"), 511)...), 0)},
		{"too long name", append(append([]byte{0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3}, bytes.Repeat([]byte("n"), 512)...), 0)},
		{"name without end", []byte{0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3, 'a'}},
		{"extra", []byte{0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3, 2, 0, 'x', 'y'}},
		{"extra too long", []byte{0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3, 200, 0, 'x', 'y'}},
		{"comment", append([]byte{0x1f, 0x8b, 8, 16, 0, 0, 0, 0, 0, 3}, "c\x00"...)},
		{"header crc", []byte{0x1f, 0x8b, 8, 2, 0, 0, 0, 0, 0, 3, 0, 0}},
		{"reserved flag", []byte{0x1f, 0x8b, 8, 0x20, 0, 0, 0, 0, 0, 3}},
		{"not deflate", []byte{0x1f, 0x8b, 7, 0, 0, 0, 0, 0, 0, 3}},
		{"short", []byte{0x1f, 0x8b, 8}},
	} {
		check(t, z, tc.name, append(append([]byte{}, tc.head...), body...))
	}
	check(t, z, "nothing", nil)
}

func TestLargeAndFailingSources(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	plain := make([]byte, MaxInMemory+(1<<20))
	for i := range plain {
		plain[i] = byte(rng.Uint32())
	}
	data := compress(t, plain, "kp-1")
	if len(data) <= MaxInMemory {
		t.Fatalf("test object of %d bytes is not larger than MaxInMemory", len(data))
	}
	z := &Reader{}
	check(t, z, "larger than MaxInMemory", data)

	small := compress(t, corpus(rng)["records"], "kp-5")
	readErr := errors.New("connection reset")
	src := io.MultiReader(bytes.NewReader(small[:len(small)/2]), errReader{readErr})
	ref, err := gzip.NewReader(io.MultiReader(bytes.NewReader(small[:len(small)/2]), errReader{readErr}))
	if err != nil {
		t.Fatal(err)
	}
	wout, werr := drain(ref, []int{1 << 20})
	g := got(z, src, []int{4096})
	if w := (result{out: wout, err: werr}); !same(g, w) {
		t.Fatalf("read error: got %v, klauspost %v", g, w)
	}
	if werr != readErr.Error() {
		t.Fatalf("the read error is lost: %q", werr)
	}
}

// TestFastPathTaken guards the point of the package: valid objects are
// decoded here, not handed over.
func TestFastPathTaken(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	z := &Reader{}
	for _, m := range methods {
		data := compress(t, corpus(rng)["records"], m)
		if err := z.Reset(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, z); err != nil {
			t.Fatal(err)
		}
		if z.handedOver() {
			t.Errorf("%s: a valid object went to klauspost", m)
		}
	}
}

func FuzzMatchesKlauspost(f *testing.F) {
	rng := rand.New(rand.NewPCG(9, 10))
	c := corpus(rng)
	for _, m := range methods {
		f.Add(compress(f, c["records"][:4000], m))
		f.Add(compress(f, c["short"][:3000], m))
	}
	f.Add(compress(f, nil, "kp-5"))
	z := &Reader{}
	f.Fuzz(func(t *testing.T, data []byte) {
		w := want(data)
		if g := got(z, bytes.NewReader(data), []int{1 << 20}); !same(g, w) {
			t.Fatalf("got %v, klauspost %v (first difference at %d)", g, w, firstDiff(g.out, w.out))
		}
	})
}

func BenchmarkInflate(b *testing.B) {
	rng := rand.New(rand.NewPCG(11, 12))
	plain := corpus(rng)["records"]
	data := compress(b, plain, "kp-5")
	buf := make([]byte, 64<<10)
	b.Run("gunzip", func(b *testing.B) {
		z := &Reader{}
		b.SetBytes(int64(len(plain)))
		for b.Loop() {
			z.Reset(bytes.NewReader(data))
			io.CopyBuffer(io.Discard, struct{ io.Reader }{z}, buf)
		}
	})
	b.Run("klauspost", func(b *testing.B) {
		zr, _ := gzip.NewReader(bytes.NewReader(data))
		b.SetBytes(int64(len(plain)))
		for b.Loop() {
			zr.Reset(bytes.NewReader(data))
			io.CopyBuffer(io.Discard, struct{ io.Reader }{zr}, buf)
		}
	})
}

// TestTruncatedEverywhere cuts objects that span several output steps at
// many offsets: what was delivered before the error must be klauspost's,
// which stops up to two bytes before an exact decoder would.
func TestTruncatedEverywhere(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	c := corpus(rng)
	z := &Reader{}
	for _, tc := range []struct {
		name, plain, method string
		every               int
	}{
		{"runs", "runs", "std-6", 3},
		{"runs", "runs", "kp-5", 5},
		{"short", "short", "kp-9", 7},
		{"records", "records", "kp-5", 251},
		{"records", "records", "std-6", 257},
		{"random", "random", "kp-1", 997},
	} {
		data := compress(t, c[tc.plain], tc.method)
		every := tc.every * (16 / scaled(16))
		for cut := 0; cut <= len(data); cut++ {
			if cut%every != 0 && cut < len(data)-64 {
				continue
			}
			check(t, z, fmt.Sprintf("%s/%s cut at %d of %d", tc.name, tc.method, cut, len(data)), data[:cut])
		}
	}
}

// FuzzLargeCorrupt cuts and flips bits, where the fuzzer says, in objects
// that span several output steps (made once: compressing in every run
// would be most of its time).
func FuzzLargeCorrupt(f *testing.F) {
	rng := rand.New(rand.NewPCG(15, 16))
	c := corpus(rng)
	var objs [][]byte
	for _, o := range []struct{ plain, method string }{
		{"records", "kp-5"}, {"records", "std-6"}, {"records", "kp-huff"}, {"short", "std-9"}, {"runs", "kp-1"}, {"random", "std-0"},
	} {
		p := c[o.plain]
		objs = append(objs, compress(f, p[:min(len(p), 250000)], o.method))
	}
	f.Add(uint8(0), uint32(0), uint32(0), uint32(0))
	f.Add(uint8(1), uint32(1000), uint32(5000), uint32(0))
	f.Add(uint8(2), uint32(0), uint32(123456), uint32(98765))
	f.Add(uint8(4), uint32(9), uint32(0), uint32(0))
	z := &Reader{}
	f.Fuzz(func(t *testing.T, which uint8, cut, flip1, flip2 uint32) {
		data := append([]byte{}, objs[int(which)%len(objs)]...)
		data = data[:len(data)-int(cut%uint32(len(data)+1))]
		for _, fl := range []uint32{flip1, flip2} {
			if fl != 0 && len(data) > 0 {
				data[int(fl>>3)%len(data)] ^= 1 << (fl & 7)
			}
		}
		w := want(data)
		if g := got(z, bytes.NewReader(data), []int{1 << 20}); !same(g, w) {
			t.Fatalf("got %v, klauspost %v (first difference at %d)", g, w, firstDiff(g.out, w.out))
		}
	})
}

// TestReusedAfterFailure: what an object decodes to must not depend on
// the object read before it (testdata/history/README.md).
func TestReusedAfterFailure(t *testing.T) {
	first, err := os.ReadFile("testdata/history/failed-first.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	second, err := os.ReadFile("testdata/history/corrupt-distance.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	z := &Reader{}
	if g, w := got(z, bytes.NewReader(first), []int{1 << 20}), want(first); !same(g, w) {
		t.Fatalf("first object: got %v, klauspost %v", g, w)
	}
	g, w := got(z, bytes.NewReader(second), []int{1 << 20}), want(second)
	if !same(g, w) || !strings.Contains(g.err, "corrupt input") {
		t.Fatalf("second object after the first: got %v, a new klauspost reader %v", g, w)
	}
}

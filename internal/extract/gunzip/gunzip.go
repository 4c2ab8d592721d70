// Package gunzip reads gzip streams (RFC 1952) as klauspost/compress/gzip
// does, byte for byte and error for error, about 1.8 times as fast.
//
// An object of at most MaxInMemory compressed bytes is read whole and
// inflated here: the bit buffer is refilled 64 bits at a time from memory
// instead of a byte at a time through io.ByteReader, and output goes to a
// flat buffer instead of a ring. Anything this decoder does not take
// (corrupt or truncated data, a bad checksum, an FHCRC header, a larger
// object, a read error) hands the object over to klauspost/compress,
// which reads it again from the start, skips what was already delivered
// and carries on, so that errors and what was delivered before them stay
// exactly klauspost's. Output is delivered only once the input that
// produced it has been decoded without error.
package gunzip

import (
	"bytes"
	"hash/crc32"
	"io"
	"slices"

	"github.com/klauspost/compress/gzip"
)

const (
	// MaxInMemory is the largest compressed object decoded here.
	MaxInMemory = 8 << 20
	// keepIn is the largest input buffer kept for the next object.
	keepIn = 1 << 20

	inPad   = 8
	histLen = 32 << 10
	outLen  = 96 << 10
	outSafe = outLen - 258 - 16 // a match may start at or below this: the fast loop writes up to maxMatchCopy bytes from it
)

// Reader is a gzip reader. The zero value is ready for Reset.
type Reader struct {
	in []byte // the object, then inPad zero bytes
	n  int    // the object's length

	bits  uint64
	nb    uint
	pos   int
	state int
	final bool

	stored  int // bytes of the stored block still to copy
	lit     *[litTableLen]uint32
	dist    *[distTableLen]uint32
	dynLit  *[litTableLen]uint32
	dynDist *[distTableLen]uint32
	lens    [286 + 30]uint8

	out     []byte
	r       int // out[r:ready] is decoded, checked and not yet read
	ready   int
	w       int // out[ready:w] is decoded in the current step
	hist    int // back references reach down to out[hist]: the member's start
	crcFrom int // out[crcFrom:w] is not in crc yet
	crc     uint32
	size    uint32

	delivered int64
	fb        *gzip.Reader // set when klauspost reads the object
	fbErr     error        // or why it could not
}

// Reset reads src to its end (up to MaxInMemory bytes) and the gzip
// header, returning klauspost's error for a bad header.
func (z *Reader) Reset(src io.Reader) error {
	z.fb, z.fbErr, z.delivered = nil, nil, 0
	if cap(z.in) > keepIn || z.in == nil {
		z.in = make([]byte, 0, 128<<10)
	}
	in, rerr := readUpTo(z.in[:0], src, MaxInMemory)
	z.in = in
	if rerr != nil || len(in) > MaxInMemory {
		// Too large, or the read failed: klauspost streams what was read
		// and then the rest, or the error, as it would have.
		var rest io.Reader = errReader{rerr}
		if rerr == nil {
			rest = src
		}
		return z.fallback(io.MultiReader(bytes.NewReader(in), rest), 0)
	}
	z.n = len(in)
	z.in = slices.Grow(in, inPad)[:z.n+inPad]
	clear(z.in[z.n:])
	z.bits, z.nb, z.pos = 0, 0, 0
	if z.out == nil {
		z.out = make([]byte, outLen)
	}
	z.r, z.ready, z.w, z.hist, z.crcFrom = 0, 0, 0, 0, 0
	if !z.member() {
		return z.fallback(bytes.NewReader(z.in[:z.n]), 0)
	}
	return nil
}

// member reads a member's header at pos and starts its first block.
func (z *Reader) member() bool {
	b := z.in[z.pos:z.n]
	if len(b) < 10 || b[0] != 0x1f || b[1] != 0x8b || b[2] != 8 || b[3]&0xe2 != 0 {
		return false // FHCRC and reserved flags: klauspost's to judge
	}
	flg, p := b[3], 10
	if flg&4 != 0 { // FEXTRA
		if p+2 > len(b) {
			return false
		}
		p += 2 + (int(b[p]) | int(b[p+1])<<8)
		if p > len(b) {
			return false
		}
	}
	for _, f := range []byte{8, 16} { // FNAME, FCOMMENT
		if flg&f == 0 {
			continue
		}
		i := bytes.IndexByte(b[p:min(len(b), p+512)], 0)
		if i < 0 {
			return false
		}
		p += i + 1
	}
	z.pos += p
	z.state, z.crc, z.size, z.hist = stBlock, 0, 0, z.w
	return true
}

// Read reads decompressed bytes.
func (z *Reader) Read(p []byte) (int, error) {
	if z.handedOver() {
		if z.fbErr != nil {
			return 0, z.fbErr
		}
		return z.fb.Read(p)
	}
	for z.r == z.ready {
		if z.state == stDone {
			return 0, io.EOF
		}
		if err := z.step(); err != nil {
			if err := z.fallback(bytes.NewReader(z.in[:z.n]), z.delivered); err != nil {
				return 0, err
			}
			return z.fb.Read(p)
		}
	}
	n := copy(p, z.out[z.r:z.ready])
	z.r += n
	z.delivered += int64(n)
	return n, nil
}

// step decodes until the output buffer is full or the stream ends, and
// makes what it decoded readable.
func (z *Reader) step() error {
	if z.w > outSafe {
		keep := max(0, z.w-histLen)
		copy(z.out, z.out[keep:z.w])
		z.w -= keep
		z.hist = max(0, z.hist-keep)
		z.r, z.ready, z.crcFrom = z.w, z.w, z.w
	}
	for z.w <= outSafe && z.state != stDone {
		var err error
		switch z.state {
		case stBlock:
			err = z.blockHeader()
		case stStored:
			err = z.copyStored(outSafe + 1)
		case stHuff:
			err = z.huff(outSafe)
		case stTrailer:
			err = z.trailer()
		}
		if err != nil {
			return err
		}
	}
	if z.state != stDone {
		// klauspost reads up to two bytes past a code before it decodes
		// it, and fails where a truncated stream lacks them: output is
		// not made readable here while the input left after what was
		// decoded is shorter than a trailer, which a good stream always
		// has. Otherwise klauspost decides.
		if used := (z.pos*8 - int(z.nb) + 7) / 8; used+8 > z.n {
			return errCorrupt
		}
	}
	z.sum()
	z.ready = z.w
	return nil
}

func (z *Reader) sum() {
	z.crc = crc32.Update(z.crc, crc32.IEEETable, z.out[z.crcFrom:z.w])
	z.size += uint32(z.w - z.crcFrom)
	z.crcFrom = z.w
}

// trailer checks a member's CRC-32 and size and starts the next member,
// if any.
func (z *Reader) trailer() error {
	z.align()
	if z.pos+8 > z.n {
		return errCorrupt
	}
	z.sum()
	t := z.in[z.pos:]
	crc := uint32(t[0]) | uint32(t[1])<<8 | uint32(t[2])<<16 | uint32(t[3])<<24
	size := uint32(t[4]) | uint32(t[5])<<8 | uint32(t[6])<<16 | uint32(t[7])<<24
	if crc != z.crc || size != z.size {
		return errCorrupt
	}
	z.pos += 8
	if z.pos == z.n {
		z.state = stDone
		return nil
	}
	if !z.member() {
		return errCorrupt
	}
	return nil
}

// fallback hands the object to klauspost, skipping the first skip bytes
// of its output. The reader is a new one each time: a klauspost reader
// reused through Reset after an object that failed can decode a corrupt
// stream against the earlier object's history and call it good (seen
// with v1.20.3; TestCorruptMatchesKlauspost found it).
func (z *Reader) fallback(src io.Reader, skip int64) error {
	var err error
	z.fb, err = gzip.NewReader(src)
	if err != nil {
		z.fbErr = err
		return err
	}
	if skip > 0 {
		if _, err := io.CopyN(io.Discard, z.fb, skip); err != nil {
			z.fbErr = err // cannot happen when this decoder is right
			return err
		}
	}
	return nil
}

// handedOver reports whether klauspost reads the current object.
func (z *Reader) handedOver() bool { return z.fb != nil || z.fbErr != nil }

// readUpTo appends src to buf until EOF or more than limit bytes.
func readUpTo(buf []byte, src io.Reader, limit int) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		room := buf[len(buf):min(cap(buf), limit+1)]
		n, err := src.Read(room)
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if len(buf) > limit {
			return buf, nil
		}
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

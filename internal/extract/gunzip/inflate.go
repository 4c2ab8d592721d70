package gunzip

import (
	"encoding/binary"
	"errors"
	"unsafe"
)

// maxMatchCopy is the most a match copy of the fast loop writes: 258
// bytes rounded up to whole 16-byte words.
const maxMatchCopy = 272

// errCorrupt stops the fast path; klauspost/compress then reads the
// object and says what is wrong with it.
var errCorrupt = errors.New("gunzip: not decoded here")

// Inflate states.
const (
	stBlock   = iota // a block header comes next
	stStored         // copying a stored block
	stHuff           // decoding a Huffman block
	stTrailer        // the member's last block ended
	stDone           // the stream ended cleanly
)

// refill tops the bit buffer up to at least 56 bits, or with whatever
// input is left. Bits above nb are either zero or the input's next bits,
// so or-ing the same bytes again is harmless.
func (z *Reader) refill() {
	if z.pos+8 <= z.n {
		z.bits |= binary.LittleEndian.Uint64(z.in[z.pos:]) << z.nb
		z.pos += int(63-z.nb) >> 3
		z.nb |= 56
		return
	}
	for z.nb <= 56 && z.pos < z.n {
		z.bits |= uint64(z.in[z.pos]) << z.nb
		z.pos++
		z.nb += 8
	}
}

// take returns the next k (at most 32) bits.
func (z *Reader) take(k uint) (uint32, bool) {
	if z.nb < k {
		z.refill()
		if z.nb < k {
			return 0, false
		}
	}
	v := uint32(z.bits & (1<<k - 1))
	z.bits >>= k
	z.nb -= k
	return v, true
}

// align drops the bits left of the current byte and returns the bit
// buffer's whole bytes to the input.
func (z *Reader) align() {
	z.nb -= z.nb & 7
	z.pos -= int(z.nb >> 3)
	z.bits, z.nb = 0, 0
}

func (z *Reader) blockHeader() error {
	h, ok := z.take(3)
	if !ok {
		return errCorrupt
	}
	z.final = h&1 != 0
	switch h >> 1 {
	case 0:
		z.align()
		if z.pos+4 > z.n {
			return errCorrupt
		}
		l := binary.LittleEndian.Uint16(z.in[z.pos:])
		if binary.LittleEndian.Uint16(z.in[z.pos+2:]) != ^l {
			return errCorrupt
		}
		z.pos += 4
		z.stored = int(l)
		z.state = stStored
	case 1:
		z.lit, z.dist = fixedLit, fixedDist
		z.state = stHuff
	case 2:
		if err := z.dynamic(); err != nil {
			return err
		}
		z.lit, z.dist = z.dynLit, z.dynDist
		z.state = stHuff
	default:
		return errCorrupt
	}
	return nil
}

// dynamic reads the code lengths of a dynamic block and builds its tables.
func (z *Reader) dynamic() error {
	h, ok := z.take(14)
	if !ok {
		return errCorrupt
	}
	nlit, ndist, nclen := int(h&31)+257, int(h>>5&31)+1, int(h>>10)+4
	if nlit > 286 || ndist > 30 {
		return errCorrupt
	}
	var cl [19]uint8
	for i := range nclen {
		v, ok := z.take(3)
		if !ok {
			return errCorrupt
		}
		cl[codeOrder[i]] = uint8(v)
	}
	var ct [1 << clenRoot]uint32
	if !build(ct[:], cl[:], clenRoot, clenEntries) {
		return errCorrupt
	}
	lens := z.lens[:nlit+ndist]
	for i := 0; i < len(lens); {
		if z.nb < 16 {
			z.refill()
		}
		e := ct[z.bits&(1<<clenRoot-1)]
		l := uint(e & 0xff)
		if e>>8&0xff == tagBad || l > z.nb {
			return errCorrupt
		}
		z.bits >>= l
		z.nb -= l
		sym := e >> 16
		if sym < 16 {
			lens[i] = uint8(sym)
			i++
			continue
		}
		var rep int
		var v uint8
		switch sym {
		case 16:
			if i == 0 {
				return errCorrupt
			}
			x, ok := z.take(2)
			if !ok {
				return errCorrupt
			}
			rep, v = 3+int(x), lens[i-1]
		case 17:
			x, ok := z.take(3)
			if !ok {
				return errCorrupt
			}
			rep = 3 + int(x)
		default:
			x, ok := z.take(7)
			if !ok {
				return errCorrupt
			}
			rep = 11 + int(x)
		}
		if i+rep > len(lens) {
			return errCorrupt
		}
		for range rep {
			lens[i] = v
			i++
		}
	}
	if z.dynLit == nil {
		z.dynLit, z.dynDist = new([litTableLen]uint32), new([distTableLen]uint32)
	}
	if !build(z.dynLit[:], lens[:nlit], litRoot, litEntries) || !build(z.dynDist[:], lens[nlit:], distRoot, distEntries) {
		return errCorrupt
	}
	return nil
}

// copyStored copies what it can of a stored block below limit.
func (z *Reader) copyStored(limit int) error {
	k := min(z.stored, limit-z.w)
	if z.pos+k > z.n {
		return errCorrupt
	}
	copy(z.out[z.w:], z.in[z.pos:z.pos+k])
	z.w += k
	z.pos += k
	z.stored -= k
	if z.stored == 0 {
		z.endBlock()
	}
	return nil
}

func (z *Reader) endBlock() {
	if z.final {
		z.state = stTrailer
	} else {
		z.state = stBlock
	}
}

// huff decodes the current Huffman block until it ends or the output
// reaches limit. It is the hot loop: the state lives in locals.
func (z *Reader) huff(limit int) error {
	bits, nb, pos, w := z.bits, z.nb, z.pos, z.w
	in, n, out, hist := z.in, z.n, z.out, z.hist
	lit, dist := z.lit, z.dist
	err := error(nil)
	ended := false
	// The fast loop runs while eight bytes of input are left: after a
	// refill the buffer holds at least 56 real bits, more than a length,
	// a distance and their extra bits take (48), so nothing is checked
	// against nb. The careful loop below decodes the tail.
	//
	// Its memory access is unchecked: it reads the eight bytes at pos
	// only while pos+8 <= n <= len(in), and writes at most maxMatchCopy
	// bytes from w (three literals, or a match rounded up to 16-byte
	// words) only while w <= limit, which is clamped here so that
	// w+maxMatchCopy <= len(out). A match reads below w: its distance
	// is checked against hist.
	limit = min(limit, len(out)-maxMatchCopy)
	last := min(n, len(in)) - 8
	ip, op := unsafe.Pointer(unsafe.SliceData(in)), unsafe.Pointer(unsafe.SliceData(out))
fast:
	for w <= limit && pos <= last {
		bits |= load64(ip, pos) << (nb & 63)
		pos += int(63-nb) >> 3
		nb |= 56
		e := lit[bits&(1<<litRoot-1)]
		if e&(tagLit<<8) != 0 {
			// Up to three literals from the primary table (10 bits
			// each at most) before the next refill, written out: as a
			// loop the whole process runs 4.5% more instructions on
			// the unique trail (callgrind).
			l := uint(e & 0xff)
			bits >>= l & 63
			nb -= l
			*(*byte)(unsafe.Add(op, w)) = byte(e >> 16)
			w++
			e = lit[bits&(1<<litRoot-1)]
			if e&(tagLit<<8) != 0 {
				l := uint(e & 0xff)
				bits >>= l & 63
				nb -= l
				*(*byte)(unsafe.Add(op, w)) = byte(e >> 16)
				w++
				e = lit[bits&(1<<litRoot-1)]
				if e&(tagLit<<8) != 0 {
					l := uint(e & 0xff)
					bits >>= l & 63
					nb -= l
					*(*byte)(unsafe.Add(op, w)) = byte(e >> 16)
					w++
					continue
				}
			}
			if nb < 48 {
				continue
			}
		}
		if e&(tagSub<<8) != 0 {
			e = lit[int(e>>16)+int(bits>>litRoot&(1<<(e&63)-1))]
		}
		l := uint(e & 0xff)
		bits >>= l & 63
		nb -= l
		tag := uint(e >> 8 & 0xff)
		if tag == tagLit {
			*(*byte)(unsafe.Add(op, w)) = byte(e >> 16)
			w++
			continue
		}
		if tag >= tagSub {
			if tag == tagEOB {
				z.endBlock()
			} else {
				err = errCorrupt
			}
			ended = true
			break fast
		}
		length := int(e>>16) + int(bits&(1<<(tag&63)-1))
		bits >>= tag & 63
		nb -= tag
		e = dist[bits&(1<<distRoot-1)]
		if e&(tagSub<<8) != 0 {
			e = dist[int(e>>16)+int(bits>>distRoot&(1<<(e&63)-1))]
		}
		l = uint(e & 0xff)
		tag = uint(e >> 8 & 0xff)
		if tag >= tagSub {
			err, ended = errCorrupt, true
			break
		}
		bits >>= l & 63
		d := int(e>>16) + int(bits&(1<<(tag&63)-1))
		bits >>= tag & 63
		nb -= l + tag
		if d > w-hist {
			err, ended = errCorrupt, true // before the member's first byte
			break
		}
		src := w - d
		if d >= 16 {
			// Sixteen bytes at a time, the first 32 unconditionally: half
			// the matches of a trail are shorter, and the loop's exit is
			// the fast loop's most mispredicted branch. Bytes past length
			// land in the slack after limit, which later output
			// overwrites.
			copy16(op, w, src)
			copy16(op, w+16, src+16)
			for i := 32; i < length; i += 16 {
				copy16(op, w+i, src+i)
			}
		} else if d >= 8 {
			for i := 0; i < length; i += 8 {
				binary.LittleEndian.PutUint64(out[w+i:], binary.LittleEndian.Uint64(out[src+i:]))
			}
		} else {
			for i := range length {
				out[w+i] = out[src+i]
			}
		}
		w += length
	}
	for !ended {
		if w > limit {
			break
		}
		if nb < 48 {
			if pos+8 <= n {
				bits |= binary.LittleEndian.Uint64(in[pos:]) << (nb & 63)
				pos += int(63-nb) >> 3
				nb |= 56
			} else {
				for nb <= 56 && pos < n {
					bits |= uint64(in[pos]) << (nb & 63)
					pos++
					nb += 8
				}
			}
		}
		e := lit[bits&(1<<litRoot-1)]
		if e&(tagSub<<8) != 0 {
			e = lit[int(e>>16)+int(bits>>litRoot&(1<<(e&63)-1))]
		}
		l := uint(e & 0xff)
		if l > nb {
			err = errCorrupt // past the end of the input
			break
		}
		bits >>= l & 63
		nb -= l
		tag := uint(e >> 8 & 0xff)
		if tag == tagLit {
			out[w] = byte(e >> 16)
			w++
			continue
		}
		if tag >= tagSub {
			if tag == tagEOB {
				z.endBlock()
			} else {
				err = errCorrupt
			}
			break
		}
		// A length: its extra bits, then a distance and its extra bits.
		if tag > nb {
			err = errCorrupt
			break
		}
		length := int(e>>16) + int(bits&(1<<(tag&63)-1))
		bits >>= tag & 63
		nb -= tag
		e = dist[bits&(1<<distRoot-1)]
		if e&(tagSub<<8) != 0 {
			e = dist[int(e>>16)+int(bits>>distRoot&(1<<(e&63)-1))]
		}
		l = uint(e & 0xff)
		tag = uint(e >> 8 & 0xff)
		if tag >= tagSub || l+tag > nb {
			err = errCorrupt
			break
		}
		bits >>= l & 63
		d := int(e>>16) + int(bits&(1<<(tag&63)-1))
		bits >>= tag & 63
		nb -= l + tag
		if d > w-hist {
			err = errCorrupt // before the member's first byte
			break
		}
		// The decoding above is the fast loop's, written twice on
		// purpose: Go does not inline a helper with these loops, and the
		// call costs the fast loop 4-5% of its speed. The copy is checked
		// here: the tail is a few symbols.
		src := w - d
		if d >= 8 {
			// Eight bytes at a time; the last word may run past length
			// into the slack after limit, which later output overwrites.
			for i := 0; i < length; i += 8 {
				binary.LittleEndian.PutUint64(out[w+i:], binary.LittleEndian.Uint64(out[src+i:]))
			}
		} else {
			for i := range length {
				out[w+i] = out[src+i]
			}
		}
		w += length
	}
	z.bits, z.nb, z.pos, z.w = bits, nb, pos, w
	return err
}

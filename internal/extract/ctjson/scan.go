package ctjson

import (
	"errors"
	"fmt"
	"io"
)

// scanner splits a stream of JSON into CloudTrail items without decoding
// them: the elements of a top-level array, of a top-level object's
// "Records" or "Events" array, or whole top-level objects (JSON Lines of
// records, EventBridge envelopes). Items are slices of an internal buffer,
// valid until the next call, so memory is bounded by the largest item,
// never by the object.
//
// The scanner checks structure only (strings, brackets, separators); the
// decoder validates each item.
type scanner struct {
	r        io.Reader
	buf      []byte
	pos, end int   // buf[pos:end] is read but not consumed
	mark     int   // buf[mark:] must survive refills; -1 for none
	base     int64 // stream offset of buf[0]
	rerr     error // sticky read error, or io.EOF
	maxItem  int
	maxDepth int
	state    scanState
	values   int // top-level values started

	// fast, when set, receives records decoded by the one-pass fast path
	// (decode_fast.go); decoded says the last item was.
	fast    *fastRec
	decoded bool
	// indexFrom is where in buf fast.idx starts mapping; -1 when buf has
	// changed since (fill) and the map must start again.
	indexFrom int
}

type scanState int

const (
	stTop       scanState = iota // between top-level values
	stArray                      // inside a top-level array
	stContainer                  // inside "Records"/"Events" of a top-level object
	stAfter                      // inside a top-level object, after its container array
)

// Item errors concern one item: the caller counts it invalid and calls next
// again. Any other error ends the object.
var (
	errItemTooLarge = errors.New("record larger than the limit")
	errItemTooDeep  = errors.New("record nested too deeply")
	// ErrNotJSON: the object does not start like JSON at all.
	ErrNotJSON = errors.New("not JSON")
)

// inContainer reports whether the last item came from an array of records
// (rather than being a top-level object of its own).
func (s *scanner) inContainer() bool { return s.state == stArray || s.state == stContainer }

func isItemErr(err error) bool { return err == errItemTooLarge || err == errItemTooDeep }

// SyntaxError is a structural error at a stream offset: the object
// cannot be read further.
type SyntaxError struct {
	off int64
	msg string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("invalid JSON at byte %d: %s", e.off, e.msg) }

const scanChunk = 64 << 10

func newScanner(maxItem int) *scanner {
	return &scanner{buf: make([]byte, 2*scanChunk), maxItem: maxItem, maxDepth: 512, mark: -1, indexFrom: -1}
}

// reset prepares s for a new stream, keeping its buffer. A buffer grown by
// a huge record is dropped so one outlier does not pin memory.
func (s *scanner) reset(r io.Reader) {
	if len(s.buf) > 8*scanChunk {
		s.buf = make([]byte, 2*scanChunk)
	}
	s.r, s.pos, s.end, s.mark, s.base, s.rerr, s.state, s.values = r, 0, 0, -1, 0, nil, stTop, 0
	s.indexFrom = -1
}

// fill reads more input, keeping buf[mark:] (or buf[pos:]). It returns
// false when no more input will come.
func (s *scanner) fill() bool {
	if s.rerr != nil {
		return false
	}
	s.indexFrom = -1
	keep := s.pos
	if s.mark >= 0 && s.mark < keep {
		keep = s.mark
	}
	if keep > 0 {
		n := copy(s.buf, s.buf[keep:s.end])
		s.base += int64(keep)
		s.pos -= keep
		if s.mark >= 0 {
			s.mark -= keep
		}
		s.end = n
	}
	if len(s.buf)-s.end < scanChunk/2 {
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for range 100 {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.rerr = io.ErrNoProgress
	return false
}

func (s *scanner) offset() int64 { return s.base + int64(s.pos) }

func (s *scanner) syntax(format string, args ...any) error {
	return &SyntaxError{off: s.offset(), msg: fmt.Sprintf(format, args...)}
}

// eofErr says why input ended inside a structure.
func (s *scanner) eofErr(where string) error {
	if s.rerr != nil && s.rerr != io.EOF {
		return s.rerr
	}
	return &SyntaxError{off: s.offset(), msg: "unexpected end of input " + where}
}

// peek skips white space and returns the next byte without consuming it.
func (s *scanner) peek() (byte, bool) {
	for {
		for s.pos < s.end {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\n', '\r':
				s.pos++
			default:
				return c, true
			}
		}
		if !s.fill() {
			return 0, false
		}
	}
}

// next returns the next item, or io.EOF after the last one.
func (s *scanner) next() ([]byte, error) {
	s.decoded = false
	for {
		c, ok := s.peek()
		switch s.state {
		case stTop:
			if !ok {
				if s.rerr != nil && s.rerr != io.EOF {
					return nil, s.rerr
				}
				return nil, io.EOF
			}
			if c == 0xEF && s.offset() == 0 && s.skipBOM() {
				continue
			}
			switch c {
			case '[':
				s.values++
				s.pos++
				s.state = stArray
				if err := s.afterOpen(); err != nil {
					return nil, err
				}
			case '{':
				s.values++
				container, err := s.openObject()
				if err != nil {
					return nil, err
				}
				if !container {
					return s.value()
				}
			default:
				if s.values == 0 {
					return nil, ErrNotJSON
				}
				return nil, s.syntax("unexpected %q between top-level values", c)
			}
		case stArray, stContainer:
			if !ok {
				return nil, s.eofErr("in array")
			}
			switch c {
			case ']':
				s.pos++
				s.closeArray()
				continue
			case ',':
				s.pos++
				c2, ok2 := s.peek()
				if !ok2 {
					return nil, s.eofErr("in array")
				}
				if c2 == ']' || c2 == ',' {
					return nil, s.syntax("unexpected %q in array", c2)
				}
			}
			return s.value()
		case stAfter:
			if !ok {
				return nil, s.eofErr("in object")
			}
			switch c {
			case '}':
				s.pos++
				s.state = stTop
			case ',':
				s.pos++
				key, err := s.key()
				if err != nil {
					return nil, err
				}
				c2, ok2 := s.peek()
				if !ok2 {
					return nil, s.eofErr("in object")
				}
				if (key == "Records" || key == "Events") && c2 == '[' {
					s.pos++
					s.state = stContainer
					if err := s.afterOpen(); err != nil {
						return nil, err
					}
					continue
				}
				if err := s.skip(); err != nil {
					return nil, err
				}
			default:
				return nil, s.syntax("unexpected %q in object", c)
			}
		}
	}
}

func (s *scanner) skipBOM() bool {
	for s.end-s.pos < 3 && s.fill() {
	}
	if s.end-s.pos >= 3 && s.buf[s.pos+1] == 0xBB && s.buf[s.pos+2] == 0xBF {
		s.pos += 3
		return true
	}
	return false
}

func (s *scanner) closeArray() {
	if s.state == stArray {
		s.state = stTop
	} else {
		s.state = stAfter
	}
}

// afterOpen handles an empty array right after its '['.
func (s *scanner) afterOpen() error {
	c, ok := s.peek()
	if !ok {
		return s.eofErr("in array")
	}
	if c == ']' {
		s.pos++
		s.closeArray()
	}
	return nil
}

// openObject looks at the first member of a top-level object. When it is a
// "Records"/"Events" array it consumes up to the array's '[' and enters
// stContainer; otherwise it rewinds to the '{' so value() returns the
// object whole.
func (s *scanner) openObject() (container bool, err error) {
	s.mark = s.pos
	defer func() { s.mark = -1 }()
	start := func() { s.pos = s.mark }
	s.pos++
	c, ok := s.peek()
	if !ok {
		return false, s.eofErr("in object")
	}
	if c != '"' {
		start()
		return false, nil // "{}" or garbage: value() decides
	}
	key, err := s.key()
	if err != nil {
		return false, err
	}
	if key != "Records" && key != "Events" {
		start()
		return false, nil
	}
	c, ok = s.peek()
	if !ok {
		return false, s.eofErr("in object")
	}
	if c != '[' {
		// "Records": null: a container with nothing in it.
		s.mark = -1
		s.state = stAfter
		return true, s.skip()
	}
	s.pos++
	s.state = stContainer
	return true, s.afterOpen()
}

// key reads `"name":` and returns name. Key escapes are not decoded: the
// keys that matter have none.
func (s *scanner) key() (string, error) {
	c, ok := s.peek()
	if !ok {
		return "", s.eofErr("in object")
	}
	if c != '"' {
		return "", s.syntax("expected object key, found %q", c)
	}
	// The key must stay in the buffer while it is scanned; a caller's mark
	// (which fill keeps up to date) already guarantees that.
	own := s.mark < 0
	if own {
		s.mark = s.pos
	}
	keyOff := s.offset()
	err := s.skipString()
	var k string
	if err == nil {
		k = string(s.buf[int(keyOff-s.base)+1 : s.pos-1])
	}
	if own {
		s.mark = -1
	}
	if err != nil {
		return "", err
	}
	c, ok = s.peek()
	if !ok {
		return "", s.eofErr("in object")
	}
	if c != ':' {
		return "", s.syntax("expected ':' after key, found %q", c)
	}
	s.pos++
	return k, nil
}

// value returns the value at pos. On an item error the value has been
// consumed and the scanner can go on.
func (s *scanner) value() ([]byte, error) {
	if s.fast != nil {
		if item, ok := s.fastValue(); ok {
			return item, nil
		}
	}
	s.mark = s.pos
	err := s.scanValue(true)
	if err != nil {
		s.mark = -1
		return nil, err
	}
	item := s.buf[s.mark:s.pos]
	s.mark = -1
	return item, nil
}

// fastMaxItem bounds what the fast path buffers: it restarts an item after
// each refill, so a huge item is left to the slow path, which does not.
const fastMaxItem = 1 << 20

// fastValue decodes the record at pos into s.fast. It reports false, with
// pos unchanged and the item still buffered, when the slow path must
// decide.
func (s *scanner) fastValue() ([]byte, bool) {
	for {
		// The map of the buffer made for an earlier record serves this one
		// while the buffer is unchanged (see classify.go).
		if s.indexFrom < 0 || s.pos < s.indexFrom {
			s.fast.idx.reset(s.buf[s.pos:s.end])
			s.indexFrom = s.pos
		}
		s.fast.idx.off = s.pos - s.indexFrom
		n, st := fastDecode(s.buf[s.pos:s.end], s.fast)
		switch st {
		case fastOK:
			item := s.buf[s.pos : s.pos+n]
			s.pos += n
			s.decoded = true
			return item, true
		case fastSlow:
			return nil, false
		}
		have := s.end - s.pos
		if have >= fastMaxItem || have >= s.maxItem {
			return nil, false
		}
		// Read at least as much again, so an item is parsed O(1) times.
		s.mark = s.pos
		for s.end-s.pos < 2*have+scanChunk/4 && s.fill() {
		}
		s.mark = -1
		if s.end-s.pos == have {
			return nil, false // no more input: the slow path says why
		}
	}
}

// skip consumes the value at pos without keeping it.
func (s *scanner) skip() error {
	err := s.scanValue(false)
	if isItemErr(err) {
		return nil
	}
	return err
}

// skipString consumes the string at pos.
func (s *scanner) skipString() error {
	s.pos++
	for {
		for s.pos < s.end {
			b := s.buf[s.pos:s.end]
			i := 0
			for i < len(b) && b[i] != '"' && b[i] != '\\' {
				i++
			}
			s.pos += i
			if i == len(b) {
				break
			}
			if b[i] == '"' {
				s.pos++
				return nil
			}
			if s.pos+1 >= s.end {
				break
			}
			s.pos += 2 // escape: the next byte never ends the string
		}
		if !s.fill() {
			return s.eofErr("in string")
		}
	}
}

// scanValue consumes one value at pos. With keep, buf[mark:] holds it; a
// value over maxItem is consumed without keeping and errItemTooLarge
// returned.
func (s *scanner) scanValue(keep bool) error {
	if !keep {
		s.mark = -1
	}
	start := s.offset()
	depth, tooLarge, tooDeep := 0, false, false
	for {
		if s.pos >= s.end {
			if keep && !tooLarge && s.offset()-start > int64(s.maxItem) {
				tooLarge, s.mark = true, -1
			}
			if !s.fill() {
				if depth == 0 && s.offset() > start {
					break // a scalar ending at EOF
				}
				return s.eofErr("in value")
			}
			continue
		}
		c := s.buf[s.pos]
		switch c {
		case '"':
			if err := s.skipString(); err != nil {
				return err
			}
		case '{', '[':
			depth++
			if depth > s.maxDepth {
				tooDeep = true
			}
			s.pos++
		case '}', ']':
			if depth == 0 {
				if s.offset() == start {
					return s.syntax("unexpected %q", c)
				}
				goto done // end of a scalar
			}
			depth--
			s.pos++
		case ',', ':', ' ', '\t', '\n', '\r':
			if depth == 0 {
				if s.offset() == start {
					return s.syntax("unexpected %q", c)
				}
				goto done
			}
			s.pos++
		default:
			s.pos++
		}
		if depth == 0 && (c == '}' || c == ']' || c == '"') {
			break
		}
	}
done:
	if keep && !tooLarge && s.offset()-start > int64(s.maxItem) {
		tooLarge = true
	}
	switch {
	case tooLarge:
		return errItemTooLarge
	case tooDeep:
		return errItemTooDeep
	}
	return nil
}

package ctjson

import "io"

// Config sizes a Decoder.
type Config struct {
	// MaxItem bounds one item in bytes; a larger one is KindInvalid.
	MaxItem int
	// MaxDepth bounds nesting; 0 means 512. A deeper item is KindInvalid.
	MaxDepth int
	// SlowPath turns the one-pass fast decoder off, so that every item goes
	// through the scanner and sonic. The tests compare the two paths.
	SlowPath bool
	// Drop, when set, is asked on the fast path about each record as soon
	// as its top-level userIdentity is decoded (Record then holds that and
	// the members before it: in CloudTrail, eventVersion). When it answers
	// true the record is dropped: its other top-level strings are still
	// decoded, but its containers (requestParameters, responseElements,
	// resources, ...) are skipped on the structural maps, checked for
	// balance only, not built and not checked for grammar, and the Item
	// says Dropped. Drop must answer true only for records whose
	// containers the caller does not need.
	Drop func(r *Record) bool
	// Undrop is asked about a dropped record once it is walked to its end;
	// true decodes it again in full, not dropped.
	Undrop func(r *Record) bool
}

// Item is one item of the stream, valid until the next call to Next.
type Item struct {
	Kind Kind
	// Record is set for KindRecord and KindForeign. Its strings alias the
	// Decoder's buffer: clone what must outlive the next call.
	Record *Record
	// InContainer is set when the item came from an array of records
	// rather than being a top-level object of its own.
	InContainer bool
	// Dropped is set when Config.Drop dropped the record: its
	// RequestParameters are empty, and a container it holds may be
	// malformed inside without making the item invalid.
	Dropped bool
}

// Decoder reads CloudTrail items from a stream of JSON. It is reused
// across streams (Reset) so its buffers are allocated once per worker.
type Decoder struct {
	sc   *scanner
	fast fastRec // filled by the fast path
	item rawItem // scratch of the slow path
	rec  Record  // filled by the slow path
}

// NewDecoder returns a Decoder; call Reset before Next.
func NewDecoder(c Config) *Decoder {
	d := &Decoder{sc: newScanner(c.MaxItem)}
	if c.MaxDepth > 0 {
		d.sc.maxDepth = c.MaxDepth
	}
	if !c.SlowPath {
		d.sc.fast = &d.fast
		if c.Drop != nil {
			d.fast.drop, d.fast.undrop = c.Drop, c.Undrop
			d.fast.idx.braces = true
		}
	}
	return d
}

// Reset starts reading r (uncompressed JSON), keeping the buffers.
func (d *Decoder) Reset(r io.Reader) { d.sc.reset(r) }

// Next returns the next item, or io.EOF after the last one. An item that
// cannot be used comes back as KindInvalid with a nil error, and the
// stream goes on. An error ends the stream: ErrNotJSON when it does not
// start like JSON, a *SyntaxError, or the reader's error.
func (d *Decoder) Next() (Item, error) {
	raw, err := d.sc.next()
	if err != nil {
		if isItemErr(err) {
			return Item{Kind: KindInvalid}, nil
		}
		return Item{}, err
	}
	it := Item{InContainer: d.sc.inContainer()}
	if d.sc.decoded {
		it.Record = &d.fast.Record
		it.Kind = recordKind(it.Record)
		it.Dropped = d.fast.dropped
		return it, nil
	}
	kind, err := decodeItem(raw, &d.item, &d.rec)
	if err != nil {
		return Item{Kind: KindInvalid, InContainer: it.InContainer}, nil
	}
	it.Kind, it.Record = kind, &d.rec
	return it, nil
}

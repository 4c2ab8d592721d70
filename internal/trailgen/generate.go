package trailgen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/klauspost/compress/gzip"
	"golang.org/x/sync/errgroup"
)

// Config says what trail to generate.
type Config struct {
	Seed             uint64
	Records          int // total records
	RecordsPerObject int // records per delivery object (the last one may hold fewer)
	// Start is the beginning of the trail; it is truncated to the minute.
	Start time.Time
	// Interval is the time between two consecutive objects of a region.
	// Each object holds the events of the 5 minutes before its delivery
	// time, so an Interval above 5 minutes leaves quiet gaps (real trails
	// write no object when nothing happened). Default 5 minutes.
	Interval time.Duration
	// Scenario is the identity layout; nil means DefaultScenario().
	Scenario *Scenario
	// Workers build objects in parallel; 0 means GOMAXPROCS. The output
	// does not depend on it.
	Workers int
	// NoDigest leaves out the digest object.
	NoDigest bool
	// Variety makes session names and source addresses vary per record;
	// the zero value keeps the scenario's few per identity.
	Variety Variety
}

// Stats counts what a generation produced.
type Stats struct {
	Objects   int   // log objects (digests not included)
	Digests   int   // digest objects
	Records   int   // records in log objects
	JSONBytes int64 // uncompressed size of the log objects
	GzipBytes int64 // compressed size of all objects, digests included
	// First and Last are the earliest and latest eventTime.
	First, Last time.Time
}

// Sink receives each generated object: its key relative to the trail root
// (AWSLogs/<account>/CloudTrail/...) and its gzipped content. The sink owns
// gz; Generate never touches it again. Objects arrive in a fixed order.
type Sink func(name string, gz []byte) error

// deliveryWindow is how much time one CloudTrail object covers.
const deliveryWindow = 5 * time.Minute

// gzipLevel is fixed so that the committed sample can be reproduced byte
// for byte.
const gzipLevel = gzip.DefaultCompression

// SampleConfig is the configuration of the committed sample under
// testdata/trails/sample (regenerate with `go run ./cmd/gentrail -out
// testdata/trails/sample -seed 1`).
func SampleConfig() Config {
	return Config{
		Seed:             1,
		Records:          1500,
		RecordsPerObject: 25,
		Start:            time.Date(2026, 3, 10, 6, 0, 0, 0, time.UTC),
		Interval:         55 * time.Minute,
	}
}

// BenchConfig is a benchmark trail of n records: about 500 records per
// object, delivered every 5 minutes per region, same mix as the sample.
func BenchConfig(n int) Config {
	return Config{
		Seed:             1,
		Records:          n,
		RecordsPerObject: 500,
		Start:            time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC),
		Interval:         deliveryWindow,
	}
}

func (c *Config) normalize() error {
	if c.Records <= 0 {
		return fmt.Errorf("records must be positive, got %d", c.Records)
	}
	if c.RecordsPerObject <= 0 {
		return fmt.Errorf("records per object must be positive, got %d", c.RecordsPerObject)
	}
	if c.Interval == 0 {
		c.Interval = deliveryWindow
	}
	if c.Interval < deliveryWindow || c.Interval%time.Minute != 0 {
		return fmt.Errorf("interval must be a whole number of minutes, at least %s, got %s", deliveryWindow, c.Interval)
	}
	if c.Start.IsZero() {
		return errors.New("start time is required")
	}
	c.Start = c.Start.UTC().Truncate(time.Minute)
	if c.Scenario == nil {
		c.Scenario = DefaultScenario()
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if err := c.Variety.validate(); err != nil {
		return err
	}
	return c.Scenario.validate()
}

// job is one planned object.
type job struct {
	index    int
	region   int
	records  int
	delivery time.Time
	cover    []*entry // scenario calls this object must contain
}

// work is a job and where its result goes.
type work struct {
	j   job
	out chan result
}

// result is one built object.
type result struct {
	name        string
	gz          []byte
	jsonLen     int
	sum         [32]byte // SHA-256 of the uncompressed content, for the digest
	first, last time.Time
	records     int
	region      int
	delivery    time.Time
}

// Write generates a trail into dir, in the AWSLogs/... layout.
func Write(ctx context.Context, dir string, cfg Config) (Stats, error) {
	return Generate(ctx, cfg, DirSink(dir))
}

// DirSink returns a Sink that writes objects as files under dir.
func DirSink(dir string) Sink {
	return func(name string, gz []byte) error {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("creating directory for %s: %w", name, err)
		}
		if err := os.WriteFile(p, gz, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
		return nil
	}
}

// Generate builds the trail cfg describes and hands each object to sink, in
// order. At most about 2*Workers objects are in memory at once.
func Generate(ctx context.Context, cfg Config, sink Sink) (Stats, error) {
	if err := cfg.normalize(); err != nil {
		return Stats{}, fmt.Errorf("invalid trail config: %w", err)
	}
	p := newPlan(&cfg)
	g, ctx := errgroup.WithContext(ctx)
	// Results are delivered in object order through a queue of one-shot
	// channels: workers may finish out of order, the emitter waits for
	// each object in turn.
	queue := make(chan chan result, 2*cfg.Workers)
	pending := make(chan work)
	g.Go(func() error {
		defer close(queue)
		defer close(pending)
		for j := range p.jobs() {
			out := make(chan result, 1)
			select {
			case queue <- out:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case pending <- work{j, out}:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	for range cfg.Workers {
		g.Go(func() error {
			sc := new(scratch)
			for w := range pending {
				r, err := p.build(w.j, sc)
				if err != nil {
					return err
				}
				w.out <- r
			}
			return nil
		})
	}
	var st Stats
	g.Go(func() error {
		d := p.newDigest()
		for out := range queue {
			var r result
			select {
			case r = <-out:
			case <-ctx.Done():
				return ctx.Err()
			}
			if d != nil {
				if name, gz, done, err := d.add(r); err != nil {
					return err
				} else if done {
					if err := emitDigest(sink, name, gz, &st); err != nil {
						return err
					}
					d = nil
				}
			}
			if err := sink(r.name, r.gz); err != nil {
				return fmt.Errorf("storing %s: %w", r.name, err)
			}
			st.Objects++
			st.Records += r.records
			st.JSONBytes += int64(r.jsonLen)
			st.GzipBytes += int64(len(r.gz))
			if st.First.IsZero() || r.first.Before(st.First) {
				st.First = r.first
			}
			if r.last.After(st.Last) {
				st.Last = r.last
			}
		}
		if d != nil {
			name, gz, ok, err := d.finish()
			if err != nil {
				return err
			}
			if ok {
				return emitDigest(sink, name, gz, &st)
			}
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return st, err
	}
	return st, nil
}

func emitDigest(sink Sink, name string, gz []byte, st *Stats) error {
	if err := sink(name, gz); err != nil {
		return fmt.Errorf("storing %s: %w", name, err)
	}
	st.Digests++
	st.GzipBytes += int64(len(gz))
	return nil
}

// plan decides, sequentially and cheaply, what each object holds.
type plan struct {
	cfg     *Config
	pools   []pool // per region
	ids     map[string]*Identity
	objects int
}

// pool is the calls of one region with cumulative weights.
type pool struct {
	entries []*entry
	cum     []int
	cover   []*entry // every call of the region, in table order
}

func (p *pool) pickEntry(r *rand.Rand) *entry {
	n := r.IntN(p.cum[len(p.cum)-1])
	i, _ := slices.BinarySearch(p.cum, n+1)
	return p.entries[i]
}

func newPlan(cfg *Config) *plan {
	s := cfg.Scenario
	p := &plan{cfg: cfg, pools: make([]pool, len(s.Regions)), ids: map[string]*Identity{}}
	es := entries(s)
	for i := range es {
		e := &es[i]
		ri := slices.Index(s.Regions, e.region)
		if ri < 0 {
			// validate checked identity regions; a global call of a
			// scenario without us-east-1 goes to its first region.
			ri = 0
			e.region = s.Regions[0]
		}
		pl := &p.pools[ri]
		total := e.call.Weight
		if n := len(pl.cum); n > 0 {
			total += pl.cum[n-1]
		}
		pl.entries = append(pl.entries, e)
		pl.cum = append(pl.cum, total)
		pl.cover = append(pl.cover, e)
	}
	for i := range s.Clusters {
		for j := range s.Clusters[i].Identities {
			id := &s.Clusters[i].Identities[j]
			p.ids[id.Name] = id
		}
	}
	p.objects = (cfg.Records + cfg.RecordsPerObject - 1) / cfg.RecordsPerObject
	return p
}

// jobs yields the objects in order. Coverage calls are spread evenly over
// a region's objects so that small trails still contain every call.
func (p *plan) jobs() func(yield func(job) bool) {
	return func(yield func(job) bool) {
		nr := len(p.pools)
		perRegion := make([]int, nr)
		for i := range p.objects {
			perRegion[i%nr]++
		}
		next := make([]int, nr)
		for i := range p.objects {
			r, k := i%nr, i/nr
			n := p.cfg.RecordsPerObject
			if i == p.objects-1 {
				n = p.cfg.Records - i*p.cfg.RecordsPerObject
			}
			cover := p.pools[r].cover
			want := (k + 1) * len(cover) / perRegion[r]
			take := min(max(want-next[r], 0), n)
			j := job{
				index:    i,
				region:   r,
				records:  n,
				delivery: p.cfg.Start.Add(time.Duration(k+1) * p.cfg.Interval),
				cover:    cover[next[r] : next[r]+take],
			}
			next[r] += take
			if !yield(j) {
				return
			}
		}
	}
}

// objectStream is the random stream of one object; the constant keeps
// object streams apart from any other use of the seed.
func objectStream(seed uint64, index int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x7472_6169_6c67_656e^uint64(index)))
}

// scratch is a worker's reusable memory: the JSON of one object and a
// gzip writer, whose compressor state is large.
type scratch struct {
	buf bytes.Buffer
	zw  *gzip.Writer
}

func (p *plan) build(j job, sc *scratch) (result, error) {
	rng := objectStream(p.cfg.Seed, j.index)
	s := p.cfg.Scenario
	region := s.Regions[j.region]
	picked := make([]*entry, 0, j.records)
	picked = append(picked, j.cover...)
	for len(picked) < j.records {
		picked = append(picked, p.pools[j.region].pickEntry(rng))
	}
	rng.Shuffle(len(picked), func(a, b int) { picked[a], picked[b] = picked[b], picked[a] })
	times := make([]time.Time, len(picked))
	begin := j.delivery.Add(-deliveryWindow)
	for i := range times {
		times[i] = begin.Add(time.Duration(rng.IntN(int(deliveryWindow/time.Second))) * time.Second)
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })

	b := &builder{rng: rng, account: s.Account, ids: p.ids, variety: p.cfg.Variety}
	buf := &sc.buf
	buf.Reset()
	buf.WriteString(`{"Records":[`)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	for i, e := range picked {
		if i > 0 {
			buf.WriteByte(',')
		}
		b.seq = j.index*p.cfg.RecordsPerObject + i
		if err := enc.Encode(b.build(e, times[i])); err != nil {
			return result{}, fmt.Errorf("encoding record %d of object %d: %w", i, j.index, err)
		}
		buf.Truncate(buf.Len() - 1) // Encode ends each value with a newline
	}
	buf.WriteString(`]}`)

	gz, err := sc.gzip(buf.Bytes())
	if err != nil {
		return result{}, fmt.Errorf("compressing object %d: %w", j.index, err)
	}
	return result{
		name:     objectName(s.Account, region, j.delivery, randFrom(rng, alnum, 16)),
		gz:       gz,
		jsonLen:  buf.Len(),
		sum:      sha256.Sum256(buf.Bytes()),
		first:    times[0],
		last:     times[len(times)-1],
		records:  len(picked),
		region:   j.region,
		delivery: j.delivery,
	}, nil
}

// objectName is the key CloudTrail delivers a log object under.
func objectName(account, region string, delivery time.Time, random string) string {
	return fmt.Sprintf("AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s.json.gz",
		account, region, delivery.Format("2006/01/02"), account, region, delivery.Format("20060102T1504Z"), random)
}

// gzipBytes compresses with a fixed level and an empty header (no name, zero
// modification time), so equal input gives equal output.
func gzipBytes(b []byte) ([]byte, error) {
	return new(scratch).gzip(b)
}

// gzip compresses b into a new slice, which the caller owns.
func (sc *scratch) gzip(b []byte) ([]byte, error) {
	out := bytes.NewBuffer(make([]byte, 0, len(b)/6))
	if sc.zw == nil {
		zw, err := gzip.NewWriterLevel(out, gzipLevel)
		if err != nil {
			return nil, err
		}
		sc.zw = zw
	} else {
		sc.zw.Reset(out)
	}
	zw := sc.zw
	// klauspost/compress writes the zero time.Time as a non-zero MTIME;
	// the Unix epoch is written as 0, gzip's "no time stamp".
	zw.ModTime = time.Unix(0, 0)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// digestFile is the body of a CloudTrail digest object.
type digestFile struct {
	AWSAccountID                string          `json:"awsAccountId"`
	DigestStartTime             string          `json:"digestStartTime"`
	DigestEndTime               string          `json:"digestEndTime"`
	DigestS3Bucket              string          `json:"digestS3Bucket"`
	DigestS3Object              string          `json:"digestS3Object"`
	DigestPublicKeyFingerprint  string          `json:"digestPublicKeyFingerprint"`
	DigestSignatureAlgorithm    string          `json:"digestSignatureAlgorithm"`
	NewestEventTime             string          `json:"newestEventTime"`
	OldestEventTime             string          `json:"oldestEventTime"`
	PreviousDigestS3Bucket      *string         `json:"previousDigestS3Bucket"`
	PreviousDigestS3Object      *string         `json:"previousDigestS3Object"`
	PreviousDigestHashValue     *string         `json:"previousDigestHashValue"`
	PreviousDigestHashAlgorithm *string         `json:"previousDigestHashAlgorithm"`
	PreviousDigestSignature     *string         `json:"previousDigestSignature"`
	LogFiles                    []digestLogFile `json:"logFiles"`
}

type digestLogFile struct {
	S3Bucket        string `json:"s3Bucket"`
	S3Object        string `json:"s3Object"`
	HashValue       string `json:"hashValue"`
	HashAlgorithm   string `json:"hashAlgorithm"`
	NewestEventTime string `json:"newestEventTime"`
	OldestEventTime string `json:"oldestEventTime"`
}

// digest collects the first hour of the first region's objects. CloudTrail
// writes one digest per region and hour; one is enough to make readers skip
// digests.
type digest struct {
	cfg         *Config
	start, end  time.Time
	files       []digestLogFile
	oldest, new time.Time
}

func (p *plan) newDigest() *digest {
	if p.cfg.NoDigest {
		return nil
	}
	first := p.cfg.Start.Add(p.cfg.Interval)
	start := first.Truncate(time.Hour)
	return &digest{cfg: p.cfg, start: start, end: start.Add(time.Hour)}
}

// add records r if it belongs to the digest's hour. done reports that the
// hour is over and the digest (name, gz) must be stored before r.
func (d *digest) add(r result) (name string, gz []byte, done bool, err error) {
	if r.region != 0 {
		return "", nil, false, nil
	}
	if !r.delivery.Before(d.end) {
		name, gz, ok, err := d.finish()
		return name, gz, ok, err
	}
	d.files = append(d.files, digestLogFile{
		S3Bucket: d.cfg.Scenario.TrailBucket, S3Object: r.name,
		HashValue: hex.EncodeToString(r.sum[:]), HashAlgorithm: "SHA-256",
		NewestEventTime: ctTime(r.last), OldestEventTime: ctTime(r.first),
	})
	if d.oldest.IsZero() || r.first.Before(d.oldest) {
		d.oldest = r.first
	}
	if r.last.After(d.new) {
		d.new = r.last
	}
	return "", nil, false, nil
}

func (d *digest) finish() (string, []byte, bool, error) {
	if len(d.files) == 0 {
		return "", nil, false, nil
	}
	s := d.cfg.Scenario
	region := s.Regions[0]
	rng := rand.New(rand.NewPCG(d.cfg.Seed, 0x6469_6765_7374))
	end := d.end.Add(time.Duration(rng.IntN(60)) * time.Second)
	name := fmt.Sprintf("AWSLogs/%s/CloudTrail-Digest/%s/%s/%s_CloudTrail-Digest_%s_%s_%s_%s.json.gz",
		s.Account, region, end.Format("2006/01/02"), s.Account, region, s.TrailName, region, end.Format("20060102T150405Z"))
	body := digestFile{
		AWSAccountID:               s.Account,
		DigestStartTime:            ctTime(d.start),
		DigestEndTime:              ctTime(end),
		DigestS3Bucket:             s.TrailBucket,
		DigestS3Object:             name,
		DigestPublicKeyFingerprint: randHex(rng, 32),
		DigestSignatureAlgorithm:   "SHA256withRSA",
		NewestEventTime:            ctTime(d.new),
		OldestEventTime:            ctTime(d.oldest),
		LogFiles:                   d.files,
	}
	js, err := json.Marshal(body)
	if err != nil {
		return "", nil, false, fmt.Errorf("encoding digest: %w", err)
	}
	gz, err := gzipBytes(js)
	if err != nil {
		return "", nil, false, fmt.Errorf("compressing digest: %w", err)
	}
	return name, gz, true, nil
}

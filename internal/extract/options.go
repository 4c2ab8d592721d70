package extract

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// Options is everything `cci extract` needs. The CLI layer fills it; Validate
// checks it before any I/O.
type Options struct {
	EventsPaths []string // local files/directories, s3://bucket/prefix, or "-"
	Output      string   // directory for events.json, file_status.json, summary.json

	// Filters. Names and prefixes select the union of what they match; an
	// empty set selects every identity.
	PrincipalNames    []string
	PrincipalPrefixes []string
	CloudProvider     string // legacy filter; only "AWS" (or empty) is meaningful
	Since, Until      time.Time
	Accounts          []string
	Regions           []string

	IncludeServicePrincipals bool // keep AWSService callers and AwsServiceEvent records
	Jobs                     int  // decoding workers; 0 means runtime.NumCPU()
	MaxRecordBytes           int  // a record larger than this is invalid; 0 means the default

	// S3.
	EndpointURL   string
	S3PathStyle   bool
	S3Concurrency int           // most objects opened ahead of the workers (fetch.go); 0 means 256
	DeliverySlack time.Duration // how late CloudTrail may deliver; 0 means none (the CLI passes 15m)
	WaitUntil     time.Time     // keep listing until a record after this is seen
	WaitTimeout   time.Duration // 0 means 30m
	WaitInterval  time.Duration // 0 means 2m
	WaitStrict    bool          // exit 5 instead of 0 when the wait times out

	Quiet    bool // no summary or progress on stderr
	Progress bool // force the progress line even when stderr is not a terminal

	// Dedupe drops a record whose eventID was already kept. It is on
	// whenever more than one events path is given (dedupe.go).
	Dedupe bool
	// FailOn lists the conditions that end the run with exit 3: "empty"
	// (no record kept), or "all" for every one of them.
	FailOn []string
	// Version is the cci version written to summary.json.
	Version string

	Stdin io.Reader // for "-"; nil means none
}

// Conditions of --fail-on.
const (
	FailEmpty = "empty" // no record kept: nothing was analysed
	FailAll   = "all"
)

func (o *Options) failOn(cond string) bool {
	for _, f := range o.FailOn {
		if f == cond || f == FailAll {
			return true
		}
	}
	return false
}

// DefaultMaxRecordBytes bounds one record. Real records stay far below it
// (RunInstances responses reach a few hundred KB); it exists so a corrupt
// object cannot make a worker buffer without limit.
const DefaultMaxRecordBytes = 64 << 20

// Validate checks o and fills defaults. Errors are usage errors.
func (o *Options) Validate() error {
	var errs []error
	if len(o.EventsPaths) == 0 {
		errs = append(errs, errors.New("--events-path is required"))
	}
	if o.Output == "" {
		errs = append(errs, errors.New("--output is required"))
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && o.Until.Before(o.Since) {
		errs = append(errs, fmt.Errorf("--until %s is before --since %s", o.Until.Format(time.RFC3339), o.Since.Format(time.RFC3339)))
	}
	if o.CloudProvider != "" && !strings.EqualFold(o.CloudProvider, "AWS") {
		errs = append(errs, fmt.Errorf("cloud-provider %q is not supported: cci reads AWS CloudTrail only", o.CloudProvider))
	}
	if o.Jobs < 0 {
		errs = append(errs, fmt.Errorf("--jobs %d: want 0 (one per CPU) or more", o.Jobs))
	}
	if o.S3Concurrency < 0 {
		errs = append(errs, fmt.Errorf("--s3-concurrency %d: want 1 or more", o.S3Concurrency))
	}
	if o.MaxRecordBytes < 0 {
		errs = append(errs, errors.New("the record limit must not be negative"))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"delivery-slack", o.DeliverySlack}, {"wait-timeout", o.WaitTimeout}, {"wait-interval", o.WaitInterval}} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("--%s %s: want 0s or more", d.name, d.v))
		}
	}
	if o.Quiet && o.Progress {
		errs = append(errs, errors.New("--quiet and --progress conflict: --quiet prints no progress"))
	}
	if fail, err := exit.ParseFailOn(o.FailOn, []string{FailEmpty}); err != nil {
		errs = append(errs, err)
	} else {
		o.FailOn = fail
	}
	if len(errs) > 0 {
		return &exit.Error{Code: exit.Usage, Err: errors.Join(errs...)}
	}
	if o.Jobs == 0 {
		o.Jobs = runtime.NumCPU()
	}
	if o.S3Concurrency == 0 {
		o.S3Concurrency = 256
	}
	if o.MaxRecordBytes == 0 {
		o.MaxRecordBytes = DefaultMaxRecordBytes
	}
	if o.WaitTimeout == 0 {
		o.WaitTimeout = 30 * time.Minute
	}
	if o.WaitInterval == 0 {
		o.WaitInterval = 2 * time.Minute
	}
	return nil
}

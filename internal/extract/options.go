package extract

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/extract/source"
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
	DeliverySlack time.Duration // how late CloudTrail may deliver; 0 means 15m
	WaitUntil     time.Time     // keep listing until a record after this is seen
	WaitTimeout   time.Duration
	WaitInterval  time.Duration
	WaitStrict    bool // exit 5 instead of 0 when the wait times out

	Quiet    bool // no summary or progress on stderr
	Progress bool // force the progress line even when stderr is not a terminal

	Stdin io.Reader // for "-"; nil means none
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
	if o.Jobs < 0 || o.S3Concurrency < 0 || o.MaxRecordBytes < 0 {
		errs = append(errs, errors.New("--jobs, --s3-concurrency and the record limit must not be negative"))
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
	if o.DeliverySlack == 0 {
		o.DeliverySlack = source.DefaultDeliverySlack
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

package extract

import (
	"context"

	"github.com/cloud-credentials-insights/cci/internal/exit"
	"io"
	"strings"
	"time"
)

// Object is one input object: a local file or an S3 object.
type Object struct {
	// Name identifies the object in file_status.json and orders the output:
	// a local path as given, or s3://bucket/key.
	Name string
	// Size in bytes, or -1 when unknown (stdin, files found walking a
	// directory). Nothing depends on it.
	Size int64
}

// ListOptions narrows a listing. Sources use it to avoid listing or
// fetching what the filters would discard anyway; the pipeline still
// filters every record, so pruning is an optimisation, never a filter.
type ListOptions struct {
	Since, Until  time.Time     // zero means unbounded
	DeliverySlack time.Duration // CloudTrail delivers up to this late
	Regions       []string      // empty means all
	Accounts      []string      // empty means all
}

// Source lists and opens input objects. One Source serves one --events-path.
type Source interface {
	// List calls fn once for every object, in any order, and stops at the
	// first error fn returns.
	List(ctx context.Context, opts ListOptions, fn func(Object) error) error
	// Open returns the object's raw bytes (still compressed). The caller
	// closes it.
	Open(ctx context.Context, obj Object) (io.ReadCloser, error)
}

// sourceOpeners maps a URL scheme to the constructor of its Source. The S3
// source registers itself here.
var sourceOpeners = map[string]func(ctx context.Context, spec string, opts Options) (Source, error){}

// OpenSource picks the Source for spec by its scheme: s3://bucket/prefix,
// "-" for standard input, anything else a local file or directory.
func OpenSource(ctx context.Context, spec string, opts Options) (Source, error) {
	if scheme, _, ok := strings.Cut(spec, "://"); ok {
		open, found := sourceOpeners[strings.ToLower(scheme)]
		if !found {
			return nil, exit.Errorf(exit.Usage, "events path %q: unsupported scheme %q (want a path, s3://bucket/prefix or -)", spec, scheme)
		}
		return open(ctx, spec, opts)
	}
	if spec == "-" {
		return newStdinSource(opts.Stdin), nil
	}
	return newLocalSource(spec)
}

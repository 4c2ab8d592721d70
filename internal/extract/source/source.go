package source

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// Object is one input object: a local file or an S3 object.
type Object struct {
	// Name identifies the object in file_status.json and orders the output:
	// a local path as given, or s3://bucket/key.
	Name string
	// Size in bytes, or -1 when unknown (stdin, files found walking a
	// directory, unless ListOptions.Sizes). Only progress reads it.
	Size int64
	// Skip, when set, is why the object is listed as skipped without being
	// opened (a symlink loop).
	Skip string
}

// ListOptions narrows a listing. Sources use it to avoid listing or
// fetching what the filters would discard anyway; the pipeline still
// filters every record, so pruning is an optimisation, never a filter.
type ListOptions struct {
	Since, Until  time.Time     // zero means unbounded
	DeliverySlack time.Duration // CloudTrail delivers up to this late
	Regions       []string      // empty means all
	Accounts      []string      // empty means all
	// Output is cci's output directory: a local source never reads it, nor
	// cci's own files in it, when it lies inside the tree.
	Output string
	// Sizes asks local sources for each file's size (for the progress ETA;
	// it costs an lstat per file).
	Sizes bool
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

// Remote is implemented by sources whose objects are latency-bound (S3):
// the pipeline sizes its fetch pool for them.
type Remote interface{ Remote() bool }

// Opener builds the Source for one spec of its scheme.
type Opener func(ctx context.Context, spec string) (Source, error)

// Open picks the Source for spec by its scheme: a scheme of schemes
// (s3://bucket/prefix), "-" for stdin, anything else a local file or
// directory. An unknown scheme is a usage error.
func Open(ctx context.Context, spec string, stdin io.Reader, schemes map[string]Opener) (Source, error) {
	if scheme, _, ok := strings.Cut(spec, "://"); ok {
		open, found := schemes[strings.ToLower(scheme)]
		if !found {
			return nil, exit.Errorf(exit.Usage, "events path %q: unsupported scheme %q (want a path, s3://bucket/prefix or -)", spec, scheme)
		}
		return open(ctx, spec)
	}
	if spec == "-" {
		return Stdin(stdin), nil
	}
	return Local(spec)
}

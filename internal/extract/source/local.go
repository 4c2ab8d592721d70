package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// localSource reads a file or a directory tree.
type localSource struct {
	root  string
	isDir bool
}

// Local is the Source of a local file or directory tree. A missing path is
// a usage error.
func Local(path string) (Source, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, &exit.Error{Code: exit.Usage, Err: fmt.Errorf("opening events path: %w", err)}
	}
	return &localSource{root: path, isDir: st.IsDir()}, nil
}

func (s *localSource) List(ctx context.Context, opts ListOptions, fn func(Object) error) error {
	if !s.isDir {
		st, err := os.Stat(s.root)
		if err != nil {
			return fmt.Errorf("listing %s: %w", s.root, err)
		}
		return fn(Object{Name: s.root, Size: st.Size()})
	}
	return s.walk(ctx, opts, fn)
}

func (s *localSource) Open(_ context.Context, obj Object) (io.ReadCloser, error) {
	f, err := os.Open(obj.Name)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, errors.New("is a directory")
	}
	return f, nil
}

// stdinSource is one object read from standard input, once.
type stdinSource struct {
	r    io.Reader
	once sync.Once
}

// Stdin is the Source of one object read from r (the "-" events path).
func Stdin(r io.Reader) Source { return &stdinSource{r: r} }

func (s *stdinSource) List(_ context.Context, _ ListOptions, fn func(Object) error) error {
	var err error
	s.once.Do(func() { err = fn(Object{Name: "-", Size: -1}) })
	return err
}

func (s *stdinSource) Open(context.Context, Object) (io.ReadCloser, error) {
	if s.r == nil {
		return nil, errors.New("no standard input")
	}
	return io.NopCloser(s.r), nil
}

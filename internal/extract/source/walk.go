package source

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ownFile reports whether base is the name of a file cci writes into its
// output directory (package events, the status log's spills, the
// writability check). They are never read as input when found there.
func ownFile(base string) bool {
	switch base {
	case "events.json", "file_status.json", "summary.json":
		return true
	}
	return strings.HasPrefix(base, ".cci-status-") || strings.HasPrefix(base, ".cci-write-check-")
}

// walker lists a local directory tree. It follows symlinked directories,
// reports a symlink loop (or a link into a tree already read) once as a
// skipped object, and leaves out cci's output directory when it lies
// inside the tree, and cci's own files in it when it is the tree's root.
type walker struct {
	ctx  context.Context
	opts ListOptions
	fn   func(Object) error
	out  string // absolute output directory, "" when none

	// visited holds the real paths of the trees walked so far: a symlinked
	// directory inside one of them is read already.
	visited []string
}

func absClean(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	return a
}

// within reports whether p is dir or inside it (both absolute and clean).
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+string(filepath.Separator)) || dir == string(filepath.Separator)
}

func (s *localSource) walk(ctx context.Context, opts ListOptions, fn func(Object) error) error {
	w := &walker{ctx: ctx, opts: opts, fn: fn}
	if opts.Output != "" {
		w.out = absClean(opts.Output)
		if real, err := filepath.EvalSymlinks(opts.Output); err == nil {
			w.out = absClean(real)
		}
	}
	realRoot := s.root
	if fi, err := os.Lstat(s.root); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		r, err := filepath.EvalSymlinks(s.root)
		if err != nil {
			return fmt.Errorf("listing %s: %w", s.root, err)
		}
		realRoot = r
	}
	realAbs := absClean(realRoot)
	if r, err := filepath.EvalSymlinks(realRoot); err == nil {
		realAbs = absClean(r)
	}
	return w.tree(realRoot, s.root, realAbs)
}

// tree walks dir (a real directory), naming its files under name.
func (w *walker) tree(dir, name, real string) error {
	w.visited = append(w.visited, real)
	rename := func(p string) string {
		if dir == name {
			return p
		}
		return name + p[len(dir):]
	}
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			// An unreadable directory is reported like an unreadable file:
			// as an object in error, not as the end of the run.
			if path != dir {
				return w.fn(Object{Name: rename(path), Size: -1})
			}
			return fmt.Errorf("listing %s: %w", rename(path), err)
		}
		if w.ctx.Err() != nil {
			return w.ctx.Err()
		}
		if d.IsDir() {
			if path != dir && w.out != "" && w.isOutput(path) {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if st, err := os.Stat(path); err == nil && st.IsDir() {
				return w.link(path, rename(path))
			}
			// A symlink to a file, or a broken one (opening says why).
		} else if !d.Type().IsRegular() {
			return nil
		}
		if w.out != "" && ownFile(d.Name()) && w.isOutput(filepath.Dir(path)) {
			return nil
		}
		if !InWindow(path, w.opts) {
			return nil
		}
		obj := Object{Name: rename(path), Size: -1}
		if w.opts.Sizes {
			if fi, err := d.Info(); err == nil {
				obj.Size = fi.Size()
			}
		}
		return w.fn(obj)
	})
}

func (w *walker) isOutput(dir string) bool {
	if absClean(dir) == w.out {
		return true
	}
	real, err := filepath.EvalSymlinks(dir)
	return err == nil && absClean(real) == w.out
}

// link follows the symlinked directory at path (named name).
func (w *walker) link(path, name string) error {
	r, err := filepath.EvalSymlinks(path)
	if err != nil {
		return w.fn(Object{Name: name, Size: -1}) // opening reports it
	}
	real := absClean(r)
	if w.out != "" && real == w.out {
		return nil
	}
	for _, v := range w.visited {
		switch {
		case within(v, real):
			return w.fn(Object{Name: name, Size: -1, Skip: "symlink loop: " + r + " holds a directory already being read"})
		case within(real, v):
			return w.fn(Object{Name: name, Size: -1, Skip: "symlink to " + r + ", a directory already read"})
		}
	}
	return w.tree(r, name, real)
}

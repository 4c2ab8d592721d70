package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"-out", dir, "-records", "1200", "-per-object", "100", "-interval", "5m", "-seed", "7"}, &stderr)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	var objects, digests int
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil || d.IsDir():
			return err
		case strings.Contains(p, "CloudTrail-Digest"):
			digests++
		case strings.HasSuffix(p, ".json.gz"):
			objects++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if objects != 12 || digests != 1 {
		t.Errorf("wrote %d objects and %d digests, want 12 and 1", objects, digests)
	}
	if !strings.Contains(stderr.String(), "wrote 12 objects (+1 digest), 1200 records") {
		t.Errorf("summary = %q", stderr.String())
	}
}

func TestRunShape(t *testing.T) {
	dir := t.TempDir()
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"-out", dir, "-shape", "unique", "-records", "1000"}, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	// The shape's 500 records per object, not the sample's 25.
	if !strings.Contains(stderr.String(), "wrote 2 objects (+1 digest), 1000 records") {
		t.Errorf("summary = %q", stderr.String())
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		usage bool
	}{
		{"no output", []string{}, true},
		{"unknown flag", []string{"-out", "x", "-bogus"}, true},
		{"extra argument", []string{"-out", "x", "y"}, true},
		{"bad start", []string{"-out", "x", "-start", "yesterday"}, true},
		{"bad interval", []string{"-out", "x", "-interval", "90s"}, false},
		{"no records", []string{"-out", "x", "-records", "0"}, false},
		{"unknown shape", []string{"-out", "x", "-shape", "bogus"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stderr)
			if err == nil {
				t.Fatal("run succeeded, want an error")
			}
			if got := errors.As(err, new(usageError)); got != tt.usage {
				t.Errorf("run = %v; usage error %v, want %v", err, got, tt.usage)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("run -h = %v, want flag.ErrHelp", err)
	}
	if !strings.Contains(stderr.String(), "-per-object") {
		t.Errorf("help does not list the flags:\n%s", stderr.String())
	}
}

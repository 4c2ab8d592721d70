// Command ccibench runs a command and reports its peak resident set size
// (ru_maxrss), wall time and CPU time, for the extract benchmarks; or,
// with -floor, does the floor of an extract run itself and reports the
// same figures of its own.
//
//	ccibench -o result.txt -- cci extract --events-path DIR --output OUT
//	ccibench -o result.txt -floor DIR -jobs 2 [-inflater cci]
//
// It exists because a big parent cannot measure its child: on Linux a
// child started with vfork (as os/exec does) inherits the parent's RSS
// high-water mark at exec, so a benchmark process holding a generated trail
// would report its own size instead of cci's. ccibench is small, so what
// it inherits stays below what it measures.
//
// The floor is the work an extract run cannot avoid: read and gunzip every
// log object under DIR (digests left out, as extract skips them unread)
// with -jobs workers, each reusing one klauspost gzip reader, a 32 KiB
// bufio.Reader and a 64 KiB copy buffer, output discarded. Run as a
// process of its own, it pays a process start as cci does. With
// -inflater cci the workers use cci's own reader (internal/extract/gunzip)
// instead: not the floor the issue defines, but the one that shows what
// cci's work beside inflating costs.
//
// The result file holds one line:
//
//	maxrss_kib wall_ns exit_code user_ns sys_ns json_bytes
//
// json_bytes is what the floor decompressed (0 when running a command).
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/cloud-credentials-insights/cci/internal/extract/gunzip"
)

func main() {
	out := flag.String("o", "", "file to write \"maxrss_kib wall_ns exit_code user_ns sys_ns json_bytes\" to (required)")
	floorDir := flag.String("floor", "", "read and gunzip the log objects under this directory instead of running a command")
	jobs := flag.Int("jobs", 2, "workers of -floor")
	inflater := flag.String("inflater", "klauspost", "gunzip of -floor: klauspost (the issue's floor) or cci (internal/extract/gunzip)")
	flag.Parse()
	if *out == "" || (*floorDir == "") == (flag.NArg() == 0) || *jobs < 1 || (*inflater != "klauspost" && *inflater != "cci") {
		fmt.Fprintln(os.Stderr, "usage: ccibench -o FILE -- COMMAND [ARG...]\n       ccibench -o FILE -floor DIR [-jobs N] [-inflater klauspost|cci]")
		os.Exit(2)
	}
	var line string
	if *floorDir != "" {
		start := time.Now()
		n, err := floor(*floorDir, *jobs, *inflater == "cci")
		wall := time.Since(start)
		if err != nil {
			fmt.Fprintf(os.Stderr, "ccibench: floor: %v\n", err)
			os.Exit(1)
		}
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			fmt.Fprintf(os.Stderr, "ccibench: %v\n", err)
			os.Exit(1)
		}
		line = result(&ru, wall, 0, n)
	} else {
		cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
		start := time.Now()
		err := cmd.Run()
		wall := time.Since(start)
		code := 0
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			code = ee.ExitCode()
		case err != nil:
			fmt.Fprintf(os.Stderr, "ccibench: %v\n", err)
			os.Exit(1)
		}
		ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		if !ok {
			fmt.Fprintln(os.Stderr, "ccibench: no rusage on this system")
			os.Exit(1)
		}
		line = result(ru, wall, code, 0)
	}
	if err := os.WriteFile(*out, []byte(line), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "ccibench: %v\n", err)
		os.Exit(1)
	}
}

func result(ru *syscall.Rusage, wall time.Duration, code int, n int64) string {
	// Linux reports ru_maxrss in KiB.
	return fmt.Sprintf("%d %d %d %d %d %d\n", ru.Maxrss, wall.Nanoseconds(), code,
		time.Duration(ru.Utime.Nano()).Nanoseconds(), time.Duration(ru.Stime.Nano()).Nanoseconds(), n)
}

// isDigest tells CloudTrail digest objects by name, as extract does.
func isDigest(name string) bool {
	return strings.Contains(name, "CloudTrail-Digest/") || strings.Contains(name, "_CloudTrail-Digest_")
}

// floor reads and gunzips every log object under dir with jobs workers
// and returns the bytes of JSON they held. The walk runs beside the
// workers, as extract's listing does.
func floor(dir string, jobs int, own bool) (int64, error) {
	paths := make(chan string, 256)
	var walkErr error
	go func() {
		defer close(paths)
		walkErr = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || isDigest(filepath.ToSlash(p)) {
				return err
			}
			paths <- p
			return nil
		})
	}()
	var total atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, jobs)
	for w := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			br := bufio.NewReaderSize(nil, 32<<10)
			var zr zreader = &klauspost{}
			if own {
				zr = &gunzip.Reader{}
			}
			buf := make([]byte, 64<<10)
			for p := range paths {
				if errs[w] != nil {
					continue // drain
				}
				n, err := inflate(p, br, zr, buf)
				total.Add(n)
				if err != nil {
					errs[w] = fmt.Errorf("%s: %w", p, err)
				}
			}
		}()
	}
	wg.Wait()
	if walkErr != nil {
		return 0, walkErr
	}
	return total.Load(), errors.Join(errs...)
}

// zreader is a gzip reader that is reset for every object.
type zreader interface {
	io.Reader
	Reset(io.Reader) error
}

// klauspost is klauspost/compress's reader, made on first use.
type klauspost struct{ zr *gzip.Reader }

func (k *klauspost) Reset(r io.Reader) (err error) {
	if k.zr == nil {
		k.zr, err = gzip.NewReader(r)
		return err
	}
	return k.zr.Reset(r)
}

func (k *klauspost) Read(p []byte) (int, error) { return k.zr.Read(p) }

func inflate(p string, br *bufio.Reader, zr zreader, buf []byte) (int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	br.Reset(f)
	if err := zr.Reset(br); err != nil {
		return 0, err
	}
	return io.CopyBuffer(struct{ io.Writer }{io.Discard}, struct{ io.Reader }{zr}, buf)
}

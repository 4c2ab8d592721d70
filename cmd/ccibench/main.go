// Command ccibench runs a command and reports its peak resident set size
// (ru_maxrss) and wall time, for the extract benchmarks.
//
//	ccibench -o result.txt -- cci extract --events-path DIR --output OUT
//
// It exists because a big parent cannot measure its child: on Linux a
// child started with vfork (as os/exec does) inherits the parent's RSS
// high-water mark at exec, so a benchmark process holding a generated trail
// would report its own size instead of cci's. ccibench is small, so what
// it inherits stays below what it measures.
//
// The result file holds one line: "maxrss_kib wall_ns exit_code".
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	out := flag.String("o", "", "file to write \"maxrss_kib wall_ns exit_code\" to (required)")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: ccibench -o FILE -- COMMAND [ARG...]")
		os.Exit(2)
	}
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
	line := fmt.Sprintf("%d %d %d\n", ru.Maxrss, wall.Nanoseconds(), code) // Linux: KiB
	if err := os.WriteFile(*out, []byte(line), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "ccibench: %v\n", err)
		os.Exit(1)
	}
}

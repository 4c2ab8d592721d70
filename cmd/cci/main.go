// Command cci reports which AWS permissions OpenShift cluster identities
// really used, from CloudTrail, and compares them with what OpenShift asks
// for. See README.md and docs/.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// gcPercent is the collector's target unless GOGC says otherwise: cci's
// heap is a few megabytes whatever the trail, and collecting at 50% growth
// rather than 100% keeps the peak RSS of long runs close to short ones at
// no measurable cost (docs/performance.md, change 17).
const gcPercent = 50

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signalContext()
	err := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exit.Code(err))
}

// signalContext is cancelled by the first SIGINT or SIGTERM, with
// exit.Signal as its cause so that run exits 130 or 143 after the command
// has finished what it can. A second signal exits at once.
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			cancel(exit.Signal(sig))
		case <-done:
			return
		}
		select {
		case sig := <-sigs:
			os.Exit(exit.Code(exit.Signal(sig)))
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

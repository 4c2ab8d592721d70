// Command cci reports which AWS permissions OpenShift cluster identities
// really used, from CloudTrail, and compares them with what OpenShift asks
// for. See README.md and docs/.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exit.Code(err))
}

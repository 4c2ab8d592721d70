package main

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// TestMain lets testscript run cci in-process as the "cci" command.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"cci": func() {
			// CCITEST_NOW fixes the clock of relative times (--since 24h).
			if v := os.Getenv("CCITEST_NOW"); v != "" {
				t, err := time.Parse(time.RFC3339, v)
				if err != nil {
					panic(err)
				}
				now = func() time.Time { return t }
			}
			ctx, stop := signalContext()
			err := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
			stop()
			os.Exit(exit.Code(err))
		},
	})
}

// TestScripts runs testdata/script/*.txtar. $TRAILS is the project's
// testdata/trails and $TESTDATA the project's testdata.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			wd, err := os.Getwd()
			if err != nil {
				return err
			}
			root := wd + "/../.."
			e.Setenv("TESTDATA", root+"/testdata")
			e.Setenv("TRAILS", root+"/testdata/trails")
			return nil
		},
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") != "",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// cci-exit N args... runs cci in-process and checks its exit code;
			// stdout and stderr are kept for the following assertions.
			"cci-exit": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 1 {
					ts.Fatalf("usage: cci-exit CODE [args...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("cci-exit: bad code %q", args[0])
				}
				// Run as a subprocess so that stdout/stderr assertions see it.
				err = ts.Exec("cci", args[1:]...)
				got := 0
				if err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						ts.Fatalf("cci-exit: %v", err)
					}
					got = ee.ExitCode()
				}
				if got != want {
					ts.Fatalf("cci exited %d, want %d", got, want)
				}
			},
		},
	})
}

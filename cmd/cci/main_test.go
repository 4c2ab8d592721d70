package main

import (
	"context"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// TestMain lets testscript run cci in-process as the "cci" command.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"cci": func() {
			os.Exit(exit.Code(run(context.Background(), os.Args, os.Stdin, os.Stdout, os.Stderr)))
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
	})
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// version is set with -ldflags "-X main.version=..."; empty falls back to
// the module version from the build info.
var version string

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "devel"
}

const exitCodesHelp = `EXIT CODES:
   0  ok
   1  runtime error
   2  usage error
   3  findings matched --fail-on (compare)
   4  some inputs were unreadable or skipped; a partial result was written
   5  --wait-strict: the awaited CloudTrail record did not arrive in time`

// run is main without the process: it builds the app, runs it and reports
// errors on stderr. The returned error carries the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	app := newApp(stdin, stdout, stderr)
	err := app.RunContext(ctx, legacyArgs(args))
	if err != nil {
		code := exit.Code(err)
		var ce cli.ExitCoder
		if errors.As(err, &ce) && code == exit.Runtime {
			code = ce.ExitCode()
		}
		fmt.Fprintf(stderr, "cci: error: %v\n", err)
		if errors.Is(ctx.Err(), context.Canceled) {
			fmt.Fprintln(stderr, "cci: hint: interrupted; outputs of this run were not written")
		}
		return &exit.Error{Code: code, Err: err}
	}
	return nil
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:  "cci",
		Usage: "which AWS permissions did each OpenShift cluster identity really use?",
		Description: "cci extract reads CloudTrail logs (local or S3) and groups the IAM actions each identity used;\n" +
			"cci compare diffs them against OpenShift CredentialsRequests and the installer policy.\n\n" + exitCodesHelp,
		Version:   buildVersion(),
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		// main owns the exit; urfave must never call os.Exit.
		ExitErrHandler:  func(*cli.Context, error) {},
		HideHelpCommand: true,
		Commands: []*cli.Command{
			extractCommand(),
			compareCommand(),
			simulateCommand(),
			explainCommand(),
			checkCommand(),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return exit.Errorf(exit.Usage, "unknown command %q (want extract or compare)", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
	}
	app.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
		return &exit.Error{Code: exit.Usage, Err: err}
	}
	for _, cmd := range app.Commands {
		cmd.OnUsageError = app.OnUsageError
	}
	return app
}

// legacyArgs rewrites the legacy form `cci --command X ...` of cci.py into
// `cci X ...` so existing CI scripts keep working unchanged. --command may
// stand anywhere among the flags.
func legacyArgs(args []string) []string {
	if len(args) < 2 || !strings.HasPrefix(args[1], "-") {
		return args
	}
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if a == "--command" || a == "-command" {
			if i+1 >= len(args) {
				return args
			}
			out := []string{args[0], args[i+1]}
			out = append(out, args[1:i]...)
			return append(out, args[i+2:]...)
		}
		if v, ok := strings.CutPrefix(a, "--command="); ok {
			out := []string{args[0], v}
			out = append(out, args[1:i]...)
			return append(out, args[i+1:]...)
		}
	}
	return args
}

// parseTime accepts RFC 3339 and a bare date (UTC midnight).
func parseTime(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, exit.Errorf(exit.Usage, "--%s %q: want RFC 3339, e.g. 2024-09-20T02:45:00Z", flag, s)
}

// legacyFilters parses cci.py's --filters "k=v,k=v".
func legacyFilters(s string) (map[string][]string, error) {
	out := map[string][]string{}
	if s == "" {
		return out, nil
	}
	for _, kv := range strings.Split(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, exit.Errorf(exit.Usage, "--filters %q: want key=value[,key=value...]", s)
		}
		out[strings.TrimSpace(k)] = append(out[strings.TrimSpace(k)], strings.TrimSpace(v))
	}
	return out, nil
}

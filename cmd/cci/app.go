package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// commands lists cci's commands in the order help shows them. A new
// command is one line here: a function returning a *command.
func commands() []*command {
	return []*command{
		extractCommand(),
		compareCommand(),
		simulateCommand(),
		explainCommand(),
		checkCommand(),
		generateCommand(),
		diffCommand(),
		versionCommand(),
		completionCommand(),
		legacyExtractCommand(),
		legacyCompareCommand(),
	}
}

// A command is one cci command: urfave's definition plus what the generic
// checks, help, man page and completion need beyond it. Usage, Description
// and the flags' Usage never state defaults: help prints a flag's Value
// (or DefaultText) once.
type command struct {
	*cli.Command
	// Required flags must be set, on the command line or through their
	// CCI_* variable; every missing one is named in one error.
	Required []string
	// Inputs are flags naming local paths that must exist; s3:// URLs and
	// "-" (stdin) are exempt. A missing one is a usage error.
	Inputs []string
	// ArgInputs says the positional arguments are local input paths too.
	ArgInputs bool
	// LeadingArgs is how many positional arguments may come before the
	// flags. urfave/cli stops reading flags at the first argument, so
	// `cci diff A B --flag ...` (LeadingArgs 2) is re-run as
	// `cci diff --flag ... A B`.
	LeadingArgs int
	// Exits are the exit codes the command returns beyond exit.Common.
	Exits []int
	// Examples are shown in help and the man page.
	Examples []example
}

type example struct {
	What string // one line: what it does
	Cmd  string // the command line; "\n" continues it on the next line
}

// exitCodes are the codes c can return, sorted.
func (c *command) exitCodes() []int {
	codes := append(slices.Clone(exit.Common), c.Exits...)
	slices.Sort(codes)
	return slices.Compact(codes)
}

// now is the clock of relative times (--since 24h, --until now); tests
// set it.
var now = time.Now

// version is set with -ldflags "-X main.version=..."; empty falls back to
// the module version from the build info.
var version string

// run is main without the process: it builds the app, runs it and reports
// errors on stderr. The returned error carries the exit code; a run
// stopped by a signal gets the signal's code (130, 143).
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	app := newApp(stdin, stdout, stderr)
	err := app.RunContext(ctx, legacyArgs(args))
	var sig *exit.Error
	if cause := context.Cause(ctx); cause != nil && errors.As(cause, &sig) {
		if err == nil {
			err = cause
		}
		err = &exit.Error{Code: sig.Code, Err: err}
	}
	if err == nil {
		return nil
	}
	code := exit.Code(err)
	var ce cli.ExitCoder
	if errors.As(err, &ce) && code == exit.Runtime && ce.ExitCode() != 0 {
		code = ce.ExitCode()
	}
	// Every line gets the prefix: errors.Join puts one error per line.
	var h *hinted
	msg, hints := err.Error(), []string(nil)
	if errors.As(err, &h) {
		msg, hints = h.err.Error(), h.hints
	}
	// Runtime errors may carry hints too (s3.HintError: no credentials, an
	// unreachable endpoint).
	var uh interface{ UserHints() []string }
	if errors.As(err, &uh) {
		hints = append(hints, uh.UserHints()...)
	}
	for _, l := range strings.Split(msg, "\n") {
		fmt.Fprintf(stderr, "cci: error: %s\n", l)
	}
	for _, l := range hints {
		fmt.Fprintf(stderr, "cci: hint: %s\n", l)
	}
	return &exit.Error{Code: code, Err: err}
}

// hinted is a usage error with hints printed after it.
type hinted struct {
	err   error
	hints []string
}

func (h *hinted) Error() string { return h.err.Error() }
func (h *hinted) Unwrap() error { return h.err }

func usageError(err error, hints ...string) error {
	return &exit.Error{Code: exit.Usage, Err: &hinted{err: err, hints: hints}}
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	cmds := commands()
	cmds = append(cmds, helpCommand(cmds))
	app := &cli.App{
		Name:  "cci",
		Usage: "which AWS permissions did each OpenShift cluster identity really use?",
		Description: "cci extract reads CloudTrail logs (local or S3) and groups the IAM actions each identity " +
			"used; cci compare diffs them against OpenShift CredentialsRequests and the installer policy. " +
			"cci simulate evaluates IAM policies offline; cci explain says why AWS refused a call or whether it " +
			"will accept a service-account token; cci check tests an account's IAM state against the " +
			"CredentialsRequests; cci generate writes least-privilege policies or CredentialsRequests from the " +
			"actions used; cci diff compares two runs or two sets of CredentialsRequests.",
		HideVersion: true,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "version", Aliases: []string{"v"}, Usage: "print the version (as cci version)"},
			// urfave adds it only when there is no help command; cci has its own.
			cli.HelpFlag,
		},
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		// main owns the exit; urfave must never call os.Exit.
		ExitErrHandler:  func(*cli.Context, error) {},
		HideHelpCommand: true,
		// A flag value is one value: "--events-path /tmp/a,b" is one path.
		DisableSliceFlagSeparator: true,
		EnableBashCompletion:      true,
		Action: func(c *cli.Context) error {
			if c.Bool("version") {
				return printVersion(c.App.Writer)
			}
			if c.NArg() > 0 {
				return unknownCommand(cmds, c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
	}
	app.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
		return translateUsageError(err, app.Flags, "cci", cmds)
	}
	for _, c := range cmds {
		setup(c, cmds)
		app.Commands = append(app.Commands, c.Command)
	}
	app.CustomAppHelpTemplate = helpTemplate(appHelp(app, cmds))
	// The help of a command is rendered when that command is about to run
	// (urfave runs the app's Before first), not for every command at every
	// start: rendering them all took 1.5 ms and 0.6 MB of garbage, on the
	// start path of every cci process. Every way urfave shows a command's
	// help (--help, -h, a missing required flag) goes through that
	// command's Run, after this.
	app.Before = func(ctx *cli.Context) error {
		name := ctx.Args().First()
		for _, c := range cmds {
			if c.HasName(name) && c.CustomHelpTemplate == "" {
				c.CustomHelpTemplate = helpTemplate(commandHelp(c))
			}
		}
		return nil
	}
	return app
}

// setup wires the generic behaviour into c: usage errors and the checks of
// Required and Inputs before the command's own Before. Its help template is
// set by the app's Before (newApp).
func setup(c *command, all []*command) {
	c.HideHelpCommand = true
	c.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
		return translateUsageError(err, c.Flags, "cci "+c.Name, all)
	}
	own := c.Before
	c.Before = func(ctx *cli.Context) error {
		if err := checkInvocation(c, ctx); err != nil {
			return err
		}
		if own != nil {
			return own(ctx)
		}
		return nil
	}
	if action := c.Action; action != nil && c.LeadingArgs > 0 {
		c.Action = func(ctx *cli.Context) error {
			if args, ok := flagsFirst(ctx.Args().Slice(), c.LeadingArgs); ok {
				return ctx.App.RunContext(ctx.Context, append([]string{ctx.App.Name, c.Name}, args...))
			}
			return action(ctx)
		}
	}
}

// flagsFirst moves the first n arguments after the rest when they are
// positional and a flag follows them; ok says it moved them.
func flagsFirst(args []string, n int) (out []string, ok bool) {
	if len(args) <= n || slices.ContainsFunc(args[:n], isFlag) || !isFlag(args[n]) {
		return nil, false
	}
	return append(slices.Clone(args[n:]), args[:n]...), true
}

func isFlag(arg string) bool { return len(arg) > 1 && arg[0] == '-' }

// checkInvocation runs the checks every command gets: no stray arguments,
// every required flag set, every local input path present.
func checkInvocation(c *command, ctx *cli.Context) error {
	if c.ArgsUsage == "" && ctx.NArg() > 0 {
		return usageError(fmt.Errorf("unexpected argument %q", ctx.Args().First()),
			fmt.Sprintf("cci %s takes flags only; see cci %s --help", c.Name, c.Name))
	}
	var missing []string
	for _, name := range c.Required {
		if len(values(ctx, name)) == 0 {
			missing = append(missing, "--"+name)
		}
	}
	if len(missing) > 0 {
		what, pron := "flag", "it; it"
		if len(missing) > 1 {
			what, pron = "flags", "them; each"
		}
		return usageError(fmt.Errorf("missing required %s %s", what, strings.Join(missing, ", ")),
			fmt.Sprintf("cci %s --help describes %s can also be set with its CCI_* variable", c.Name, pron))
	}
	var errs []string
	missingPath := func(what, v string) {
		if v == "-" || strings.Contains(v, "://") {
			return
		}
		if _, err := os.Stat(v); err != nil {
			reason := err.Error()
			var pe *os.PathError
			if errors.As(err, &pe) {
				reason = pe.Err.Error()
			}
			errs = append(errs, fmt.Sprintf("%s%s: %s", what, v, reason))
		}
	}
	for _, name := range c.Inputs {
		for _, v := range values(ctx, name) {
			missingPath("--"+name+" ", v)
		}
	}
	if args := ctx.Args().Slice(); c.ArgInputs && !slices.ContainsFunc(args, isFlag) {
		// With a flag among them, the command re-reads its arguments
		// (see LeadingArgs), and this check runs again then.
		for _, v := range args {
			missingPath("", v)
		}
	}
	if len(errs) > 0 {
		return usageError(errors.New(strings.Join(errs, "; ")))
	}
	return nil
}

// values returns what flag name holds as a list: a string flag gives one
// value (none when empty), a repeatable flag its values with its CCI_*
// variable's list split at newlines (see list).
func values(ctx *cli.Context, name string) []string {
	switch v := ctx.Value(name).(type) {
	case string:
		if v == "" {
			return nil
		}
		return []string{v}
	case cli.StringSlice:
		return list(ctx, name)
	case nil:
		return nil
	default:
		if ctx.IsSet(name) {
			return []string{fmt.Sprint(v)}
		}
		return nil
	}
}

// list returns the values of a repeatable flag. Values are never split on
// commas (a path or an IAM name may hold one); a CCI_* variable holds a
// list as one value per line, so each value is split at newlines and empty
// lines are dropped.
func list(ctx *cli.Context, name string) []string {
	var out []string
	for _, v := range ctx.StringSlice(name) {
		out = append(out, splitLines(v)...)
	}
	return out
}

// splitLines returns the non-blank lines of s, trimmed: the list form of
// a CCI_* variable.
func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// noCommas rejects list values with a comma where no valid value has one
// (account IDs, regions): "--region a,b" is a mistake for two flags.
func noCommas(name string, vs []string) error {
	for _, v := range vs {
		if strings.Contains(v, ",") {
			return usageError(fmt.Errorf("--%s %q: one value per flag (values are not split on commas)", name, v),
				fmt.Sprintf("repeat the flag: --%s %s", name, strings.Join(strings.Split(v, ","), " --"+name+" ")))
		}
	}
	return nil
}

// unknownCommand is the error for `cci NAME` with no such command.
func unknownCommand(cmds []*command, name string) error {
	var names []string
	for _, c := range cmds {
		if !c.Hidden {
			names = append(names, c.Name)
		}
	}
	msg := fmt.Sprintf("unknown command %q", name)
	if s := closest(name, names); s != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", s)
	}
	return usageError(errors.New(msg), "the commands are "+strings.Join(names, ", ")+"; cci help lists them")
}

// legacyArgs rewrites the legacy invocations into the modern ones:
//
//   - `cci --command X ...` of cci.py becomes `cci X ...`; --command may
//     stand anywhere among the flags.
//   - the oldest form of the experiment write-up, `cci --cluster-name N
//     --cloud-trail-logs DIR ...` and `cci --cluster-name N
//     --check-credentials-requests DIR --processed-events FILE ...`,
//     becomes the hidden commands of legacy.go.
func legacyArgs(args []string) []string {
	if len(args) < 2 || !strings.HasPrefix(args[1], "-") {
		return args
	}
	oldest := ""
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
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch name {
		case "cloud-trail-logs":
			if oldest == "" {
				oldest = legacyExtractName
			}
		case "check-credentials-requests", "processed-events":
			oldest = legacyCompareName
		}
	}
	if oldest != "" {
		return append([]string{args[0], oldest}, args[1:]...)
	}
	return args
}

// parseTime reads a time flag: RFC 3339, a bare date (UTC midnight), "now",
// or a duration meaning that long before now ("24h").
func parseTime(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if strings.EqualFold(s, "now") {
		return now().UTC().Truncate(time.Second), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now().UTC().Add(-d).Truncate(time.Second), nil
	}
	return time.Time{}, usageError(fmt.Errorf("--%s %q: want a time like 2024-09-20T02:45:00Z or 2024-09-20, "+
		"a duration before now like 24h, or now", flag, s))
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
			return nil, usageError(fmt.Errorf("--filters %q: want key=value[,key=value...]", s))
		}
		out[strings.TrimSpace(k)] = append(out[strings.TrimSpace(k)], strings.TrimSpace(v))
	}
	return out, nil
}

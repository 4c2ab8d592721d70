package main

import (
	"github.com/urfave/cli/v2"

	"github.com/cloud-credentials-insights/cci/internal/rundiff"
)

func diffCommand() *cli.Command {
	return &cli.Command{
		Name:  "diff",
		Usage: "what changed between two runs, or between two sets of CredentialsRequests",
		UsageText: "cci diff A B [--counts] [--format table|markdown|json] [--fail-on new-missing,new-required,new-denied]\n" +
			"   cci diff --credentials-requests-path A --credentials-requests-path B [--format ...] [--fail-on new-required]\n\n" +
			"A and B: events.json (cci extract), compiled_users.json (cci compare) or their directories",
		Description: "Pairs identities by the request they matched, else by their name less cluster, infra ID and\n" +
			"mint suffix; see docs/diff.md.\n\n" +
			"EXIT CODES:\n   0  ok\n   1  runtime error\n   2  usage error\n   3  findings matched --fail-on",
		Flags: []cli.Flag{
			listOf("credentials-requests-path", "a set of CredentialsRequests (give it twice: release N, then N+1)"),
			&cli.BoolFlag{Name: "counts", Usage: "compare call counts too", EnvVars: env("COUNTS")},
			&cli.StringFlag{Name: "format", Value: rundiff.FormatTable, Usage: "table, markdown or json", EnvVars: env("FORMAT")},
			&cli.StringSliceFlag{Name: "fail-on", Usage: "exit 3 when any of these exists: new-missing,new-required,new-denied", EnvVars: env("FAIL_ON")},
		},
		Action: func(c *cli.Context) error {
			// urfave/cli stops at the first argument; `cci diff A B --flag
			// ...` is read as `cci diff --flag ... A B`.
			if args := c.Args().Slice(); len(args) > 2 && !isFlag(args[0]) && !isFlag(args[1]) && isFlag(args[2]) {
				return c.App.RunContext(c.Context, append([]string{c.App.Name, c.Command.Name}, append(args[2:], args[:2]...)...))
			}
			// CCI_CREDENTIALS_REQUESTS_PATH is compare's too: with two runs
			// given, only the flag counts.
			var sets []string
			if c.NArg() == 0 || c.IsSet("credentials-requests-path") {
				sets = list(c, "credentials-requests-path")
			}
			opts := rundiff.Options{
				Paths:                    c.Args().Slice(),
				CredentialsRequestsPaths: sets,
				Counts:                   c.Bool("counts"),
				Format:                   c.String("format"),
				FailOn:                   c.StringSlice("fail-on"),
			}
			return rundiff.Run(c.Context, opts, c.App.Writer, c.App.ErrWriter)
		},
	}
}

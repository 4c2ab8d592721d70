package main

import (
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/rundiff"
)

func diffCommand() *command {
	return &command{Command: &cli.Command{
		Name:  "diff",
		Usage: "what changed between two runs, or between two sets of CredentialsRequests",
		UsageText: "cci diff A B [--counts] [--format table|markdown|json]\n" +
			"      [--fail-on new-missing,new-required,new-denied]\n" +
			"   cci diff --credentials-requests-path A --credentials-requests-path B [--format ...]\n" +
			"      [--fail-on new-required]",
		ArgsUsage: "A B",
		Description: "A and B: events.json (cci extract), compiled_users.json (cci compare) or their directories.\n" +
			"Pairs identities by the request they matched, else by their name less cluster, infra ID and\n" +
			"mint suffix; see docs/diff.md.",
		Flags: []cli.Flag{
			listOf("credentials-requests-path", "a set of CredentialsRequests (give it twice: release N, then N+1)"),
			&cli.BoolFlag{Name: "counts", Usage: "compare call counts too", EnvVars: env("COUNTS")},
			&cli.StringFlag{Name: "format", Value: rundiff.FormatTable, Usage: "table, markdown or json", EnvVars: env("FORMAT")},
			&cli.StringSliceFlag{Name: "fail-on", Usage: "exit 3 when any of these exists: new-missing,new-required,new-denied", EnvVars: env("FAIL_ON")},
		},
		Action: func(c *cli.Context) error {
			// CCI_CREDENTIALS_REQUESTS_PATH is compare's too: with two runs
			// given, only the flag counts.
			var sets []string
			if c.NArg() == 0 || !fromEnvOnly(c, "credentials-requests-path") {
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
	},
		ArgInputs:   true,
		LeadingArgs: 2,
		Inputs:      []string{"credentials-requests-path"},
		Exits:       []int{exit.Findings},
		Examples: []example{
			{"what the e2e tests added to an install-only run", "cci diff install/compiled_users.json e2e/compiled_users.json --fail-on new-missing"},
			{"what a release changed in the CredentialsRequests",
				"cci diff --credentials-requests-path release-4.17/ --credentials-requests-path release-4.18/"},
		},
	}
}

// fromEnvOnly reports whether the repeatable flag name holds exactly what
// its CCI_* variable says, that is, was not given on the command line.
func fromEnvOnly(c *cli.Context, name string) bool {
	env := os.Getenv("CCI_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")))
	return env != "" && slices.Equal(list(c, name), splitLines(env))
}

package main

import (
	"github.com/urfave/cli/v2"

	"github.com/cloud-credentials-insights/cci/internal/generate"
)

func generateCommand() *command {
	return &command{Command: &cli.Command{
		Name:  "generate",
		Usage: "least-privilege IAM policies or CredentialsRequests from the actions identities used",
		UsageText: "cci generate --events-path events.json|DIR\n" +
			"   [--compiled compiled_users.json [--credentials-requests-path DIR]] [--identity NAME ...]\n" +
			"   [--format iam-policy|credentials-request] [--resources] [--collapse] [--output DIR]",
		Description: "One policy document (or CredentialsRequest) per identity, to stdout or into --output;\n" +
			"see docs/generate.md.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "events-path", Usage: "events.json written by cci extract, or its directory", EnvVars: env("EVENTS_PATH")},
			&cli.StringFlag{Name: "compiled", Usage: "compiled_users.json written by cci compare: the matched requests and their unsupportedCheck", EnvVars: env("COMPILED")},
			&cli.StringFlag{Name: "credentials-requests-path", Usage: "the original manifests (default: credentials_requests.json beside --compiled)", EnvVars: env("CREDENTIALS_REQUESTS_PATH")},
			listOf("identity", "generate for this identity only (repeatable)"),
			&cli.StringFlag{Name: "format", Value: generate.FormatIAMPolicy, Usage: "iam-policy or credentials-request", EnvVars: env("FORMAT")},
			&cli.BoolFlag{Name: "resources", Usage: "Resource: the ARNs the trail showed for each action (\"*\" where it showed none, or more than events.json keeps)", EnvVars: env("RESOURCES")},
			&cli.BoolFlag{Name: "collapse", Usage: "fold a family into a wildcard when every action it matches was used", EnvVars: env("COLLAPSE")},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "directory for one file per identity (per request); empty writes to stdout", EnvVars: env("OUTPUT")},
		},
		Action: func(c *cli.Context) error {
			opts := generate.Options{
				EventsPath:              c.String("events-path"),
				Compiled:                c.String("compiled"),
				CredentialsRequestsPath: c.String("credentials-requests-path"),
				Identities:              list(c, "identity"),
				Format:                  c.String("format"),
				Resources:               c.Bool("resources"),
				Collapse:                c.Bool("collapse"),
				Output:                  c.String("output"),
			}
			return generate.Run(c.Context, opts, c.App.Writer, c.App.ErrWriter)
		},
	},
		Required: []string{"events-path"},
		Inputs:   []string{"events-path", "compiled", "credentials-requests-path"},
		Examples: []example{
			{"one least-privilege policy per identity", "cci generate --events-path out --collapse --output policies"},
			{"CredentialsRequests with what each operator used (needs compare's output)",
				"cci generate --events-path out --compiled out/compiled_users.json --format credentials-request \\\n" +
					"--output suggested"},
		},
	}
}

package main

import (
	"github.com/urfave/cli/v2"

	"github.com/cloud-credentials-insights/cci/internal/compare"
	"github.com/cloud-credentials-insights/cci/internal/exit"
)

func compareCommand() *cli.Command {
	return &cli.Command{
		Name:  "compare",
		Usage: "diff observed IAM actions against CredentialsRequests and the installer policy",
		UsageText: "cci compare --events-path events.json --credentials-requests-path DIR [--output DIR]\n" +
			"   [--installer-user-name NAME --installer-requests-file FILE] [--cluster-name NAME | --infra-id ID]\n" +
			"   [--format table|markdown|json] [--fail-on missing,denied,extra,unknown]",
		Description: "Writes compiled_users.json, compiled_users.diff.json and credentials_requests.json into --output\n" +
			"and a report to stdout; see docs/compare.md.\n\n" + exitCodesHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "events-path", Usage: "events.json written by cci extract (summary.json beside it is read too)", EnvVars: env("EVENTS_PATH")},
			&cli.StringFlag{Name: "credentials-requests-path", Usage: "directory of CredentialsRequest manifests (oc adm release extract --credentials-requests --cloud=aws)", EnvVars: env("CREDENTIALS_REQUESTS_PATH")},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "output directory (created if missing); empty writes no files", EnvVars: env("OUTPUT")},
			&cli.StringFlag{Name: "installer-user-name", Usage: "IAM user the installer ran as", EnvVars: env("INSTALLER_USER_NAME")},
			&cli.StringFlag{Name: "installer-requests-file", Aliases: []string{"installer-user-policy"}, Usage: "installer policy (aws-permissions-policy-creds.json); {} means none", EnvVars: env("INSTALLER_REQUESTS_FILE")},
			&cli.StringFlag{Name: "instance-role-policies", Usage: "instance-role policies replacing the compiled-in ones", EnvVars: env("INSTANCE_ROLE_POLICIES")},
			&cli.StringFlag{Name: "cluster-name", Usage: "cluster name (and ccoctl --name of STS roles); inferred when neither this nor --infra-id is set", EnvVars: env("CLUSTER_NAME")},
			&cli.StringFlag{Name: "infra-id", Usage: "infra ID (cluster name + 5 random characters)", EnvVars: env("INFRA_ID")},
			&cli.StringFlag{Name: "filters", Usage: "legacy filters: cluster-name=X (other keys are accepted and ignored)", EnvVars: env("FILTERS")},
			&cli.StringFlag{Name: "format", Value: compare.FormatTable, Usage: "stdout report: table, markdown or json", EnvVars: env("FORMAT")},
			&cli.StringSliceFlag{Name: "fail-on", Usage: "exit 3 when any of these findings exists: missing,denied,extra,unknown", EnvVars: env("FAIL_ON")},
		},
		Action: func(c *cli.Context) error {
			opts, err := compareOptions(c)
			if err != nil {
				return err
			}
			return compare.Run(c.Context, opts, c.App.Writer, c.App.ErrWriter)
		},
	}
}

func compareOptions(c *cli.Context) (compare.Options, error) {
	if c.NArg() > 0 {
		return compare.Options{}, exit.Errorf(exit.Usage, "unexpected argument %q", c.Args().First())
	}
	filters, err := legacyFilters(c.String("filters"))
	if err != nil {
		return compare.Options{}, err
	}
	return compare.Options{
		EventsPath:              c.String("events-path"),
		CredentialsRequestsPath: c.String("credentials-requests-path"),
		Output:                  c.String("output"),
		InstallerUserName:       c.String("installer-user-name"),
		InstallerRequestsFile:   c.String("installer-requests-file"),
		InstanceRolePolicies:    c.String("instance-role-policies"),
		ClusterName:             c.String("cluster-name"),
		InfraID:                 c.String("infra-id"),
		Filters:                 filters,
		Format:                  c.String("format"),
		FailOn:                  c.StringSlice("fail-on"),
	}, nil
}

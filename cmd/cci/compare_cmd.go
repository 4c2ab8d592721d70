package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cloud-credentials-insights/cci/internal/compare"
	"github.com/cloud-credentials-insights/cci/internal/credreq"
	"github.com/cloud-credentials-insights/cci/internal/exit"
)

func compareCommand() *command {
	return &command{
		Command: &cli.Command{
			Name:  "compare",
			Usage: "diff observed IAM actions against CredentialsRequests and the installer policy",
			Description: "Writes compiled_users.json, compiled_users.diff.json and credentials_requests.json " +
				"into --output and a report to stdout (docs/compare.md). Without --cluster-name or --infra-id " +
				"the cluster is inferred from the identities' names.",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "events-path", TakesFile: true, Usage: "the events.json `PATH` cci extract wrote, or its output directory; summary.json beside it is read too", EnvVars: env("EVENTS_PATH")},
				&cli.StringFlag{Name: "credentials-requests-path", TakesFile: true, Usage: "`DIR` of CredentialsRequest manifests (oc adm release extract --credentials-requests --cloud=aws), or one file", EnvVars: env("CREDENTIALS_REQUESTS_PATH")},
				&cli.StringFlag{Name: "output", TakesFile: true, Aliases: []string{"o"}, Usage: "output `DIR`, created if missing; without it no files are written", EnvVars: env("OUTPUT")},
				&cli.StringFlag{Name: "installer-user-name", Usage: "IAM user `NAME` the installer ran as", EnvVars: env("INSTALLER_USER_NAME")},
				&cli.StringFlag{Name: "installer-requests-file", TakesFile: true, Aliases: []string{"installer-user-policy"}, Usage: "installer policy `FILE` (aws-permissions-policy-creds.json); {} means none", EnvVars: env("INSTALLER_REQUESTS_FILE")},
				&cli.StringFlag{Name: "instance-role-policies", TakesFile: true, Usage: "instance-role policies `FILE` replacing the compiled-in ones", EnvVars: env("INSTANCE_ROLE_POLICIES")},
				&cli.StringFlag{Name: "cluster-name", Usage: "cluster `NAME` (and ccoctl --name of STS roles)", EnvVars: env("CLUSTER_NAME")},
				&cli.StringFlag{Name: "infra-id", Usage: "infra `ID`: the cluster name cut to 21 characters, - and 5 random characters", EnvVars: env("INFRA_ID")},
				&cli.StringFlag{Name: "filters", Usage: "legacy `FILTERS`: cluster-name=X (other keys are accepted and ignored)", EnvVars: env("FILTERS")},
				&cli.StringFlag{Name: "format", Value: compare.FormatTable, Usage: "`FORMAT` of the report on stdout: table, markdown or json", EnvVars: env("FORMAT")},
				&cli.StringSliceFlag{Name: "fail-on", Usage: "exit 3 when a finding of this comma-separated `LIST` exists: missing, denied, extra, " +
					"unknown, empty (nothing compared), unmatched (a request no identity used), or all", EnvVars: env("FAIL_ON")},
				&cli.StringFlag{Name: "baseline", TakesFile: true, Usage: "accepted findings: a previous compiled_users.diff.json or an ignore `FILE` " +
					"(IDENTITY-OR-REQUEST ACTION [exp:YYYY-MM-DD] per line); they are reported as baselined, not failed on", EnvVars: env("BASELINE")},
				&cli.StringSliceFlag{Name: "authorization-details", TakesFile: true, Usage: "output `FILE` of aws iam get-account-authorization-details " +
					"(repeatable: pages merge); evaluate each matched identity's policies in force against its request", EnvVars: env("AUTHORIZATION_DETAILS")},
				&cli.StringFlag{Name: "junit", TakesFile: true, Usage: "also write a JUnit XML report to `FILE` (junit_cci.xml for a CI artifact viewer)", EnvVars: env("JUNIT")},
			},
			Action: func(c *cli.Context) error {
				opts, err := compareOptions(c)
				if err != nil {
					return err
				}
				return compare.Run(c.Context, opts, c.App.Writer, c.App.ErrWriter)
			},
		},
		Required: []string{"events-path", "credentials-requests-path"},
		Inputs:   []string{"events-path", "credentials-requests-path", "installer-requests-file", "instance-role-policies", "baseline", "authorization-details"},
		Exits:    []int{exit.Findings, exit.Partial},
		Examples: []example{
			{"diff one cluster's identities, writing the JSON reports into out",
				"cci compare --events-path out/events.json --credentials-requests-path ./credreqs \\\n" +
					"--cluster-name mycluster --output out"},
			{"a Markdown report for a CI summary page; exit 3 on missing or denied permissions",
				"cci compare --events-path out/events.json --credentials-requests-path ./credreqs \\\n" +
					"--infra-id mycluster-x7k2p --format markdown --fail-on missing,denied"},
			{"a CI gate: fail on anything new or on an empty run, accept known findings, write JUnit",
				"cci compare --events-path out --credentials-requests-path ./credreqs --cluster-name mycluster \\\n" +
					"--fail-on all --baseline cci-baseline.txt --junit out/junit_cci.xml"},
		},
	}
}

func compareOptions(c *cli.Context) (compare.Options, error) {
	filters, err := legacyFilters(c.String("filters"))
	if err != nil {
		return compare.Options{}, err
	}
	bi, _ := debug.ReadBuildInfo()
	o := compare.Options{
		EventsPath:              c.String("events-path"),
		CredentialsRequestsPath: c.String("credentials-requests-path"),
		Output:                  c.String("output"),
		InstallerUserName:       c.String("installer-user-name"),
		InstallerRequestsFile:   c.String("installer-requests-file"),
		InstanceRolePolicies:    c.String("instance-role-policies"),
		AuthorizationDetails:    list(c, "authorization-details"),
		ClusterName:             c.String("cluster-name"),
		InfraID:                 c.String("infra-id"),
		Filters:                 filters,
		Format:                  c.String("format"),
		FailOn:                  list(c, "fail-on"),
		Baseline:                c.String("baseline"),
		JUnit:                   c.String("junit"),
		Version:                 buildVersion(version, bi),
	}
	name, flag := o.ClusterName, "--cluster-name"
	if vs := filters["cluster-name"]; name == "" && len(vs) > 0 {
		name, flag = vs[len(vs)-1], "--filters cluster-name="
	}
	if err := sameCluster(flag, name, o.InfraID); err != nil {
		return o, err
	}
	return o, nil
}

// sameCluster rejects a cluster name and an infra ID of different
// clusters: the installer's infra ID is the cluster name cut to 21
// characters (credreq.InfraBase), "-" and 5 random characters.
func sameCluster(flag, name, infraID string) error {
	if name == "" || infraID == "" {
		return nil
	}
	base := credreq.InfraBase(name)
	if strings.HasPrefix(infraID, base+"-") && len(infraID) == len(base)+6 {
		return nil
	}
	sep := " "
	if strings.HasSuffix(flag, "=") {
		sep = ""
	}
	return usageError(fmt.Errorf("%s%s%s and --infra-id %s name different clusters: an infra ID of cluster %s is %s-xxxxx",
		flag, sep, name, infraID, name, base), "give one of them, or both of the same cluster")
}

package main

import (
	"github.com/urfave/cli/v2"

	"github.com/cloud-credentials-insights/cci/internal/check"
	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/oidc"
)

func checkCommand() *command {
	return &command{Command: &cli.Command{
		Name:  "check",
		Usage: "will this account's IAM state let every operator do what its CredentialsRequest needs?",
		UsageText: "cci check --credentials-requests-path DIR --authorization-details FILE ...\n" +
			"   [--scp FILE|DIR ...] [--endpoint-policy FILE] [--oidc-provider FILE [--probe-oidc]]\n" +
			"   [--cluster-name NAME | --infra-id ID] [--mode auto|mint|sts]\n" +
			"   [--installer-user-name NAME [--installer-requests-file FILE]] [--context-entries ENTRY ...]\n" +
			"   [--output DIR] [--format table|markdown|json]\n" +
			"   [--fail-on denied,absent,untrusted,source-restricted]",
		Description: "Offline (unless --probe-oidc) on the output of aws iam get-account-authorization-details;\n" +
			"see docs/check.md. An input file that cannot be read (missing, not JSON, truncated) is a usage\n" +
			"error (2); a skipped manifest, a missing page or managed policy leaves a partial result (4).",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "credentials-requests-path", Usage: "directory of CredentialsRequest manifests (oc adm release extract --credentials-requests --cloud=aws)", EnvVars: env("CREDENTIALS_REQUESTS_PATH")},
			listOf("authorization-details", "output of aws iam get-account-authorization-details; repeat for each page"),
			listOf("scp", "one organization level (root, OU, ..., account): an SCP file or a directory of them (repeatable)"),
			&cli.StringFlag{Name: "endpoint-policy", Usage: "VPC endpoint policy file", EnvVars: env("ENDPOINT_POLICY")},
			&cli.StringFlag{Name: "oidc-provider", Usage: "output of aws iam get-open-id-connect-provider", EnvVars: env("OIDC_PROVIDER")},
			&cli.BoolFlag{Name: "probe-oidc", Usage: "fetch the issuer's discovery document and keys without credentials (online)", EnvVars: env("PROBE_OIDC")},
			&cli.DurationFlag{Name: "probe-timeout", Value: oidc.DefaultProbeTimeout, Usage: "timeout of each probe request", EnvVars: env("PROBE_TIMEOUT")},
			&cli.StringFlag{Name: "cluster-name", Usage: "cluster name (ccoctl --name of STS roles); inferred when neither this nor --infra-id is set", EnvVars: env("CLUSTER_NAME")},
			&cli.StringFlag{Name: "infra-id", Usage: "infra ID (cluster name + 5 random characters), for minted user names", EnvVars: env("INFRA_ID")},
			&cli.StringFlag{Name: "mode", Value: check.ModeAuto, Usage: "which identities implement the requests: auto, mint or sts", EnvVars: env("MODE")},
			&cli.StringFlag{Name: "installer-user-name", Usage: "IAM user the installer runs as", EnvVars: env("INSTALLER_USER_NAME")},
			&cli.StringFlag{Name: "installer-requests-file", Usage: "installer policy (aws-permissions-policy-creds.json) whose actions to check", EnvVars: env("INSTALLER_REQUESTS_FILE")},
			listOf("context-entries", "ContextKeyName=k,ContextKeyValues=v1,v2,ContextKeyType=string, JSON, or file://ctx.json (repeatable)"),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "directory for check.json (created if missing); empty writes no file", EnvVars: env("OUTPUT")},
			&cli.StringFlag{Name: "format", Value: check.FormatTable, Usage: "stdout report: table, markdown or json", EnvVars: env("FORMAT")},
			&cli.StringSliceFlag{Name: "fail-on", Usage: "exit 3 when any of these findings exists: denied,absent,untrusted,source-restricted", EnvVars: env("FAIL_ON")},
		},
		Action: func(c *cli.Context) error {
			opts, err := checkOptions(c)
			if err != nil {
				return err
			}
			return check.Run(c.Context, opts, c.App.Writer, c.App.ErrWriter)
		},
	},
		Required: []string{"credentials-requests-path", "authorization-details"},
		Inputs: []string{"credentials-requests-path", "authorization-details", "scp", "endpoint-policy",
			"oidc-provider", "installer-requests-file"},
		Exits: []int{exit.Findings, exit.Partial},
		Examples: []example{
			{"an STS cluster's roles, with the organization's SCPs at the root and at the OU",
				"cci check --credentials-requests-path credreqs --authorization-details auth.json \\\n" +
					"--scp root/ --scp ou-workloads/ --cluster-name mycluster --fail-on denied,untrusted"},
			{"a mint-mode cluster and its installer user",
				"cci check --credentials-requests-path credreqs --authorization-details auth.json \\\n" +
					"--infra-id mycluster-x7k2p --installer-user-name mycluster-installer"},
		},
	}
}

func checkOptions(c *cli.Context) (check.Options, error) {
	return check.Options{
		CredentialsRequestsPath: c.String("credentials-requests-path"),
		AuthorizationDetails:    list(c, "authorization-details"),
		SCPLevels:               list(c, "scp"),
		EndpointPolicy:          c.String("endpoint-policy"),
		OIDCProvider:            c.String("oidc-provider"),
		ProbeOIDC:               c.Bool("probe-oidc"),
		ProbeTimeout:            c.Duration("probe-timeout"),
		ClusterName:             c.String("cluster-name"),
		InfraID:                 c.String("infra-id"),
		Mode:                    c.String("mode"),
		InstallerUserName:       c.String("installer-user-name"),
		InstallerRequestsFile:   c.String("installer-requests-file"),
		ContextEntries:          list(c, "context-entries"),
		Output:                  c.String("output"),
		Format:                  c.String("format"),
		FailOn:                  c.StringSlice("fail-on"),
	}, nil
}

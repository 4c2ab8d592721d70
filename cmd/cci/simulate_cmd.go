package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/simulate"
)

// listOf is a repeatable flag: one value per occurrence (ARNs, file names
// and context entries hold commas), or one a line in its CCI_* variable.
func listOf(name, usage string) *cli.StringSliceFlag {
	return &cli.StringSliceFlag{Name: name, Usage: usage, EnvVars: env(strings.ToUpper(strings.ReplaceAll(name, "-", "_")))}
}

func simulateCommand() *command {
	return &command{Command: &cli.Command{
		Name:  "simulate",
		Usage: "aws iam simulate-custom-policy, offline, with boundaries, SCPs and more policy types",
		UsageText: "cci simulate --action-names A,B [--policy-input-list FILE ...]\n" +
			"   [--permissions-boundary-policy-input-list FILE ...] [--scp FILE|DIR ...]\n" +
			"   [--resource-policy FILE] [--session-policy FILE] [--endpoint-policy FILE]\n" +
			"   [--resource-arns ARN ...] [--caller-arn ARN] [--resource-owner ACCOUNT]\n" +
			"   [--context-entries ENTRY|file://ctx.json ...] [--format table|json] [--fail-on denied]",
		Description: "A drop-in for aws iam simulate-custom-policy; see docs/simulate.md.",
		Flags: []cli.Flag{
			listOf("policy-input-list", "identity-based policy file (repeatable)"),
			listOf("permissions-boundary-policy-input-list", "permissions boundary policy file; every one must allow (repeatable)"),
			listOf("scp", "one organization level (root, OU, ..., account): an SCP file or a directory of them (repeatable)"),
			&cli.StringFlag{Name: "resource-policy", Usage: "resource-based policy file", EnvVars: env("RESOURCE_POLICY")},
			&cli.StringFlag{Name: "session-policy", Usage: "session policy file", EnvVars: env("SESSION_POLICY")},
			&cli.StringFlag{Name: "endpoint-policy", Usage: "VPC endpoint policy file", EnvVars: env("ENDPOINT_POLICY")},
			listOf("action-names", "actions to simulate, e.g. ec2:RunInstances (repeatable, or a comma list)"),
			listOf("resource-arns", "request resources (repeatable; default \"*\")"),
			&cli.StringFlag{Name: "caller-arn", Usage: "principal ARN (user, role, assumed-role session, federated user)", EnvVars: env("CALLER_ARN")},
			&cli.StringFlag{Name: "resource-owner", Usage: "account owning resources whose ARN carries none (S3)", EnvVars: env("RESOURCE_OWNER")},
			listOf("context-entries", "ContextKeyName=k,ContextKeyValues=v1,v2,ContextKeyType=string, JSON, or file://ctx.json (repeatable)"),
			&cli.StringFlag{Name: "format", Value: simulate.FormatTable, Usage: "table or json (SimulatePolicyResponse)", EnvVars: env("FORMAT")},
			&cli.StringSliceFlag{Name: "fail-on", Usage: "exit 3 when any decision is not allowed: denied", EnvVars: env("FAIL_ON")},
		},
		Action: func(c *cli.Context) error {
			opts, err := simulateOptions(c)
			if err != nil {
				return err
			}
			return simulate.Run(c.Context, opts, c.App.Writer, c.App.ErrWriter)
		},
	},
		Required: []string{"action-names"},
		Inputs:   []string{"policy-input-list", "permissions-boundary-policy-input-list", "scp", "resource-policy", "session-policy", "endpoint-policy"},
		Exits:    []int{exit.Findings},
		Examples: []example{
			{"machine-api's KMS grant actions, in the context its CredentialsRequest's condition needs", "cci simulate --policy-input-list machine-api.json \\\n" +
				"--action-names kms:CreateGrant,ec2:RunInstances \\\n" +
				"--context-entries file://grant-context.json"},
			{"an SCP at the root and one at an OU level, as JSON", "cci simulate --policy-input-list role.json --scp root-scps/ --scp ou-scp.json \\\n" +
				"--action-names ec2:RunInstances --format json"},
		},
	}
}

func simulateOptions(c *cli.Context) (simulate.Options, error) {
	if c.NArg() > 0 {
		return simulate.Options{}, exit.Errorf(exit.Usage, "unexpected argument %q", c.Args().First())
	}
	return simulate.Options{
		PolicyFiles:    list(c, "policy-input-list"),
		BoundaryFiles:  list(c, "permissions-boundary-policy-input-list"),
		SCPLevels:      list(c, "scp"),
		ResourcePolicy: c.String("resource-policy"),
		SessionPolicy:  c.String("session-policy"),
		EndpointPolicy: c.String("endpoint-policy"),
		Actions:        list(c, "action-names"),
		Resources:      list(c, "resource-arns"),
		CallerARN:      c.String("caller-arn"),
		ResourceOwner:  c.String("resource-owner"),
		ContextEntries: list(c, "context-entries"),
		Format:         c.String("format"),
		FailOn:         c.StringSlice("fail-on"),
	}, nil
}

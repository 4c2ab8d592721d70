package main

import (
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/simulate"
)

// listFlag is a repeatable flag that never splits a value on commas (ARNs,
// file names and context entries hold commas). Its environment variable
// holds one value a line; the flag, when given, replaces it.
type listFlag struct {
	vals []string
}

func (l *listFlag) Set(s string) error {
	l.vals = append(l.vals, s)
	return nil
}

func (l *listFlag) String() string { return strings.Join(l.vals, "\n") }

// list returns the flag's values, or its environment variable's lines.
func list(c *cli.Context, name string) []string {
	if c.IsSet(name) {
		if l, ok := c.Generic(name).(*listFlag); ok {
			return l.vals
		}
	}
	var out []string
	for _, line := range strings.Split(os.Getenv(envName(name)), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

func envName(flag string) string {
	return "CCI_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

func listOf(name, usage string) *cli.GenericFlag {
	// No EnvVars: list reads the variable itself, so that the flag
	// replaces it instead of adding to it.
	return &cli.GenericFlag{Name: name, Value: &listFlag{}, Usage: usage + " [$" + envName(name) + ", one a line]"}
}

func simulateCommand() *cli.Command {
	return &cli.Command{
		Name:  "simulate",
		Usage: "decide IAM requests offline against identity, boundary, SCP, resource, session and endpoint policies",
		UsageText: "cci simulate --action-names A,B [--policy-input-list FILE ...] [--permissions-boundary-policy-input-list FILE ...]\n" +
			"   [--scp FILE|DIR ...] [--resource-policy FILE] [--session-policy FILE] [--endpoint-policy FILE]\n" +
			"   [--resource-arns ARN ...] [--caller-arn ARN] [--resource-owner ACCOUNT]\n" +
			"   [--context-entries ENTRY|file://ctx.json ...] [--format table|json] [--fail-on denied]",
		Description: "A drop-in for aws iam simulate-custom-policy; see docs/simulate.md.\n\n" + exitCodesHelp,
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

package main

import (
	"github.com/urfave/cli/v2"

	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/explain"
	"github.com/cloud-credentials-insights/cci/internal/oidc"
)

func explainCommand() *command {
	return &command{Command: &cli.Command{
		Name:  "explain",
		Usage: "say why AWS refused a call, or whether AWS will accept a service-account token",
		UsageText: "cci explain [FILE|-] [--credentials-requests-path DIR [--cluster-name NAME | --infra-id ID]]\n" +
			"      [--format text|json]\n" +
			"   cci explain --token FILE [--oidc-provider FILE] [--jwks FILE] [--probe-oidc]\n" +
			"      [--service-account NAMESPACE:NAME | --trust-policy FILE]\n" +
			"      [--authorization-details FILE ... --role NAME]\n" +
			"      [--credentials-requests-path DIR] [--now TIME]",
		ArgsUsage: "[FILE|-]",
		Description: "FILE (default stdin) is the output of aws sts decode-authorization-message, the decoded message,\n" +
			"one CloudTrail record, or an error message as CloudTrail or an SDK logs it. With --token, checks a\n" +
			"projected service-account token instead; the token is never printed. Offline unless --probe-oidc.\n" +
			"See docs/explain.md. Exit 0 even when the report names problems.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "input", Usage: "the message to explain (instead of the FILE argument); - is stdin", EnvVars: env("EXPLAIN_INPUT")},
			&cli.StringFlag{Name: "format", Value: explain.FormatText, Usage: "text or json", EnvVars: env("FORMAT")},
			&cli.StringFlag{Name: "credentials-requests-path", Usage: "CredentialsRequest manifests, to name the request the principal serves", EnvVars: env("CREDENTIALS_REQUESTS_PATH")},
			&cli.StringFlag{Name: "cluster-name", Usage: "cluster name (ccoctl --name of STS roles); inferred from the principal when unset", EnvVars: env("CLUSTER_NAME")},
			&cli.StringFlag{Name: "infra-id", Usage: "infra ID (cluster name + 5 random characters)", EnvVars: env("INFRA_ID")},
			&cli.StringFlag{Name: "token", Usage: "service-account token file to check (- is stdin)", EnvVars: env("TOKEN")},
			&cli.StringFlag{Name: "oidc-provider", Usage: "output of aws iam get-open-id-connect-provider (checks iss and aud)", EnvVars: env("OIDC_PROVIDER")},
			&cli.StringFlag{Name: "jwks", Usage: "the issuer's keys.json (checks kid and the RS256 signature)", EnvVars: env("JWKS")},
			&cli.BoolFlag{Name: "probe-oidc", Usage: "fetch the issuer's discovery document and keys without credentials (online)", EnvVars: env("PROBE_OIDC")},
			&cli.DurationFlag{Name: "probe-timeout", Value: oidc.DefaultProbeTimeout, Usage: "timeout of each probe request", EnvVars: env("PROBE_TIMEOUT")},
			&cli.StringFlag{Name: "service-account", Usage: "expected subject NAMESPACE:NAME (checks sub)", EnvVars: env("SERVICE_ACCOUNT")},
			&cli.StringFlag{Name: "trust-policy", Usage: "the role's trust policy or aws iam get-role output (checks sub and aud)", EnvVars: env("TRUST_POLICY")},
			listOf("authorization-details", "output of aws iam get-account-authorization-details holding --role; repeat for each page"),
			&cli.StringFlag{Name: "role", Usage: "the role whose trust policy (in --authorization-details) checks sub and aud", EnvVars: env("ROLE")},
			&cli.StringFlag{Name: "now", Usage: "judge the token at this time (RFC 3339) instead of now", EnvVars: env("NOW")},
		},
		Action: func(c *cli.Context) error {
			opts, err := explainOptions(c)
			if err != nil {
				return err
			}
			return explain.Run(c.Context, opts, c.App.Writer, c.App.ErrWriter)
		},
	},
		ArgInputs:   true,
		LeadingArgs: 1,
		Inputs:      []string{"input", "credentials-requests-path", "token", "oidc-provider", "jwks", "trust-policy", "authorization-details"},
		Examples: []example{
			{"why was this call refused (the output of aws sts decode-authorization-message)", "cci explain decoded.json --credentials-requests-path ./credreqs"},
			{"will AWS accept this pod's token", "cci explain --token token --oidc-provider provider.json --jwks keys.json"},
		},
	}
}

func explainOptions(c *cli.Context) (explain.Options, error) {
	input := c.String("input")
	switch {
	case c.NArg() > 1:
		return explain.Options{}, exit.Errorf(exit.Usage, "unexpected argument %q (want one FILE)", c.Args().Get(1))
	case c.NArg() == 1 && input != "" && input != c.Args().First():
		return explain.Options{}, exit.Errorf(exit.Usage, "FILE %q and --input %q disagree", c.Args().First(), input)
	case c.NArg() == 1:
		input = c.Args().First()
	}
	now, err := parseTime("now", c.String("now"))
	if err != nil {
		return explain.Options{}, err
	}
	return explain.Options{
		Input:                   input,
		Stdin:                   c.App.Reader,
		Format:                  c.String("format"),
		CredentialsRequestsPath: c.String("credentials-requests-path"),
		ClusterName:             c.String("cluster-name"),
		InfraID:                 c.String("infra-id"),
		Token:                   c.String("token"),
		OIDCProvider:            c.String("oidc-provider"),
		JWKS:                    c.String("jwks"),
		ProbeOIDC:               c.Bool("probe-oidc"),
		ProbeTimeout:            c.Duration("probe-timeout"),
		Now:                     now,
		ServiceAccount:          c.String("service-account"),
		TrustPolicy:             c.String("trust-policy"),
		AuthorizationDetails:    list(c, "authorization-details"),
		Role:                    c.String("role"),
	}, nil
}

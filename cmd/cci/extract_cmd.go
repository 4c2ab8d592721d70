package main

import (
	"github.com/urfave/cli/v2"

	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/extract"
)

func env(name string) []string { return []string{"CCI_" + name} }

func extractCommand() *cli.Command {
	return &cli.Command{
		Name:      "extract",
		Usage:     "read CloudTrail logs and group the IAM actions each identity used",
		UsageText: "cci extract --events-path PATH|s3://BUCKET/PREFIX [--events-path ...] --output DIR [filters]",
		Description: "Writes events.json, file_status.json and summary.json into --output; see docs/output.md.\n\n" +
			exitCodesHelp,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "events-path", Usage: "CloudTrail input: file, directory (recursive), s3://bucket/prefix, or - for stdin (repeatable)", EnvVars: env("EVENTS_PATH")},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "output directory (created if missing)", EnvVars: env("OUTPUT")},
			&cli.StringSliceFlag{Name: "principal-name", Usage: "keep identities with exactly this name (repeatable)", EnvVars: env("PRINCIPAL_NAME")},
			&cli.StringSliceFlag{Name: "principal-prefix", Usage: "keep identities whose name starts with this (repeatable)", EnvVars: env("PRINCIPAL_PREFIX")},
			&cli.StringFlag{Name: "since", Usage: "keep records with eventTime at or after this (RFC 3339)", EnvVars: env("SINCE")},
			&cli.StringFlag{Name: "until", Usage: "keep records with eventTime before this (RFC 3339)", EnvVars: env("UNTIL")},
			&cli.StringSliceFlag{Name: "account", Aliases: []string{"accounts"}, Usage: "keep records of this recipient account (repeatable)", EnvVars: env("ACCOUNT")},
			&cli.StringSliceFlag{Name: "region", Aliases: []string{"regions"}, Usage: "keep records of this region (repeatable)", EnvVars: env("REGION")},
			&cli.StringFlag{Name: "filters", Usage: "legacy filters: principal-name=X,principal-prefix=Y,cloud-provider=AWS", EnvVars: env("FILTERS")},
			&cli.StringFlag{Name: "installer-user-name", Usage: "legacy: accepted and ignored by extract", EnvVars: env("INSTALLER_USER_NAME")},
			&cli.BoolFlag{Name: "include-service-principals", Usage: "keep AWSService callers and AwsServiceEvent records", EnvVars: env("INCLUDE_SERVICE_PRINCIPALS")},
			&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Usage: "decoding workers (default: number of CPUs)", EnvVars: env("JOBS")},
			&cli.StringFlag{Name: "endpoint-url", Usage: "S3 endpoint for S3-compatible stores (also AWS_ENDPOINT_URL_S3)", EnvVars: env("ENDPOINT_URL")},
			&cli.BoolFlag{Name: "s3-path-style", Usage: "address S3 buckets by path, not by virtual host", EnvVars: env("S3_PATH_STYLE")},
			&cli.IntFlag{Name: "s3-concurrency", Usage: "most S3 objects opened ahead of the workers; the pool grows to this as the latency needs (default 256)", EnvVars: env("S3_CONCURRENCY")},
			&cli.DurationFlag{Name: "delivery-slack", Usage: "how late CloudTrail may deliver an object, for time-window pruning (default 15m)", EnvVars: env("DELIVERY_SLACK")},
			&cli.StringFlag{Name: "wait-until", Usage: "keep listing until a record with eventTime after this is seen (RFC 3339)", EnvVars: env("WAIT_UNTIL")},
			&cli.DurationFlag{Name: "wait-timeout", Usage: "give up waiting after this (default 30m)", EnvVars: env("WAIT_TIMEOUT")},
			&cli.DurationFlag{Name: "wait-interval", Usage: "time between listings while waiting (default 2m)", EnvVars: env("WAIT_INTERVAL")},
			&cli.BoolFlag{Name: "wait-strict", Usage: "exit 5 instead of 0 when the wait times out", EnvVars: env("WAIT_STRICT")},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no summary or progress on stderr", EnvVars: env("QUIET")},
			&cli.BoolFlag{Name: "progress", Usage: "print progress on stderr even when it is not a terminal (a line every 10s)", EnvVars: env("PROGRESS")},
		},
		Action: func(c *cli.Context) error {
			opts, err := extractOptions(c)
			if err != nil {
				return err
			}
			return extract.Run(c.Context, opts, c.App.Writer, c.App.ErrWriter)
		},
	}
}

func extractOptions(c *cli.Context) (extract.Options, error) {
	if c.NArg() > 0 {
		return extract.Options{}, exit.Errorf(exit.Usage, "unexpected argument %q", c.Args().First())
	}
	o := extract.Options{
		EventsPaths:              c.StringSlice("events-path"),
		Output:                   c.String("output"),
		PrincipalNames:           c.StringSlice("principal-name"),
		PrincipalPrefixes:        c.StringSlice("principal-prefix"),
		Accounts:                 c.StringSlice("account"),
		Regions:                  c.StringSlice("region"),
		IncludeServicePrincipals: c.Bool("include-service-principals"),
		Jobs:                     c.Int("jobs"),
		EndpointURL:              c.String("endpoint-url"),
		S3PathStyle:              c.Bool("s3-path-style"),
		S3Concurrency:            c.Int("s3-concurrency"),
		DeliverySlack:            c.Duration("delivery-slack"),
		WaitTimeout:              c.Duration("wait-timeout"),
		WaitInterval:             c.Duration("wait-interval"),
		WaitStrict:               c.Bool("wait-strict"),
		Quiet:                    c.Bool("quiet"),
		Progress:                 c.Bool("progress"),
		Stdin:                    c.App.Reader,
	}
	var err error
	if o.Since, err = parseTime("since", c.String("since")); err != nil {
		return o, err
	}
	if o.Until, err = parseTime("until", c.String("until")); err != nil {
		return o, err
	}
	if o.WaitUntil, err = parseTime("wait-until", c.String("wait-until")); err != nil {
		return o, err
	}
	filters, err := legacyFilters(c.String("filters"))
	if err != nil {
		return o, err
	}
	for k, vs := range filters {
		switch k {
		case "principal-name":
			o.PrincipalNames = append(o.PrincipalNames, vs...)
		case "principal-prefix":
			o.PrincipalPrefixes = append(o.PrincipalPrefixes, vs...)
		case "cloud-provider":
			o.CloudProvider = vs[len(vs)-1]
		case "cluster-name":
			// compare's filter; extract scripts pass it too and it never
			// selected anything in extract.
		default:
			return o, exit.Errorf(exit.Usage, "--filters: unknown key %q (want principal-name, principal-prefix, cloud-provider)", k)
		}
	}
	return o, nil
}

package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/extract"
)

func env(name string) []string { return []string{"CCI_" + name} }

// Defaults of extract's flags, printed once by help. extract.Options
// applies the same ones to a zero field.
const (
	defaultS3Concurrency = 256
	defaultDeliverySlack = 15 * time.Minute
	defaultWaitTimeout   = 30 * time.Minute
	defaultWaitInterval  = 2 * time.Minute
)

func extractCommand() *command {
	return &command{
		Command: &cli.Command{
			Name:  "extract",
			Usage: "read CloudTrail logs and group the IAM actions each identity used",
			Description: "Writes events.json, file_status.json and summary.json into --output (docs/output.md). " +
				"--since, --until and --wait-until take a time (2024-09-20T02:45:00Z, 2024-09-20), now, " +
				"or a duration before now (24h). A CCI_* variable of a repeatable flag holds one value per line.",
			Flags: []cli.Flag{
				&cli.StringSliceFlag{Name: "events-path", TakesFile: true, Usage: "CloudTrail input `PATH`: a file, a directory (read recursively), s3://bucket/prefix, or - for stdin", EnvVars: env("EVENTS_PATH")},
				&cli.StringFlag{Name: "output", TakesFile: true, Aliases: []string{"o"}, Usage: "output `DIR`, created if missing", EnvVars: env("OUTPUT")},
				&cli.StringSliceFlag{Name: "principal-name", Usage: "keep identities with exactly this `NAME`", EnvVars: env("PRINCIPAL_NAME")},
				&cli.StringSliceFlag{Name: "principal-prefix", Usage: "keep identities whose name starts with `PREFIX`", EnvVars: env("PRINCIPAL_PREFIX")},
				&cli.StringFlag{Name: "since", Usage: "keep records with eventTime at or after `TIME`", EnvVars: env("SINCE")},
				&cli.StringFlag{Name: "until", Usage: "keep records with eventTime before `TIME`", EnvVars: env("UNTIL")},
				&cli.StringSliceFlag{Name: "account", Aliases: []string{"accounts"}, Usage: "keep records of this recipient account `ID`", EnvVars: env("ACCOUNT")},
				&cli.StringSliceFlag{Name: "region", Aliases: []string{"regions"}, Usage: "keep records of this `REGION`", EnvVars: env("REGION")},
				&cli.StringFlag{Name: "filters", Usage: "legacy `FILTERS`: principal-name=X,principal-prefix=Y,cloud-provider=AWS", EnvVars: env("FILTERS")},
				&cli.StringFlag{Name: "installer-user-name", Usage: "legacy: the installer's user `NAME`, accepted and ignored by extract", EnvVars: env("INSTALLER_USER_NAME")},
				&cli.BoolFlag{Name: "include-service-principals", Usage: "keep AWSService callers and AwsServiceEvent records", EnvVars: env("INCLUDE_SERVICE_PRINCIPALS")},
				&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Usage: "decoding workers; 0 means one per CPU", DefaultText: "number of CPUs", EnvVars: env("JOBS")},
				&cli.StringFlag{Name: "endpoint-url", Usage: "S3 endpoint `URL` for S3-compatible stores (AWS_ENDPOINT_URL_S3 works too)", EnvVars: env("ENDPOINT_URL")},
				&cli.BoolFlag{Name: "s3-path-style", Usage: "address S3 buckets by path, not by virtual host", EnvVars: env("S3_PATH_STYLE")},
				&cli.IntFlag{Name: "s3-concurrency", Value: defaultS3Concurrency, Usage: "most S3 objects opened ahead of the workers; the pool grows to this as the latency needs", EnvVars: env("S3_CONCURRENCY")},
				&cli.DurationFlag{Name: "delivery-slack", Value: defaultDeliverySlack, Usage: "how late CloudTrail may deliver an object, for pruning objects by time; 0s trusts the object names exactly", EnvVars: env("DELIVERY_SLACK")},
				&cli.StringFlag{Name: "wait-until", Usage: "keep listing until a record with eventTime after `TIME` is seen", EnvVars: env("WAIT_UNTIL")},
				&cli.DurationFlag{Name: "wait-timeout", Value: defaultWaitTimeout, Usage: "give up waiting after this", EnvVars: env("WAIT_TIMEOUT")},
				&cli.DurationFlag{Name: "wait-interval", Value: defaultWaitInterval, Usage: "time between listings while waiting", EnvVars: env("WAIT_INTERVAL")},
				&cli.BoolFlag{Name: "wait-strict", Usage: "exit 5 instead of 0 when the wait times out", EnvVars: env("WAIT_STRICT")},
				&cli.BoolFlag{Name: "dedupe", Usage: "drop records whose eventID was seen already (on whenever --events-path is given more than once)", EnvVars: env("DEDUPE")},
				&cli.StringSliceFlag{Name: "fail-on", Usage: "exit 3 on this `CONDITION`: empty (no record kept), or all", EnvVars: env("FAIL_ON")},
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
		},
		Required: []string{"events-path", "output"},
		Inputs:   []string{"events-path"},
		Exits:    []int{exit.Findings, exit.Partial, exit.WaitTimeout},
		Examples: []example{
			{"one cluster's identities from a local copy of the trail", "cci extract --events-path ./trail --output out --principal-prefix mycluster-"},
			{"the last day of an S3 trail, waiting for the records of the last minute to arrive",
				"cci extract --events-path s3://my-trail/AWSLogs/123456789012/CloudTrail/ --since 24h \\\n" +
					"--wait-until now --wait-timeout 20m --output out"},
		},
	}
}

func extractOptions(c *cli.Context) (extract.Options, error) {
	o := extract.Options{
		EventsPaths:              list(c, "events-path"),
		Output:                   c.String("output"),
		PrincipalNames:           list(c, "principal-name"),
		PrincipalPrefixes:        list(c, "principal-prefix"),
		Accounts:                 list(c, "account"),
		Regions:                  list(c, "region"),
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
		Dedupe:                   c.Bool("dedupe"),
		FailOn:                   list(c, "fail-on"),
		Version:                  currentVersion(),
		Stdin:                    c.App.Reader,
	}
	if o.Quiet && o.Progress {
		return o, usageError(fmt.Errorf("--quiet and --progress conflict: --quiet prints no progress"),
			"drop one of them (CCI_QUIET and CCI_PROGRESS set them too)")
	}
	if err := noCommas("account", o.Accounts); err != nil {
		return o, err
	}
	if err := noCommas("region", o.Regions); err != nil {
		return o, err
	}
	for _, d := range []struct {
		name string
		v    time.Duration
		zero bool // 0 means something
	}{{"delivery-slack", o.DeliverySlack, true}, {"wait-timeout", o.WaitTimeout, false}, {"wait-interval", o.WaitInterval, false}} {
		if d.v < 0 || (d.v == 0 && !d.zero) {
			want := "0s or more"
			if !d.zero {
				want = "more than 0s"
			}
			return o, usageError(fmt.Errorf("--%s %s: want %s", d.name, d.v, want))
		}
	}
	if o.S3Concurrency < 1 {
		return o, usageError(fmt.Errorf("--s3-concurrency %d: want 1 or more", o.S3Concurrency))
	}
	if o.Jobs < 0 {
		return o, usageError(fmt.Errorf("--jobs %d: want 0 (one per CPU) or more", o.Jobs))
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
			return o, usageError(fmt.Errorf("--filters: unknown key %q (want principal-name, principal-prefix, cloud-provider)", k))
		}
	}
	return o, nil
}

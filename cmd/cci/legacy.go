package main

// The oldest invocations, from the experiment write-up, translated into the
// modern commands (docs/legacy.md). All the glue between the one-file JSON
// forms of that time and events.json is in this file.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/cloud-credentials-insights/cci/internal/compare"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// Hidden commands that legacyArgs puts in front of the oldest forms.
const (
	legacyExtractName = "legacy-extract"
	legacyCompareName = "legacy-compare"
)

// legacyExtractCommand is `cci --cluster-name NAME --cloud-trail-logs DIR
// --output FILE [--skip-counters]`: cci extract --events-path DIR
// --principal-prefix NAME into a temporary directory, then events.json
// rewritten as one file: identity -> {action: count}, or with
// --skip-counters identity -> [action, ...] sorted.
func legacyExtractCommand() *command {
	return &command{
		Command: &cli.Command{
			Name:   legacyExtractName,
			Hidden: true,
			Usage:  "the oldest extract form: one JSON file of identity -> {action: count}",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "cluster-name", Usage: "keep identities whose name starts with `NAME`", EnvVars: env("CLUSTER_NAME")},
				&cli.StringFlag{Name: "cloud-trail-logs", TakesFile: true, Usage: "CloudTrail input `DIR` (as extract --events-path)", EnvVars: env("CLOUD_TRAIL_LOGS")},
				&cli.StringFlag{Name: "output", TakesFile: true, Usage: "the JSON `FILE` to write", EnvVars: env("OUTPUT")},
				&cli.BoolFlag{Name: "skip-counters", Usage: "write identity -> sorted action list, without counts", EnvVars: env("SKIP_COUNTERS")},
			},
			Action: func(c *cli.Context) error {
				tmp, err := os.MkdirTemp("", "cci-legacy-")
				if err != nil {
					return fmt.Errorf("creating a temporary directory: %w", err)
				}
				defer os.RemoveAll(tmp)
				runErr := runModern(c, "extract", "--events-path", c.String("cloud-trail-logs"),
					"--principal-prefix", c.String("cluster-name"), "--output", tmp, "--quiet")
				if runErr != nil && exit.Code(runErr) != exit.Partial {
					return runErr
				}
				ids, err := events.ReadIdentities(filepath.Join(tmp, events.EventsFile))
				if err != nil {
					return err
				}
				var out any
				if c.Bool("skip-counters") {
					m := map[string][]string{}
					for name, id := range ids {
						m[name] = slices.Sorted(maps.Keys(id.Events))
					}
					out = m
				} else {
					m := map[string]map[string]int64{}
					for name, id := range ids {
						counts := map[string]int64{}
						for action, a := range id.Events {
							if a != nil {
								counts[action] = a.Count
							}
						}
						m[name] = counts
					}
					out = m
				}
				if err := writeJSON(c.String("output"), out); err != nil {
					return err
				}
				fmt.Fprintf(c.App.ErrWriter, "cci: wrote %s: %d identities\n", c.String("output"), len(ids))
				return runErr
			},
		},
		Required: []string{"cluster-name", "cloud-trail-logs", "output"},
		Inputs:   []string{"cloud-trail-logs"},
		Exits:    []int{exit.Partial},
	}
}

// legacyCompareCommand is `cci --cluster-name NAME
// --check-credentials-requests DIR --processed-events FILE --output FILE
// [--output-diff]`: cci compare of the events (the one-file form above, or
// an events.json) against DIR, with compiled_users.json copied to FILE and,
// with --output-diff, compiled_users.diff.json to FILE.diff.json.
func legacyCompareCommand() *command {
	return &command{
		Command: &cli.Command{
			Name:   legacyCompareName,
			Hidden: true,
			Usage:  "the oldest compare form: the compiled report into one file",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "cluster-name", Usage: "cluster `NAME`", EnvVars: env("CLUSTER_NAME")},
				&cli.StringFlag{Name: "check-credentials-requests", TakesFile: true, Usage: "`DIR` of CredentialsRequest manifests", EnvVars: env("CHECK_CREDENTIALS_REQUESTS")},
				&cli.StringFlag{Name: "processed-events", TakesFile: true, Usage: "the `FILE` written by the oldest extract form, or an events.json", EnvVars: env("PROCESSED_EVENTS")},
				&cli.StringFlag{Name: "output", TakesFile: true, Usage: "the `FILE` for the compiled report", EnvVars: env("OUTPUT")},
				&cli.BoolFlag{Name: "output-diff", Usage: "also write the diff to FILE.diff.json", EnvVars: env("OUTPUT_DIFF")},
			},
			Action: func(c *cli.Context) error {
				tmp, err := os.MkdirTemp("", "cci-legacy-")
				if err != nil {
					return fmt.Errorf("creating a temporary directory: %w", err)
				}
				defer os.RemoveAll(tmp)
				events, err := legacyEvents(c.String("processed-events"), tmp)
				if err != nil {
					return err
				}
				outDir := filepath.Join(tmp, "out")
				runErr := runModern(c, "compare", "--events-path", events,
					"--credentials-requests-path", c.String("check-credentials-requests"),
					"--cluster-name", c.String("cluster-name"), "--output", outDir)
				if runErr != nil && exit.Code(runErr) != exit.Partial {
					return runErr
				}
				// The reports name the converted events file; they should name
				// the one the user gave.
				rename := func(data []byte) []byte {
					from, _ := json.Marshal(events)
					to, _ := json.Marshal(c.String("processed-events"))
					return bytes.ReplaceAll(data, from, to)
				}
				out := c.String("output")
				if err := copyFile(filepath.Join(outDir, compare.CompiledUsersFile), out, rename); err != nil {
					return err
				}
				if c.Bool("output-diff") {
					if err := copyFile(filepath.Join(outDir, compare.CompiledUsersDiffFile), out+".diff.json", rename); err != nil {
						return err
					}
				}
				return runErr
			},
		},
		Required: []string{"cluster-name", "check-credentials-requests", "processed-events", "output"},
		Inputs:   []string{"check-credentials-requests", "processed-events"},
		Exits:    []int{exit.Partial},
	}
}

// runModern runs a modern command line in a fresh app with c's streams.
func runModern(c *cli.Context, args ...string) error {
	app := newApp(c.App.Reader, c.App.Writer, c.App.ErrWriter)
	return app.RunContext(c.Context, append([]string{"cci"}, args...))
}

// legacyEvents returns the events.json to compare for the file given to
// --processed-events: the file itself when it is an events.json, else an
// events.json in dir made from the one-file form (identity -> {action:
// count}, or identity -> [action, ...]).
func legacyEvents(path, dir string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading events: %w", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return "", fmt.Errorf("reading events %s: want a JSON object of identities: %w", path, err)
	}
	ids := map[string]*events.Identity{}
	for name, v := range raw {
		id := &events.Identity{Provider: "AWS", Name: name, Events: map[string]*events.Action{}}
		v = bytes.TrimSpace(v)
		var counts map[string]json.RawMessage
		var actions []string
		switch {
		case json.Unmarshal(v, &actions) == nil:
			for _, a := range actions {
				id.Events[a] = &events.Action{Count: 1}
			}
		case json.Unmarshal(v, &counts) == nil:
			if _, modern := counts["events"]; modern {
				return path, nil // an events.json: compare reads it as it is
			}
			for a, n := range counts {
				var count int64
				if err := json.Unmarshal(n, &count); err != nil {
					return "", fmt.Errorf("reading events %s: %s: %s: want a count", path, name, a)
				}
				id.Events[a] = &events.Action{Count: count}
			}
		default:
			return "", fmt.Errorf("reading events %s: %s: want {action: count} or [action, ...]", path, name)
		}
		ids[name] = id
	}
	out := filepath.Join(dir, events.EventsFile)
	return out, writeJSON(out, ids)
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func copyFile(from, to string, edit func([]byte) []byte) error {
	data, err := os.ReadFile(from)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("writing %s: compare wrote no %s", to, filepath.Base(from))
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", from, err)
	}
	if err := os.WriteFile(to, edit(data), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", to, err)
	}
	return nil
}

package main

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cloud-credentials-insights/cci/internal/textdist"
)

// Messages of Go's flag package and of urfave's environment parsing that
// translateUsageError rewrites. They are stable: the flag package has
// printed them unchanged since Go 1.
var (
	reUndefined = regexp.MustCompile(`^flag provided but not defined: -+(.+)$`)
	reBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-+([^:]+): `)
	reNoValue   = regexp.MustCompile(`^flag needs an argument: -+(.+)$`)
	reBadEnv    = regexp.MustCompile(`^could not parse "(.*)" as \w+ value from environment variable "([^"]+)" for flag ([^:]+): `)
)

// translateUsageError turns a flag-parsing error of cmd (named like
// "cci extract") into cci's wording: the unknown flag with the closest
// known one, or the bad value with what is expected.
func translateUsageError(err error, flags []cli.Flag, cmd string, all []*command) error {
	msg := err.Error()
	if m := reUndefined.FindStringSubmatch(msg); m != nil {
		return unknownFlag(m[1], flags, cmd, all)
	}
	if m := reBadValue.FindStringSubmatch(msg); m != nil {
		return usageError(fmt.Errorf("%s %q: %s", dashed(m[2]), m[1], expected(findFlag(flags, m[2]))))
	}
	if m := reBadEnv.FindStringSubmatch(msg); m != nil {
		return usageError(fmt.Errorf("%s %q (for %s): %s", m[2], m[1], dashed(m[3]), expected(findFlag(flags, m[3]))))
	}
	if m := reNoValue.FindStringSubmatch(msg); m != nil {
		return usageError(fmt.Errorf("%s needs a value", dashed(m[1])), cmd+" --help describes it")
	}
	return usageError(err, cmd+" --help lists the flags")
}

func unknownFlag(name string, flags []cli.Flag, cmd string, all []*command) error {
	msg := "unknown flag " + dashed(name)
	var names []string
	for _, f := range flags {
		names = append(names, f.Names()...)
	}
	names = append(names, "help")
	if s := closest(name, names); s != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", dashed(s))
	}
	// A flag of another command, given to the wrong one or before it.
	var owners []string
	for _, c := range all {
		if c.Hidden || "cci "+c.Name == cmd {
			continue
		}
		if findFlag(c.Flags, name) != nil {
			owners = append(owners, "cci "+c.Name)
		}
	}
	hint := cmd + " --help lists the flags"
	if len(owners) > 0 {
		hint = fmt.Sprintf("%s is a flag of %s; flags go after the command", dashed(name), andList(owners))
	}
	return usageError(errors.New(msg), hint)
}

// expected says what a flag's value must look like.
func expected(f cli.Flag) string {
	switch f.(type) {
	case *cli.DurationFlag:
		return "want a duration like 30m, 90s or 1h30m"
	case *cli.IntFlag:
		return "want a whole number"
	case *cli.BoolFlag:
		return "want true or false (or no value)"
	}
	return "not a valid value"
}

func findFlag(flags []cli.Flag, name string) cli.Flag {
	for _, f := range flags {
		if slices.Contains(f.Names(), name) {
			return f
		}
	}
	return nil
}

// dashed spells a flag name as typed: -j, --jobs.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// closest returns the candidate nearest to s by edit distance (adjacent
// transpositions count as one edit), or "" when none is near enough to be
// a typo: at most a third of the longer name, and at most 3 edits. Names
// shorter than 3 characters get no suggestion.
func closest(s string, candidates []string) string {
	best, bestD := "", 0
	if len(s) < 3 {
		return ""
	}
	for _, c := range candidates {
		d := textdist.Distance(s, c)
		limit := min(3, max(1, max(len(s), len(c))/3))
		if d <= limit && (best == "" || d < bestD) {
			best, bestD = c, d
		}
	}
	return best
}

// andList joins items as prose: "a", "a and b", "a, b and c".
func andList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

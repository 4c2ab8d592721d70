package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cpuguy83/go-md2man/v2/md2man"
	"github.com/urfave/cli/v2"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// manPage is docs/cci.1: the help of cci and of every visible command as
// a man page (`make docs` regenerates it; TestManPage fails when it is
// stale). It is built from the same data as help, in Markdown rendered by
// go-md2man, the renderer urfave's ToMan uses; ToMan itself leaves out
// each command's description, examples and exit codes.
func manPage() string {
	app := newApp(nil, nil, nil)
	return string(md2man.Render([]byte(manMarkdown(app, commandsOf(app)))))
}

// commandsOf recovers the *command of each app command, in order.
func commandsOf(app *cli.App) []*command {
	byName := map[string]*command{}
	all := commands()
	all = append(all, helpCommand(all))
	for _, c := range all {
		byName[c.Name] = c
	}
	var out []*command
	for _, c := range app.Commands {
		if x, ok := byName[c.Name]; ok {
			out = append(out, x)
		}
	}
	return out
}

func manMarkdown(app *cli.App, cmds []*command) string {
	var b strings.Builder
	b.WriteString("% cci 1\n\n# NAME\n\ncci - " + mdEscape(app.Usage) + "\n\n")
	b.WriteString("# SYNOPSIS\n\n**cci** *COMMAND* \\[*flags*\\]\n\n**cci help** *COMMAND*\n\n")
	b.WriteString("# DESCRIPTION\n\n" + mdEscape(app.Description) + "\n\n")
	b.WriteString(mdEscape("Every flag can be set with the CCI_* environment variable named beside it; "+
		"a flag on the command line wins. A CCI_* variable of a repeatable flag holds one value per line. "+
		"Flag values are never split on commas.") + "\n\n")
	b.WriteString("# GLOBAL FLAGS\n\n**-h**, **--help**\n: show the help\n\n")
	for _, f := range app.Flags {
		if !slices.Contains(f.Names(), "help") {
			b.WriteString(manFlag(describeFlag(f, false)))
		}
	}
	b.WriteString("# COMMANDS\n\n")
	codes := map[int]bool{}
	for _, c := range cmds {
		for _, code := range c.exitCodes() {
			codes[code] = true
		}
		if c.Hidden {
			continue
		}
		fmt.Fprintf(&b, "### cci %s\n\n%s\n\n", c.Name, mdEscape(c.Usage))
		fmt.Fprintf(&b, "```\n%s\n```\n\n", synopsis(c))
		if c.Description != "" {
			b.WriteString(mdEscape(c.Description) + "\n\n")
		}
		if fis := flagInfos(c); len(fis) > 0 {
			b.WriteString("**Flags**\n\n")
			for _, fi := range fis {
				b.WriteString(manFlag(fi))
			}
		}
		if len(c.Examples) > 0 {
			b.WriteString("**Examples**\n\n")
			for _, e := range c.Examples {
				fmt.Fprintf(&b, "%s:\n\n```\n%s```\n\n", mdEscape(e.What), exampleLines(e.Cmd, ""))
			}
		}
		b.WriteString("**Exit codes**\n\n")
		for _, code := range c.exitCodes() {
			fmt.Fprintf(&b, "**%d**\n: %s\n\n", code, mdEscape(exit.Meaning(code)))
		}
	}
	b.WriteString("# EXIT STATUS\n\n")
	for code := 0; code < 256; code++ {
		if codes[code] {
			fmt.Fprintf(&b, "**%d**\n: %s\n\n", code, mdEscape(exit.Meaning(code)))
		}
	}
	b.WriteString("# SEE ALSO\n\n" + mdEscape("docs/cli.md, docs/extract.md, docs/compare.md, docs/output.md "+
		"and docs/legacy.md in the cci repository.") + "\n")
	return b.String()
}

func manFlag(fi flagInfo) string {
	var names []string
	for _, n := range fi.Names {
		names = append(names, "**"+dashed(n)+"**")
	}
	head := strings.Join(names, ", ")
	if fi.Placeholder != "" {
		head += " *" + fi.Placeholder + "*"
	}
	desc := fi.Usage
	if n := fi.notes(); len(n) > 0 {
		desc += " (" + strings.Join(n, "; ") + ")"
	}
	if len(fi.Env) > 0 {
		desc += ". Environment: " + strings.Join(fi.Env, ", ")
	}
	return head + "\n: " + mdEscape(desc) + "\n\n"
}

var mdEscaper = strings.NewReplacer(`\`, `\\`, `*`, `\*`, `_`, `\_`, "`", "\\`", `[`, `\[`, `]`, `\]`, `<`, `\<`, `>`, `\>`)

func mdEscape(s string) string { return mdEscaper.Replace(s) }

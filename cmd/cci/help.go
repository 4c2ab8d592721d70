package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// Help is rendered here from the commands' data, not by urfave's
// templates: one default per flag, required and repeatable flags marked,
// lines wrapped at helpWidth, examples, and only the exit codes of the
// command. The man page (docs.go) is built from the same data.

const (
	helpWidth = 100 // TestHelpWidth checks every line of every help
	flagCol   = 32  // where flag descriptions start
)

// nbsp stands for a space wrap must not break at.
const nbsp = "\x00"

// helpTemplate makes text a urfave help template that prints it as is.
func helpTemplate(text string) string {
	return strings.ReplaceAll(text, "{{", `{{"{{"}}`)
}

func helpCommand(cmds []*command) *command {
	return &command{
		Command: &cli.Command{
			Name:      "help",
			Usage:     "show the help of cci or of one command",
			ArgsUsage: "[COMMAND]",
			Action: func(c *cli.Context) error {
				if c.NArg() > 1 {
					return usageError(fmt.Errorf("unexpected argument %q", c.Args().Get(1)))
				}
				if c.NArg() == 0 {
					return cli.ShowAppHelp(c)
				}
				name := c.Args().First()
				for _, cmd := range cmds {
					if cmd.Name == name {
						fmt.Fprint(c.App.Writer, commandHelp(cmd))
						return nil
					}
				}
				return unknownCommand(cmds, name)
			},
		},
		Examples: []example{{"the flags of cci extract", "cci help extract"}},
	}
}

// flagInfo is what help and the man page show of one flag.
type flagInfo struct {
	Names       []string // short names first, without dashes
	Placeholder string   // "" for a bool flag
	Usage       string
	Default     string
	Env         []string
	Required    bool
	Repeatable  bool
}

// left is the flag column: "-o, --output DIR".
func (f flagInfo) left() string {
	var ns []string
	for _, n := range f.Names {
		ns = append(ns, dashed(n))
	}
	s := strings.Join(ns, ", ")
	if f.Placeholder != "" {
		s += " " + f.Placeholder
	}
	return s
}

// notes are the marks after the usage: required, repeatable, default.
func (f flagInfo) notes() []string {
	var n []string
	if f.Required {
		n = append(n, "required")
	}
	if f.Repeatable {
		n = append(n, "repeatable")
	}
	if f.Default != "" {
		n = append(n, "default: "+f.Default)
	}
	return n
}

func flagInfos(c *command) []flagInfo {
	var out []flagInfo
	for _, f := range c.Flags {
		if slices.Contains(f.Names(), "help") {
			continue // urfave appends it; help prints its own line
		}
		if vf, ok := f.(cli.VisibleFlag); ok && !vf.IsVisible() {
			continue
		}
		out = append(out, describeFlag(f, slices.Contains(c.Required, f.Names()[0])))
	}
	return out
}

func describeFlag(f cli.Flag, required bool) flagInfo {
	fi := flagInfo{Required: required}
	names := slices.Clone(f.Names())
	slices.SortStableFunc(names, func(a, b string) int { return min(len(a), 2) - min(len(b), 2) })
	fi.Names = names
	var usage, defaultText string
	if df, ok := f.(cli.DocGenerationFlag); ok {
		usage = df.GetUsage()
		fi.Env = df.GetEnvVars()
		if df.TakesValue() {
			fi.Placeholder = "VALUE"
		}
	}
	fi.Usage, fi.Placeholder = placeholder(usage, fi.Placeholder)
	switch f := f.(type) {
	case *cli.StringFlag:
		defaultText, fi.Default = f.DefaultText, f.Value
	case *cli.IntFlag:
		defaultText = f.DefaultText
		if f.Value != 0 {
			fi.Default = strconv.Itoa(f.Value)
		}
		if fi.Placeholder == "VALUE" {
			fi.Placeholder = "N"
		}
	case *cli.DurationFlag:
		defaultText = f.DefaultText
		if f.Value != 0 {
			fi.Default = shortDuration(f.Value)
		}
		if fi.Placeholder == "VALUE" {
			fi.Placeholder = "DURATION"
		}
	case *cli.StringSliceFlag:
		defaultText = f.DefaultText
		fi.Repeatable = true
	case *cli.BoolFlag:
		defaultText = f.DefaultText
	}
	if defaultText != "" {
		fi.Default = defaultText
	}
	return fi
}

// placeholder takes urfave's convention: the first `QUOTED` word of the
// usage names the value; the quotes are dropped from the usage.
func placeholder(usage, fallback string) (string, string) {
	i := strings.IndexByte(usage, '`')
	if i < 0 {
		return usage, fallback
	}
	j := strings.IndexByte(usage[i+1:], '`')
	if j < 0 {
		return usage, fallback
	}
	name := usage[i+1 : i+1+j]
	if fallback == "" {
		return usage[:i] + name + usage[i+j+2:], ""
	}
	return usage[:i] + name + usage[i+j+2:], name
}

// shortDuration prints 15m, not 15m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// synopsis is the usage line built from the data: the required flags,
// then [flags] and the arguments.
func synopsis(c *command) string {
	if c.UsageText != "" {
		return c.UsageText
	}
	parts := []string{"cci", c.Name}
	optional := false
	for _, fi := range flagInfos(c) {
		if !fi.Required {
			optional = true
			continue
		}
		p := dashed(fi.Names[len(fi.Names)-1])
		if fi.Placeholder != "" {
			p += " " + fi.Placeholder
		}
		if fi.Repeatable {
			p += "..."
		}
		parts = append(parts, p)
	}
	if optional {
		parts = append(parts, "[flags]")
	}
	if c.ArgsUsage != "" {
		parts = append(parts, c.ArgsUsage)
	}
	return strings.Join(parts, " ")
}

func commandHelp(c *command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "cci %s - %s\n\n", c.Name, c.Usage)
	if c.Description != "" {
		b.WriteString(wrap(c.Description, 0, 0))
		b.WriteString("\n")
	}
	b.WriteString("Usage:\n")
	b.WriteString(wrap(synopsis(c), 2, 6))
	if len(c.Examples) > 0 {
		b.WriteString("\nExamples:\n")
		for i, e := range c.Examples {
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString(wrap("# "+e.What, 2, 4))
			b.WriteString(exampleLines(e.Cmd, "  "))
		}
	}
	b.WriteString("\nFlags:\n")
	for _, fi := range flagInfos(c) {
		desc := fi.Usage
		if n := fi.notes(); len(n) > 0 {
			// keep "(default: 15m)" on one line
			desc += " " + strings.ReplaceAll("("+strings.Join(n, "; ")+")", " ", nbsp)
		}
		if len(fi.Env) > 0 {
			desc += " [$" + strings.Join(fi.Env, ", $") + "]"
		}
		b.WriteString(strings.ReplaceAll(twoColumns(fi.left(), desc), nbsp, " "))
	}
	b.WriteString(twoColumns("-h, --help", "show this help"))
	b.WriteString("\nExit codes:\n")
	b.WriteString(exitCodeLines(c.exitCodes()))
	return b.String()
}

func appHelp(app *cli.App, cmds []*command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "cci - %s\n\n", app.Usage)
	b.WriteString(wrap(app.Description, 0, 0))
	b.WriteString("\nUsage:\n  cci COMMAND [flags]\n  cci help COMMAND\n")
	b.WriteString("\nCommands:\n")
	codes := map[int]bool{}
	for _, c := range cmds {
		for _, code := range c.exitCodes() {
			codes[code] = true
		}
		if !c.Hidden {
			b.WriteString(columns(c.Name, c.Usage, 16))
		}
	}
	b.WriteString("\nFlags:\n")
	b.WriteString(columns("-h, --help", "show this help", 20))
	for _, f := range app.Flags {
		if slices.Contains(f.Names(), "help") {
			continue
		}
		fi := describeFlag(f, false)
		b.WriteString(columns(fi.left(), fi.Usage, 20))
	}
	b.WriteString("\nExamples:\n")
	for i, e := range appExamples {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(wrap("# "+e.What, 2, 4))
		b.WriteString(exampleLines(e.Cmd, "  "))
	}
	b.WriteString("\nExit codes (cci COMMAND --help lists those of one command):\n")
	var all []int
	for code := range codes {
		all = append(all, code)
	}
	slices.Sort(all)
	b.WriteString(exitCodeLines(all))
	b.WriteString("\n" + wrap("Every flag can be set with the CCI_* variable its help names. "+
		"docs/cli.md and man cci (docs/cci.1) describe it all.", 0, 0))
	return b.String()
}

var appExamples = []example{
	{"group the IAM actions of one cluster's identities", "cci extract --events-path ./trail --output out --principal-prefix mycluster-"},
	{"diff them against the cluster's CredentialsRequests, failing CI on missing permissions",
		"cci compare --events-path out/events.json --credentials-requests-path ./credreqs \\\n" +
			"--cluster-name mycluster --output out --fail-on missing"},
}

func exampleLines(cmd, indent string) string {
	var b strings.Builder
	for i, l := range strings.Split(cmd, "\n") {
		if i > 0 {
			b.WriteString(indent + "    " + l + "\n")
		} else {
			b.WriteString(indent + l + "\n")
		}
	}
	return b.String()
}

func exitCodeLines(codes []int) string {
	var b strings.Builder
	for _, code := range codes {
		b.WriteString(columns(strconv.Itoa(code), exit.Meaning(code), 7))
	}
	return b.String()
}

// twoColumns prints a flag or command and its description at flagCol,
// wrapped; a left column too wide puts the description on the next line.
func twoColumns(left, desc string) string { return columns(left, desc, flagCol) }

func columns(left, desc string, col int) string {
	left = "  " + left
	if len(left) > col-2 {
		return left + "\n" + wrap(desc, col, col)
	}
	text := wrap(desc, col, col)
	return left + text[len(left):]
}

// wrap fills text into lines of at most helpWidth columns, the first
// indented by first and the others by rest spaces. Paragraphs (split at
// blank lines) are wrapped separately; lines that start with a space are
// kept as they are.
func wrap(text string, first, rest int) string {
	var b strings.Builder
	for pi, para := range strings.Split(strings.TrimRight(text, "\n"), "\n\n") {
		if pi > 0 {
			b.WriteString("\n")
		}
		indent := first
		if pi > 0 {
			indent = rest
		}
		var words []string
		flush := func() {
			if len(words) == 0 {
				return
			}
			line := strings.Repeat(" ", indent)
			for i, w := range words {
				if i > 0 && len(line)+1+len(w) > helpWidth {
					b.WriteString(line + "\n")
					indent = rest
					line = strings.Repeat(" ", indent) + w
					continue
				}
				if i > 0 {
					line += " "
				}
				line += w
			}
			b.WriteString(line + "\n")
			indent = rest
			words = nil
		}
		for _, l := range strings.Split(para, "\n") {
			if strings.HasPrefix(l, " ") {
				flush()
				b.WriteString(strings.Repeat(" ", rest) + l + "\n")
				continue
			}
			words = append(words, strings.Fields(l)...)
		}
		flush()
	}
	return b.String()
}

package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"
)

func versionCommand() *command {
	return &command{
		Command: &cli.Command{
			Name:  "version",
			Usage: "print the cci version, the Go version and the date of the IAM data",
			Description: "The version is the one -ldflags -X main.version= set (make build), else the module " +
				"version of the build (go install ...@v1.2.3), else devel.",
			Action: func(c *cli.Context) error { return printVersion(c.App.Writer) },
		},
		Examples: []example{{"record which cci produced a CI job's reports", "cci version > out/cci-version.txt"}},
	}
}

func printVersion(w io.Writer) error {
	bi, _ := debug.ReadBuildInfo()
	_, err := io.WriteString(w, versionText(version, bi))
	return err
}

// currentVersion is this binary's buildVersion, as summary.json records it.
func currentVersion() string {
	bi, _ := debug.ReadBuildInfo()
	return buildVersion(version, bi)
}

// buildVersion is cci's version: the -ldflags one, else the module
// version from the build info ("go install ...@v1.2.3" records it; a
// build in a git checkout records a pseudo-version), else "devel".
func buildVersion(ldflags string, bi *debug.BuildInfo) string {
	if ldflags != "" {
		return ldflags
	}
	if bi != nil && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// versionText is what `cci version` prints: the version, the commit when
// the build recorded one, the Go version and platform, and the IAM data.
func versionText(ldflags string, bi *debug.BuildInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "cci %s\n", buildVersion(ldflags, bi))
	goVersion := runtime.Version()
	if bi != nil {
		settings := map[string]string{}
		for _, s := range bi.Settings {
			settings[s.Key] = s.Value
		}
		if rev := settings["vcs.revision"]; rev != "" {
			var notes []string
			if t := settings["vcs.time"]; t != "" {
				notes = append(notes, t)
			}
			if settings["vcs.modified"] == "true" {
				notes = append(notes, "modified")
			}
			fmt.Fprintf(&b, "commit %s", rev)
			if len(notes) > 0 {
				fmt.Fprintf(&b, " (%s)", strings.Join(notes, ", "))
			}
			b.WriteString("\n")
		}
		if bi.GoVersion != "" {
			goVersion = bi.GoVersion
		}
	}
	fmt.Fprintf(&b, "%s %s/%s\n", goVersion, runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&b, "IAM data of %s (%s, %d actions)\n", iamDataDate, iamDataSource, iamDataActions)
	return b.String()
}

func completionCommand() *command {
	return &command{
		Command: &cli.Command{
			Name:      "completion",
			Usage:     "print a shell completion script for bash, zsh or fish",
			ArgsUsage: "bash|zsh|fish",
			Description: "Completes commands and flags; file names where a value is expected. " +
				"The bash and zsh scripts ask cci itself (cci ... --generate-bash-completion).",
			Action: func(c *cli.Context) error {
				if c.NArg() != 1 {
					return usageError(fmt.Errorf("cci completion takes one shell: bash, zsh or fish"))
				}
				switch shell := c.Args().First(); shell {
				case "bash":
					_, err := io.WriteString(c.App.Writer, bashCompletion)
					return err
				case "zsh":
					_, err := io.WriteString(c.App.Writer, zshCompletion)
					return err
				case "fish":
					s, err := c.App.ToFishCompletion()
					if err != nil {
						return fmt.Errorf("writing the fish completion: %w", err)
					}
					_, err = io.WriteString(c.App.Writer, tidyFish(s))
					return err
				default:
					return usageError(fmt.Errorf("cci completion %q: want bash, zsh or fish", shell))
				}
			},
		},
		Examples: []example{
			{"complete cci in the running bash", "source <(cci completion bash)"},
			{"install the fish completion", "cci completion fish > ~/.config/fish/completions/cci.fish"},
		},
	}
}

// tidyFish drops what urfave's fish script repeats (the help flag, which
// cci declares itself) and the `PLACEHOLDER` quotes of the usages.
func tidyFish(s string) string {
	var out []string
	seen := map[string]bool{}
	for _, l := range strings.Split(s, "\n") {
		if l != "" && seen[l] {
			continue
		}
		seen[l] = true
		out = append(out, strings.ReplaceAll(l, "`", ""))
	}
	return strings.Join(out, "\n")
}

// The scripts pass the words typed so far to cci with
// --generate-bash-completion appended (urfave's completion protocol) and
// fall back to file names when cci offers nothing.
const bashCompletion = `# bash completion for cci: source <(cci completion bash)
_cci_complete() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local -a words=("${COMP_WORDS[@]:0:COMP_CWORD}")
    [[ $cur == -* ]] && words+=("$cur")
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$("${words[@]}" --generate-bash-completion 2>/dev/null)" -- "$cur"))
}
complete -o bashdefault -o default -F _cci_complete cci
`

const zshCompletion = `#compdef cci
# zsh completion for cci: source <(cci completion zsh), or save it as _cci in $fpath
_cci_complete() {
    local -a words_so_far opts
    words_so_far=("${(@)words[1,CURRENT-1]}")
    [[ ${words[CURRENT]} == -* ]] && words_so_far+=("${words[CURRENT]}")
    opts=("${(@f)$("${words_so_far[@]}" --generate-bash-completion 2>/dev/null)}")
    opts=("${(@)opts:#}")
    if (( ${#opts} )); then
        compadd -a opts
    else
        _files
    fi
}
compdef _cci_complete cci
`

package rundiff

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/cloud-credentials-insights/cci/internal/jsonout"
)

// line is one labelled list of a detail section.
type line struct {
	label string
	items []string
}

// printRuns writes rep in format.
func printRuns(w io.Writer, format string, rep *RunsReport) error {
	if format == FormatJSON {
		return jsonout.Encode(w, rep)
	}
	md := format == FormatMarkdown
	var b bytes.Buffer
	heading(&b, md, "cci diff")
	fmt.Fprintf(&b, "A: %s (%s)\n", rep.A.Path, rep.A.Kind)
	if md {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "B: %s (%s)\n", rep.B.Path, rep.B.Kind)
	fmt.Fprintf(&b, "\nidentities: %d appeared, %d disappeared, %d changed, %d unchanged\n",
		len(rep.Appeared), len(rep.Disappeared), len(rep.Changed), rep.Unchanged)
	if len(rep.Changed) > 0 {
		header := []string{"KEY", "PAIRED BY", "+REQUIRED", "-REQUIRED", "NEW MISSING", "RESOLVED", "+EXTRA", "-EXTRA", "NEW DENIED", "GONE DENIED"}
		var rows [][]string
		for _, p := range rep.Changed {
			rows = append(rows, []string{p.Key, p.PairedBy, n(p.RequiredAdded), n(p.RequiredRemoved), n(p.MissingNew),
				n(p.MissingResolved), n(p.ExtraAdded), n(p.ExtraRemoved), n(p.DeniedNew), n(p.DeniedGone)})
		}
		b.WriteString("\n")
		table(&b, md, header, rows)
	}
	for _, list := range []struct {
		title string
		ids   []Unpaired
	}{{"appeared (in B only)", rep.Appeared}, {"disappeared (in A only)", rep.Disappeared}} {
		if len(list.ids) == 0 {
			continue
		}
		section(&b, md, list.title)
		for _, x := range list.ids {
			item(&b, md, fmt.Sprintf("%s (key %s by %s): %d required%s", x.Name, x.Key, x.PairedBy, len(x.Required), extraCounts(x)))
		}
	}
	for _, p := range rep.Changed {
		title := p.Key
		if p.A != p.Key || p.B != p.Key {
			title += " (" + p.A + " -> " + p.B + ")"
		}
		lines := []line{{"required added", p.RequiredAdded}, {"required removed", p.RequiredRemoved},
			{"missing new", p.MissingNew}, {"missing resolved", p.MissingResolved},
			{"extra added", p.ExtraAdded}, {"extra removed", p.ExtraRemoved},
			{"denied new", p.DeniedNew}, {"denied gone", p.DeniedGone}}
		var counts []string
		for _, c := range p.Counts {
			counts = append(counts, fmt.Sprintf("%s %d -> %d", c.Action, c.A, c.B))
		}
		lines = append(lines, line{"counts", counts})
		details(&b, md, title, lines)
	}
	_, err := w.Write(b.Bytes())
	return err
}

func extraCounts(x Unpaired) string {
	s := ""
	if len(x.Missing) > 0 {
		s += fmt.Sprintf(", %d missing", len(x.Missing))
	}
	if len(x.Denied) > 0 {
		s += fmt.Sprintf(", %d denied", len(x.Denied))
	}
	return s
}

// printRequests writes rep in format.
func printRequests(w io.Writer, format string, rep *RequestsReport) error {
	if format == FormatJSON {
		return jsonout.Encode(w, rep)
	}
	md := format == FormatMarkdown
	var b bytes.Buffer
	heading(&b, md, "cci diff --credentials-requests-path")
	fmt.Fprintf(&b, "A: %s\n", rep.A)
	if md {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "B: %s\n", rep.B)
	fmt.Fprintf(&b, "\nrequests: %d added, %d removed, %d changed, %d unchanged\n", len(rep.Added), len(rep.Removed), len(rep.Changed), rep.Unchanged)
	if len(rep.Changed) > 0 {
		header := []string{"REQUEST", "FILE (B)", "+ACTIONS", "-ACTIONS", "RESOURCES", "CONDITIONS"}
		var rows [][]string
		for _, c := range rep.Changed {
			rows = append(rows, []string{c.Key, c.RefB, n(c.ActionsAdded), n(c.ActionsRemoved), strconv.Itoa(len(c.ResourcesChanged)), strconv.Itoa(len(c.ConditionsChanged))})
		}
		b.WriteString("\n")
		table(&b, md, header, rows)
	}
	for _, list := range []struct {
		title string
		refs  []RequestRef
	}{{"added (in B only)", rep.Added}, {"removed (in A only)", rep.Removed}} {
		if len(list.refs) == 0 {
			continue
		}
		section(&b, md, list.title)
		for _, r := range list.refs {
			item(&b, md, fmt.Sprintf("%s (%s): %d actions", r.Key, r.Ref, len(r.Actions)))
		}
	}
	for _, c := range rep.Changed {
		scopes := func(ss []ScopeChange) []string {
			var out []string
			for _, s := range ss {
				out = append(out, fmt.Sprintf("%s %s -> %s", s.Action, strings.Join(s.A, " | "), strings.Join(s.B, " | ")))
			}
			return out
		}
		details(&b, md, c.Key, []line{{"actions added", c.ActionsAdded}, {"actions removed", c.ActionsRemoved},
			{"deny added", c.DenyAdded}, {"deny removed", c.DenyRemoved},
			{"resources changed", scopes(c.ResourcesChanged)}, {"conditions changed", scopes(c.ConditionsChanged)}})
	}
	if len(rep.Problems) > 0 {
		section(&b, md, "skipped")
		for _, p := range rep.Problems {
			item(&b, md, p)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func n(ss []string) string { return strconv.Itoa(len(ss)) }

func heading(b *bytes.Buffer, md bool, s string) {
	if md {
		fmt.Fprintf(b, "## %s\n\n", s)
	}
}

func section(b *bytes.Buffer, md bool, title string) {
	if md {
		fmt.Fprintf(b, "\n### %s\n\n", title)
		return
	}
	fmt.Fprintf(b, "\n%s:\n", title)
}

func item(b *bytes.Buffer, md bool, s string) {
	if md {
		fmt.Fprintf(b, "- %s\n", mdEscape(s))
		return
	}
	fmt.Fprintf(b, "  %s\n", s)
}

func details(b *bytes.Buffer, md bool, title string, lines []line) {
	section(b, md, title)
	for _, l := range lines {
		if len(l.items) == 0 {
			continue
		}
		if md {
			fmt.Fprintf(b, "- %s: %s\n", l.label, mdEscape(strings.Join(l.items, ", ")))
			continue
		}
		fmt.Fprintf(b, "  %s: %s\n", l.label, strings.Join(l.items, ", "))
	}
}

func table(b *bytes.Buffer, md bool, header []string, rows [][]string) {
	if md {
		fmt.Fprintf(b, "| %s |\n|%s\n", strings.Join(header, " | "), strings.Repeat("---|", len(header)))
		for _, r := range rows {
			cells := make([]string, len(r))
			for i, c := range r {
				cells[i] = mdEscape(c)
			}
			fmt.Fprintf(b, "| %s |\n", strings.Join(cells, " | "))
		}
		return
	}
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
}

// mdEscape keeps '|', '*' and '_' of IAM names from being read as
// Markdown.
func mdEscape(s string) string {
	return strings.NewReplacer(`|`, `\|`, `*`, `\*`, `_`, `\_`).Replace(s)
}

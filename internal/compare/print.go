package compare

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/cloud-credentials-insights/cci/internal/jsonout"
)

// printReport writes the report to w in format.
func printReport(w io.Writer, format string, rep *Report) error {
	switch format {
	case FormatJSON:
		return jsonout.Encode(w, rep)
	case FormatMarkdown:
		bw := bufio.NewWriter(w)
		writeMarkdown(bw, rep)
		return bw.Flush()
	}
	bw := bufio.NewWriter(w)
	writeTable(bw, rep)
	return bw.Flush()
}

type row struct {
	name string
	u    *User
}

func rows(rep *Report) []row {
	var out []row
	for _, name := range sortedKeys(rep.Users.ByName) {
		out = append(out, row{name, rep.Users.ByName[name]})
	}
	return out
}

func (r row) request() string {
	if r.u.Target == "ambiguous" {
		return fmt.Sprintf("ambiguous (%d)", len(r.u.Candidates))
	}
	return r.u.CredRequestRef
}

func (r row) matchedBy() string {
	if r.u.MatchedBy == "" {
		return "-"
	}
	return strings.Join(append([]string{r.u.MatchedBy}, r.u.AlsoMatchedBy...), "+")
}

func clusterLine(rep *Report) string {
	c := rep.Cluster
	var parts []string
	if c.Name != "" {
		parts = append(parts, "name "+c.Name)
	}
	if c.InfraID != "" {
		parts = append(parts, "infra ID "+c.InfraID)
	}
	if c.InfraPrefix != "" {
		parts = append(parts, "infra ID prefix "+c.InfraPrefix)
	}
	if len(parts) == 0 {
		parts = append(parts, "unknown")
	}
	return strings.Join(parts, ", ") + " (" + c.Source + ")"
}

func summaryLine(rep *Report) string {
	s := rep.Summary
	return fmt.Sprintf("%d identities: %d matched, %d unknown, %d ambiguous; %d missing, %d extra, %d unchecked, %d denied",
		s.Identities, s.Matched, s.Unknown, s.Ambiguous, s.Missing, s.Extra, s.Unchecked, s.Denied)
}

func writeTable(w io.Writer, rep *Report) {
	fmt.Fprintf(w, "cluster: %s\n", clusterLine(rep))
	fmt.Fprintf(w, "%s\n\n", summaryLine(rep))
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "IDENTITY\tREQUEST\tMATCHED BY\tREQUIRED\tMISSING\tEXTRA\tUNCHECKED\tDENIED")
	for _, r := range rows(rep) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", r.name, r.request(), r.matchedBy(),
			len(r.u.Required), len(r.u.Diff.Missing), len(r.u.Diff.Extra), len(r.u.Diff.UnsupportedCheck), len(r.u.Denied))
	}
	tw.Flush()
	section := func(title string, lines []string) {
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		for _, l := range lines {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	section("missing", perUser(rep, func(u *User) []string { return u.Diff.Missing }))
	section("denied", perUser(rep, deniedLines))
	section("extra", perUser(rep, func(u *User) []string { return u.Diff.Extra }))
	section("ambiguous", perUser(rep, candidateLines))
	section("problems", problemLines(rep))
	if len(rep.Users.Unknown) > 0 {
		fmt.Fprintf(w, "\nunknown (%d): %s\n", len(rep.Users.Unknown), strings.Join(rep.Users.Unknown, ", "))
	}
}

func perUser(rep *Report, f func(*User) []string) []string {
	var out []string
	for _, r := range rows(rep) {
		if items := f(r.u); len(items) > 0 {
			out = append(out, r.name+": "+strings.Join(items, ", "))
		}
	}
	return out
}

func deniedLines(u *User) []string {
	var out []string
	for _, d := range u.Denied {
		s := d.Action + " " + d.ErrorCode
		if d.Cause != "" {
			s += " (" + d.Cause + ")"
		}
		out = append(out, fmt.Sprintf("%s x%d", s, d.Count))
	}
	return out
}

func candidateLines(u *User) []string {
	var out []string
	for _, c := range u.Candidates {
		out = append(out, c.CredRequestRef+" by "+strings.Join(c.MatchedBy, "+"))
	}
	return out
}

func problemLines(rep *Report) []string {
	var out []string
	for _, p := range rep.Problems {
		loc := p.File
		if p.Line > 0 {
			loc = fmt.Sprintf("%s:%d", p.File, p.Line)
		}
		out = append(out, loc+": "+p.Error)
	}
	return out
}

func code(s string) string { return "`" + strings.ReplaceAll(s, "`", "'") + "`" }

func codes(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = code(s)
	}
	return strings.Join(out, ", ")
}

func writeMarkdown(w io.Writer, rep *Report) {
	fmt.Fprintf(w, "## cci compare\n\n")
	fmt.Fprintf(w, "Cluster: %s.  \n%s.\n\n", clusterLine(rep), summaryLine(rep))
	fmt.Fprintln(w, "| Identity | Request | Matched by | Required | Missing | Extra | Unchecked | Denied |")
	fmt.Fprintln(w, "|---|---|---|--:|--:|--:|--:|--:|")
	for _, r := range rows(rep) {
		fmt.Fprintf(w, "| %s | %s | %s | %d | %d | %d | %d | %d |\n", code(r.name), code(r.request()), r.matchedBy(),
			len(r.u.Required), len(r.u.Diff.Missing), len(r.u.Diff.Extra), len(r.u.Diff.UnsupportedCheck), len(r.u.Denied))
	}
	list := func(title string, open bool, f func(*User) []string) {
		var lines []string
		for _, r := range rows(rep) {
			if items := f(r.u); len(items) > 0 {
				lines = append(lines, "- "+code(r.name)+": "+strings.Join(items, ", "))
			}
		}
		if len(lines) == 0 {
			return
		}
		if open {
			fmt.Fprintf(w, "\n### %s\n\n%s\n", title, strings.Join(lines, "\n"))
			return
		}
		fmt.Fprintf(w, "\n<details><summary>%s</summary>\n\n%s\n\n</details>\n", title, strings.Join(lines, "\n"))
	}
	list("Missing", true, func(u *User) []string {
		var out []string
		for _, m := range u.Diff.Missing {
			out = append(out, code(m))
		}
		return out
	})
	list("Denied", true, func(u *User) []string {
		var out []string
		for _, l := range deniedLines(u) {
			out = append(out, code(l))
		}
		return out
	})
	list("Ambiguous", true, func(u *User) []string {
		var out []string
		for _, l := range candidateLines(u) {
			out = append(out, code(l))
		}
		return out
	})
	list("Extra", false, func(u *User) []string {
		var out []string
		for _, e := range u.Diff.Extra {
			out = append(out, code(e))
		}
		return out
	})
	list("Not checkable from CloudTrail", false, func(u *User) []string {
		var out []string
		for _, a := range u.Diff.UnsupportedCheck {
			out = append(out, code(a)+" ("+u.Diff.Reasons[a]+")")
		}
		return out
	})
	if len(rep.Users.Unknown) > 0 {
		fmt.Fprintf(w, "\n<details><summary>Unknown identities (%d)</summary>\n\n%s\n\n</details>\n", len(rep.Users.Unknown), codes(rep.Users.Unknown))
	}
	if p := problemLines(rep); len(p) > 0 {
		fmt.Fprintf(w, "\n### Skipped inputs\n\n- %s\n", strings.Join(p, "\n- "))
	}
}

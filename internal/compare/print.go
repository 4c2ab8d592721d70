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
	line := fmt.Sprintf("%d identities: %d matched, %d unknown, %d ambiguous; %d missing, %d extra, %d unchecked, %d denied; "+
		"%d of %d requests without identity", s.Identities, s.Matched, s.Unknown, s.Ambiguous, s.Missing, s.Extra, s.Unchecked, s.Denied,
		s.Unmatched, rep.Inputs.RequestsLoaded)
	if rep.Inputs.Baseline != "" {
		line += fmt.Sprintf("; %d baselined", s.Baselined)
	}
	return line
}

// noneCompared is printed instead of an empty table.
const noneCompared = "no identity was compared"

func conditionalLine(u *User) []string { return u.Conditional }
func alertLines(u *User) []string      { return u.SecurityAlerts }

func caseLines(u *User) []string {
	var out []string
	for _, c := range u.CaseMismatch {
		out = append(out, c.Requested+" (AWS spells it "+c.Canonical+")")
	}
	return out
}

func baselinedLines(rep *Report) []string {
	var out []string
	for _, b := range rep.Baselined {
		what := b.Identity
		if what == "" {
			what = b.CredRequestRef
		}
		l := what + ": " + b.Kind
		if b.Action != "" {
			l += " " + b.Action
		}
		l += " (" + b.Source
		if b.Expires != "" {
			l += ", until " + b.Expires
		}
		out = append(out, l+")")
	}
	return out
}

func writeTable(w io.Writer, rep *Report) {
	fmt.Fprintf(w, "cluster: %s\n", clusterLine(rep))
	fmt.Fprintf(w, "%s\n", summaryLine(rep))
	section := func(title string, lines []string) {
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		for _, l := range lines {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	section("skipped inputs (the result is partial)", problemLines(rep))
	fmt.Fprintln(w)
	if len(rep.Users.ByName) == 0 {
		fmt.Fprintln(w, noneCompared)
	} else {
		tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "IDENTITY\tREQUEST\tMATCHED BY\tREQUIRED\tMISSING\tEXTRA\tUNCHECKED\tDENIED")
		for _, r := range rows(rep) {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", r.name, r.request(), r.matchedBy(),
				len(r.u.Required), len(r.u.Diff.Missing), len(r.u.Diff.Extra), len(r.u.Diff.UnsupportedCheck), len(r.u.Denied))
		}
		tw.Flush()
	}
	section("missing", perUser(rep, func(u *User) []string { return u.Diff.Missing }))
	section("denied", perUser(rep, deniedLines))
	section("remediations", remedyLines(rep))
	section("not in force (granted by the request, not allowed by the account's policies)", perUser(rep, func(u *User) []string { return u.NotInForce }))
	section("in force only (allowed by the account's policies, not granted by the request)", perUser(rep, func(u *User) []string { return u.InForceOnly }))
	section("policies in force not evaluated", perUser(rep, inForceProblem))
	section("extra", perUser(rep, func(u *User) []string { return u.Diff.Extra }))
	section("ambiguous", perUser(rep, candidateLines))
	section("security alerts", perUser(rep, alertLines))
	section("conditional (covered only under a condition or for some resources)", perUser(rep, conditionalLine))
	section("case mismatch", perUser(rep, caseLines))
	section("requests without identity", rep.RequestsWithoutIdentity)
	section("baselined", baselinedLines(rep))
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
	if p := problemLines(rep); len(p) > 0 {
		fmt.Fprintf(w, "> **Partial result**: %d input(s) were skipped, so findings may be wrong.\n\n", len(p))
		fmt.Fprintf(w, "### Skipped inputs\n\n- %s\n\n", strings.Join(p, "\n- "))
	}
	fmt.Fprintf(w, "Cluster: %s.  \n%s.\n", clusterLine(rep), summaryLine(rep))
	if len(rep.Users.ByName) == 0 {
		fmt.Fprintf(w, "\n%s.\n", strings.ToUpper(noneCompared[:1])+noneCompared[1:])
	} else {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| Identity | Request | Matched by | Required | Missing | Extra | Unchecked | Denied |")
		fmt.Fprintln(w, "|---|---|---|--:|--:|--:|--:|--:|")
		for _, r := range rows(rep) {
			fmt.Fprintf(w, "| %s | %s | %s | %d | %d | %d | %d | %d |\n", code(r.name), code(r.request()), r.matchedBy(),
				len(r.u.Required), len(r.u.Diff.Missing), len(r.u.Diff.Extra), len(r.u.Diff.UnsupportedCheck), len(r.u.Denied))
		}
	}
	block := func(title string, open bool, lines []string) {
		if len(lines) == 0 {
			return
		}
		if open {
			fmt.Fprintf(w, "\n### %s\n\n%s\n", title, strings.Join(lines, "\n"))
			return
		}
		fmt.Fprintf(w, "\n<details><summary>%s</summary>\n\n%s\n\n</details>\n", title, strings.Join(lines, "\n"))
	}
	list := func(title string, open bool, f func(*User) []string) {
		var lines []string
		for _, r := range rows(rep) {
			if items := f(r.u); len(items) > 0 {
				lines = append(lines, "- "+code(r.name)+": "+strings.Join(items, ", "))
			}
		}
		block(title, open, lines)
	}
	coded := func(f func(*User) []string) func(*User) []string {
		return func(u *User) []string {
			var out []string
			for _, s := range f(u) {
				out = append(out, code(s))
			}
			return out
		}
	}
	bullets := func(items []string) []string {
		var out []string
		for _, s := range items {
			out = append(out, "- "+code(s))
		}
		return out
	}
	list("Missing", true, coded(func(u *User) []string { return u.Diff.Missing }))
	list("Denied", true, coded(deniedLines))
	if lines := remedyLines(rep); len(lines) > 0 {
		var items []string
		for _, l := range lines {
			cause, text, _ := strings.Cut(l, ": ")
			items = append(items, "- "+code(cause)+": "+text)
		}
		block(fmt.Sprintf("Remediations (%d)", len(items)), true, items)
	}
	list("Not in force", true, coded(func(u *User) []string { return u.NotInForce }))
	list("In force only", false, coded(func(u *User) []string { return u.InForceOnly }))
	list("Policies in force not evaluated", true, inForceProblem)
	list("Ambiguous", true, coded(candidateLines))
	list("Security alerts", true, coded(alertLines))
	block(fmt.Sprintf("Requests without identity (%d)", len(rep.RequestsWithoutIdentity)), true, bullets(rep.RequestsWithoutIdentity))
	block(fmt.Sprintf("Baselined (%d)", len(rep.Baselined)), false, bullets(baselinedLines(rep)))
	list("Extra", false, coded(func(u *User) []string { return u.Diff.Extra }))
	list("Conditional", false, coded(conditionalLine))
	list("Case mismatch", false, func(u *User) []string {
		var out []string
		for _, c := range u.CaseMismatch {
			out = append(out, code(c.Requested)+" (AWS spells it "+code(c.Canonical)+")")
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
}

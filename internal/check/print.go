package check

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/cloud-credentials-insights/cci/internal/jsonout"
)

func printReport(w io.Writer, format string, rep *Report) error {
	switch format {
	case FormatJSON:
		return jsonout.Encode(w, rep)
	case FormatMarkdown:
		bw := bufio.NewWriter(w)
		printMarkdown(bw, rep)
		return bw.Flush()
	}
	bw := bufio.NewWriter(w)
	if err := printTable(bw, rep); err != nil {
		return err
	}
	return bw.Flush()
}

func (id *Identity) title() string {
	var b strings.Builder
	b.WriteString(id.Request)
	if id.Namespace != "" {
		fmt.Fprintf(&b, " (%s)", id.Name)
	}
	b.WriteString(": ")
	if id.Kind == "" {
		b.WriteString("absent, looked for " + strings.Join(id.LookedFor, ", "))
	} else {
		b.WriteString(id.Kind + " " + id.Principal)
	}
	if len(id.Findings) > 0 {
		b.WriteString("  [" + strings.Join(id.Findings, ", ") + "]")
	} else {
		b.WriteString("  [ok]")
	}
	return b.String()
}

func (r *Result) blockerText() string {
	switch {
	case r.Blocker == "":
		return "-"
	case r.Blocker == BlockSCP && r.SCPLevel > 0:
		return fmt.Sprintf("scp (level %d)", r.SCPLevel)
	case r.Blocker == BlockMissingContext:
		return "missing-context (" + strings.Join(r.MissingContextValues, ", ") + ")"
	}
	return r.Blocker
}

func (r *Result) contextText() string {
	if len(r.Context) == 0 {
		return "-"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(r.Context)) {
		parts = append(parts, k+"="+strings.Join(r.Context[k], ","))
	}
	return strings.Join(parts, " ")
}

func clusterText(c Cluster) string {
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
	s := strings.Join(parts, ", ")
	if c.Inferred {
		s += " (inferred: " + strings.Join(c.Evidence, "; ") + ")"
	}
	return s
}

func summaryText(s Summary) string {
	return fmt.Sprintf("%d identities: %d absent, %d denied actions, %d untrusted, %d source-restricted",
		s.Identities, s.Absent, s.Denied, s.Untrusted, s.SourceRestricted)
}

// printTable writes, per identity, AWS's EVAL_ACTION / EVAL_DECISION table
// with the blocker of each denied action.
func printTable(w io.Writer, rep *Report) error {
	fmt.Fprintf(w, "cluster  %s\n", clusterText(rep.Cluster))
	if o := rep.OIDC; o != nil {
		fmt.Fprintf(w, "oidc     %s\n", o.Issuer)
		for _, ch := range o.Checks {
			fmt.Fprintf(w, "  %-8s %s  %s\n", ch.Name, okText(ch.OK), ch.Detail)
		}
	}
	for _, id := range rep.Identities {
		fmt.Fprintf(w, "\n== %s\n", id.title())
		if len(id.Results) > 0 {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "EVAL_ACTION\tEVAL_DECISION\tEVAL_RESOURCE\tBLOCKER\tCONTEXT\tDETAIL")
			for i := range id.Results {
				r := &id.Results[i]
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Action, r.Decision, r.Resource, r.blockerText(), r.contextText(), r.Detail)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
		if len(id.Trust) > 0 {
			fmt.Fprintln(w, "trust:")
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "  SERVICE_ACCOUNT\tEVAL_DECISION\tDETAIL")
			for _, t := range id.Trust {
				fmt.Fprintf(tw, "  %s\t%s\t%s\n", t.ServiceAccount, t.Decision, t.Detail)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
		if sc := id.SourceRestricted; sc != nil {
			fmt.Fprintf(w, "presigned URLs: s3:GetObject from %s: %s\n", orDash(sc.SourceIP), sc.Decision)
			fmt.Fprintf(w, "  %s\n", sc.Detail)
			for _, cd := range sc.Conditions {
				fmt.Fprintf(w, "  condition: %s\n", cd)
			}
		}
		for _, n := range id.Notes {
			fmt.Fprintf(w, "note: %s\n", n)
		}
	}
	fmt.Fprintf(w, "\nsummary: %s\n", summaryText(rep.Summary))
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "problem: %s\n", p)
	}
	return nil
}

func okText(ok bool) string {
	if ok {
		return "ok"
	}
	return "FAILED"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func printMarkdown(w io.Writer, rep *Report) {
	fmt.Fprintf(w, "# cci check\n\nCluster: %s\n\n%s\n", mdEscape(clusterText(rep.Cluster)), summaryText(rep.Summary))
	if o := rep.OIDC; o != nil {
		fmt.Fprintf(w, "\n## OIDC provider %s\n\n| check | result | detail |\n|---|---|---|\n", o.Issuer)
		for _, ch := range o.Checks {
			fmt.Fprintf(w, "| %s | %s | %s |\n", ch.Name, okText(ch.OK), mdEscape(ch.Detail))
		}
	}
	for _, id := range rep.Identities {
		fmt.Fprintf(w, "\n## %s\n", mdEscape(id.title()))
		if len(id.Results) > 0 {
			fmt.Fprintf(w, "\n| EVAL_ACTION | EVAL_DECISION | EVAL_RESOURCE | blocker | context | detail |\n|---|---|---|---|---|---|\n")
			for i := range id.Results {
				r := &id.Results[i]
				fmt.Fprintf(w, "| `%s` | %s | `%s` | %s | %s | %s |\n", r.Action, r.Decision, r.Resource, r.blockerText(), mdEscape(r.contextText()), mdEscape(r.Detail))
			}
		}
		if len(id.Trust) > 0 {
			fmt.Fprintf(w, "\n| service account | EVAL_DECISION | detail |\n|---|---|---|\n")
			for _, t := range id.Trust {
				fmt.Fprintf(w, "| %s | %s | %s |\n", t.ServiceAccount, t.Decision, mdEscape(t.Detail))
			}
		}
		if sc := id.SourceRestricted; sc != nil {
			fmt.Fprintf(w, "\nPresigned URLs (s3:GetObject from %s): **%s**. %s\n", orDash(sc.SourceIP), sc.Decision, mdEscape(sc.Detail))
			for _, cd := range sc.Conditions {
				fmt.Fprintf(w, "- condition: %s\n", mdEscape(cd))
			}
		}
		for _, n := range id.Notes {
			fmt.Fprintf(w, "\n> %s\n", mdEscape(n))
		}
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintf(w, "\n## Problems\n\n")
		for _, p := range rep.Problems {
			fmt.Fprintf(w, "- %s\n", mdEscape(p))
		}
	}
}

package explain

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/oidc"
)

func (rep *RefusalReport) printText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, v)
		}
	}
	row("input", rep.Input+" ("+rep.Source+")")
	row("error code", rep.ErrorCode)
	p := rep.Principal
	if p.ARN != "" || p.ID != "" {
		row("principal", firstOf(p.ARN, p.ID))
		if p.Kind != "" {
			desc := p.Kind + " " + p.Name
			var extra []string
			if p.Account != "" {
				extra = append(extra, "account "+p.Account)
			}
			if p.Session != "" {
				extra = append(extra, "session "+p.Session)
			}
			if p.ID != "" && p.ARN != "" {
				extra = append(extra, "id "+p.ID)
			}
			if len(extra) > 0 {
				desc += " (" + strings.Join(extra, ", ") + ")"
			}
			row("", desc)
		}
	} else {
		row("principal", "(not named)")
	}
	for _, r := range rep.CredentialsRequests {
		s := fmt.Sprintf("%s (%s/%s, matched by %s)", r.Ref, r.SecretRef.Namespace, r.SecretRef.Name, strings.Join(r.MatchedBy, ","))
		if r.RequestsAction != "" {
			s += "; requests the action: " + r.RequestsAction
		}
		row("request", s)
	}
	if rep.Cluster != "" && len(rep.CredentialsRequests) > 0 {
		row("cluster", rep.Cluster)
	}
	row("action", firstOf(rep.Action, "(not named)"))
	row("resource", firstOf(rep.Resource, "(not named)"))
	row("decision", rep.Decision)
	cause := "(not named)"
	if rep.Cause != "" {
		cause = rep.Cause
		if rep.Suspected {
			cause += " (suspected)"
		}
		if rep.CauseText != "" {
			cause += ": " + rep.CauseText
		}
	}
	row("cause", cause)
	if e := rep.Encoded; e != nil {
		s := fmt.Sprintf("%d characters", e.Length)
		if e.Truncated {
			s += ", truncated"
		}
		row("encoded", s)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rep.Statements) > 0 {
		fmt.Fprintln(w, "matched statements:")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  EFFECT\tSTATEMENT\tPOLICY\tPRINCIPALS\tACTIONS\tRESOURCES\tCONDITIONS")
		for _, s := range rep.Statements {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Effect, firstOf(s.ID, `""`), firstOf(s.Policy, "-"),
				list(s.Principals), list(s.Actions), list(s.Resources), firstOf(s.Conditions, "-"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(rep.Context) > 0 {
		fmt.Fprintln(w, "condition context:")
		for _, c := range rep.Context {
			fmt.Fprintf(w, "  %s = %s\n", c.Key, strings.Join(c.Values, ", "))
		}
	}
	if len(rep.Failures) > 0 {
		fmt.Fprintln(w, "failures:")
		for _, f := range rep.Failures {
			fmt.Fprintf(w, "  %s\n", f)
		}
	}
	section(w, "notes", rep.Notes)
	_, err := fmt.Fprint(w, bullets("next", rep.Next))
	return err
}

func (rep *TokenReport) printText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	row("token", rep.Token+" (fingerprint of "+rep.File+"; the token itself is never printed)")
	row("header", fmt.Sprintf("alg=%s kid=%s", firstOf(rep.Header.Alg, "(none)"), firstOf(rep.Header.Kid, "(none)")))
	row("iss", firstOf(rep.Claims.Issuer, "(none)"))
	row("sub", firstOf(rep.Claims.Subject, "(none)"))
	row("aud", firstOf(strings.Join(rep.Claims.Audience, ", "), "(none)"))
	row("exp", stamp(rep.Claims.Expiry))
	row("iat", stamp(rep.Claims.IssuedAt))
	if rep.Claims.NotBefore != nil {
		row("nbf", stamp(rep.Claims.NotBefore))
	}
	row("now", rep.Now)
	if rep.Provider != "" {
		row("provider", rep.Provider)
	}
	for _, r := range rep.CredentialsRequests {
		row("request", fmt.Sprintf("%s (%s/%s)", r.Ref, r.SecretRef.Namespace, r.SecretRef.Name))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if p := rep.Probe; p != nil {
		fmt.Fprintln(w, "probe:")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, f := range []struct {
			name string
			f    oidc.Fetch
		}{{"discovery", p.Discovery}, {"jwks", p.JWKS}} {
			state := "public"
			if !f.f.Public {
				state = "NOT PUBLIC"
			}
			detail := f.f.URL
			if f.f.Status != 0 {
				detail += fmt.Sprintf(" (HTTP %d, %s)", f.f.Status, firstOf(f.f.ContentType, "no content type"))
			}
			if f.f.Error != "" {
				detail += ": " + f.f.Error
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", f.name, state, detail)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintln(w, "checks:")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range rep.Checks {
		status := c.Status
		if status == oidc.StatusFailed {
			status = "FAILED"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.Name, status, c.Detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	section(w, "notes", rep.Notes)
	_, err := fmt.Fprintf(w, "problems: %d\n", rep.Problems)
	return err
}

func section(w io.Writer, title string, lines []string) {
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "%s:\n", title)
	for _, l := range lines {
		fmt.Fprintf(w, "  %s\n", l)
	}
}

func bullets(title string, lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s:\n", title)
	for _, l := range lines {
		fmt.Fprintf(&b, "  - %s\n", l)
	}
	return b.String()
}

func stamp(t *time.Time) string {
	if t == nil {
		return "(none)"
	}
	return t.UTC().Format(time.RFC3339)
}

func list(vs []string) string {
	if len(vs) == 0 {
		return "-"
	}
	return strings.Join(vs, ",")
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

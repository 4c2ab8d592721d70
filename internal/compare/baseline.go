package compare

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// A finding is one thing --fail-on can fail on: a missing, denied or
// extra action of an identity, an unknown or ambiguous identity, or a
// request without identity. findings lists them in a stable order.
type finding struct {
	Kind     string // FindingMissing, ...
	Identity string // the identity; empty for unmatched
	Ref      string // its credRequestRef, or the unmatched request's
	Request  string // its credRequest (metadata.name)
	Action   string // for missing, denied, extra
	Detail   string // denied: error code and cause
	// Baselined is the entry that accepted the finding, or nil.
	Baselined *baselineEntry
}

// Kinds of findings, as written in Baselined.Kind and JUnit.
const (
	FindingMissing   = "missing"
	FindingDenied    = "denied"
	FindingExtra     = "extra"
	FindingUnknown   = "unknown"
	FindingAmbiguous = "ambiguous"
	FindingUnmatched = "unmatched"
)

// failKind is the --fail-on kind that fails on a finding kind.
func failKind(kind string) string {
	switch kind {
	case FindingUnknown, FindingAmbiguous:
		return FailUnknown
	case FindingUnmatched:
		return FailUnmatched
	}
	return kind
}

func findings(rep *Report) []*finding {
	var out []*finding
	for _, name := range sortedKeys(rep.Users.ByName) {
		u := rep.Users.ByName[name]
		add := func(kind, action, detail string) {
			out = append(out, &finding{Kind: kind, Identity: name, Ref: u.CredRequestRef, Request: u.CredRequest, Action: action, Detail: detail})
		}
		if u.Target == "ambiguous" {
			add(FindingAmbiguous, "", "")
			continue
		}
		for _, a := range u.Diff.Missing {
			add(FindingMissing, a, "")
		}
		for _, d := range u.Denied {
			detail := d.ErrorCode
			if d.Cause != "" {
				detail += " (" + d.Cause + ")"
			}
			add(FindingDenied, d.Action, detail)
		}
		for _, a := range u.Diff.Extra {
			add(FindingExtra, a, "")
		}
	}
	for _, name := range rep.Users.Unknown {
		out = append(out, &finding{Kind: FindingUnknown, Identity: name})
	}
	for _, ref := range rep.RequestsWithoutIdentity {
		out = append(out, &finding{Kind: FindingUnmatched, Ref: ref, Request: rep.requestNames[ref]})
	}
	return out
}

// baselineEntry is one accepted finding (or pattern of findings).
type baselineEntry struct {
	// Subjects are the identity name, credRequestRef or request name the
	// entry is about; any one matching is enough.
	Subjects []string
	// Action is an IAM action pattern ("*" matches any finding of the
	// subject, also those without an action: unknown, unmatched).
	Action string
	// Kinds limits the entry to these finding kinds; nil is any.
	Kinds []string
	// Expires is the first day the entry no longer applies; zero never.
	Expires time.Time
	Source  string // file:line, or file for a JSON baseline
}

func (e *baselineEntry) matches(f *finding) bool {
	if len(e.Kinds) > 0 && !contains(e.Kinds, f.Kind) {
		return false
	}
	subject := false
	for _, s := range e.Subjects {
		subject = subject || (s != "" && (s == f.Identity || s == f.Ref || s == f.Request))
	}
	if !subject {
		return false
	}
	if e.Action == "*" {
		return true
	}
	return f.Action != "" && policy.MatchAction(e.Action, f.Action)
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// loadBaseline reads --baseline: a compiled_users.diff.json or
// compiled_users.json of an earlier run (JSON), or an ignore file.
func loadBaseline(path string) ([]*baselineEntry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading baseline: %w", err)
	}
	var entries []*baselineEntry
	if t := bytes.TrimSpace(data); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		entries, err = parseBaselineJSON(path, data)
	} else {
		entries, err = parseIgnore(path, data)
	}
	if err != nil {
		return nil, fmt.Errorf("reading baseline %w", err)
	}
	return entries, nil
}

// parseBaselineJSON reads a compiled_users.diff.json (identity ->
// {credRequestRef, missing, extra}) or a compiled_users.json (its users'
// missing, extra and denied actions, unknown identities and requests
// without identity). An entry is matched by credRequestRef when it has
// one, so that a new cluster's identity names (another infra ID, another
// minted-user suffix) still match; otherwise by identity name.
func parseBaselineJSON(path string, data []byte) ([]*baselineEntry, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("%s: want compiled_users.diff.json, compiled_users.json or an ignore file: %w", path, err)
	}
	type user struct {
		CredRequestRef string   `json:"credRequestRef"`
		Missing        []string `json:"missing"`
		Extra          []string `json:"extra"`
		Diff           *struct {
			Missing []string `json:"missing"`
			Extra   []string `json:"extra"`
		} `json:"diff"`
		Denied []struct {
			Action string `json:"action"`
		} `json:"denied"`
	}
	var out []*baselineEntry
	users := top
	var unknown, unmatched []string
	if raw, ok := top["users"]; ok {
		users = nil
		if err := json.Unmarshal(raw, &users); err != nil {
			return nil, fmt.Errorf("%s: users: %w", path, err)
		}
		_ = json.Unmarshal(users["unknown"], &unknown)
		_ = json.Unmarshal(top["requestsWithoutIdentity"], &unmatched)
		delete(users, "unknown")
		delete(users, "notFound")
		delete(users, "ambiguous")
	}
	for _, name := range sortedKeys(users) {
		var u user
		if err := json.Unmarshal(users[name], &u); err != nil {
			return nil, fmt.Errorf("%s: %s: want {missing, extra}: %w", path, name, err)
		}
		subjects := []string{name}
		if u.CredRequestRef != "" {
			subjects = []string{u.CredRequestRef}
		}
		if subjects[0] == "" {
			continue
		}
		if u.Diff != nil {
			u.Missing, u.Extra = u.Diff.Missing, u.Diff.Extra
		}
		add := func(kind string, actions []string) {
			for _, a := range dedupe(actions) {
				if a == "" {
					continue
				}
				out = append(out, &baselineEntry{Subjects: subjects, Action: a, Kinds: []string{kind}, Source: path})
			}
		}
		add(FindingMissing, u.Missing)
		add(FindingExtra, u.Extra)
		var denied []string
		for _, d := range u.Denied {
			denied = append(denied, d.Action)
		}
		add(FindingDenied, denied)
	}
	for _, name := range unknown {
		if name == "" {
			continue
		}
		out = append(out, &baselineEntry{Subjects: []string{name}, Action: "*", Kinds: []string{FindingUnknown}, Source: path})
	}
	for _, ref := range unmatched {
		if ref == "" {
			continue
		}
		out = append(out, &baselineEntry{Subjects: []string{ref}, Action: "*", Kinds: []string{FindingUnmatched}, Source: path})
	}
	return out, nil
}

// parseIgnore reads an ignore file: one `SUBJECT ACTION [exp:YYYY-MM-DD]`
// per line, where SUBJECT is an identity name, a credRequestRef or a
// request's metadata.name and ACTION an IAM action pattern or `*`. `#`
// starts a comment at the start of a line or after a blank (a
// credRequestRef may hold a `#`). An entry with exp: applies through the
// day before that date (UTC).
func parseIgnore(path string, data []byte) ([]*baselineEntry, error) {
	var out []*baselineEntry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Fields(sc.Text())
		for i, f := range fields {
			if strings.HasPrefix(f, "#") {
				fields = fields[:i]
				break
			}
		}
		if len(fields) == 0 {
			continue
		}
		src := fmt.Sprintf("%s:%d", path, line)
		if len(fields) < 2 {
			return nil, fmt.Errorf("%s: want IDENTITY-OR-REQUEST ACTION [exp:YYYY-MM-DD], got %q", src, strings.Join(fields, " "))
		}
		e := &baselineEntry{Subjects: []string{fields[0]}, Action: fields[1], Source: src}
		if e.Action != "*" && !strings.Contains(e.Action, ":") {
			return nil, fmt.Errorf("%s: %q: want an IAM action like ec2:RunInstances (service:Name) or *", src, e.Action)
		}
		for _, f := range fields[2:] {
			d, ok := strings.CutPrefix(f, "exp:")
			if !ok {
				return nil, fmt.Errorf("%s: %q: want only exp:YYYY-MM-DD after the action", src, f)
			}
			if !e.Expires.IsZero() {
				return nil, fmt.Errorf("%s: exp: given twice", src)
			}
			t, err := time.Parse("2006-01-02", d)
			if err != nil {
				return nil, fmt.Errorf("%s: %q: want a date like exp:2027-01-31", src, f)
			}
			e.Expires = t
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", path, line+1, err)
	}
	return out, nil
}

// Baselined is a finding that --baseline accepted: it is reported but
// does not count for --fail-on.
type Baselined struct {
	Kind           string `json:"kind"`
	Identity       string `json:"identity,omitempty"`
	CredRequestRef string `json:"credRequestRef,omitempty"`
	Action         string `json:"action,omitempty"`
	// Source is the baseline entry: file:line of an ignore file, or the
	// JSON baseline file.
	Source  string `json:"source"`
	Expires string `json:"expires,omitempty"`
}

// applyBaseline marks the findings the entries accept, records them in
// rep.Baselined and warns of expired entries, which no longer apply.
func applyBaseline(rep *Report, fs []*finding, entries []*baselineEntry, today time.Time, warn func(string, ...any)) {
	var live []*baselineEntry
	for _, e := range entries {
		if !e.Expires.IsZero() && !today.Before(e.Expires) {
			warn("baseline %s: %s %s expired on %s; it no longer applies", e.Source, e.Subjects[0], e.Action, e.Expires.Format("2006-01-02"))
			continue
		}
		live = append(live, e)
	}
	rep.Baselined = []Baselined{}
	for _, f := range fs {
		for _, e := range live {
			if !e.matches(f) {
				continue
			}
			f.Baselined = e
			b := Baselined{Kind: f.Kind, Identity: f.Identity, CredRequestRef: f.Ref, Action: f.Action, Source: e.Source}
			if !e.Expires.IsZero() {
				b.Expires = e.Expires.Format("2006-01-02")
			}
			rep.Baselined = append(rep.Baselined, b)
			break
		}
	}
	rep.Summary.Baselined = len(rep.Baselined)
}

package compare

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The JUnit XML report (--junit) is shaped like go-junit-report's and
// gotestsum's: testsuites > testsuite (name, tests, failures, errors,
// skipped, time) > testcase (classname, name) with a failure, error or
// skipped child. docs/compare.md describes the mapping; times are 0 so the
// bytes depend only on the report.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	ID         int              `xml:"id,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Time       string           `xml:"time,attr"`
	Properties *junitProperties `xml:"properties"`
	Cases      []junitCase      `xml:"testcase"`
}

type junitProperties struct {
	Property []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string       `xml:"name,attr"`
	Classname string       `xml:"classname,attr"`
	Time      string       `xml:"time,attr"`
	Failure   *junitResult `xml:"failure,omitempty"`
	Error     *junitResult `xml:"error,omitempty"`
	Skipped   *junitResult `xml:"skipped,omitempty"`
	SystemOut string       `xml:"system-out,omitempty"`
}

type junitResult struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

const junitTime = "0.000"

// junitReport builds the JUnit document: a suite "cci compare" for the
// run as a whole (skipped inputs as errors, "empty"), a suite per matched
// or ambiguous identity with a testcase per finding (or one passing
// testcase per finding class without findings), and suites for unknown
// identities and requests without identity.
func junitReport(opts Options, rep *Report, fs []*finding) *junitSuites {
	doc := &junitSuites{Time: junitTime}
	run := junitSuite{Name: "cci compare"}
	for _, l := range problemLines(rep) {
		run.Cases = append(run.Cases, junitCase{Name: "input " + l, Error: &junitResult{Message: "input skipped; the result is partial", Type: "partial", Text: l}})
	}
	empty := junitCase{Name: FailEmpty}
	if isEmpty(rep) {
		res := &junitResult{Message: "nothing was compared: " + emptyReason(rep), Type: FailEmpty, Text: summaryLine(rep)}
		if opts.failOn(FailEmpty) {
			empty.Failure = res
		} else {
			empty.SystemOut = res.Message
		}
	}
	run.Cases = append(run.Cases, empty)
	doc.Suites = append(doc.Suites, run)

	byIdentity := map[string][]*finding{}
	var unknown, unmatched []*finding
	for _, f := range fs {
		switch f.Kind {
		case FindingUnknown:
			unknown = append(unknown, f)
		case FindingUnmatched:
			unmatched = append(unmatched, f)
		default:
			byIdentity[f.Identity] = append(byIdentity[f.Identity], f)
		}
	}
	for _, name := range sortedKeys(rep.Users.ByName) {
		u := rep.Users.ByName[name]
		s := junitSuite{Name: name}
		s.Properties = &junitProperties{}
		for _, p := range [][2]string{{"target", u.Target}, {"credRequestRef", u.CredRequestRef}, {"credRequest", u.CredRequest}, {"matchedBy", u.MatchedBy}} {
			if p[1] != "" {
				s.Properties.Property = append(s.Properties.Property, junitProperty{Name: p[0], Value: p[1]})
			}
		}
		classes := []string{FindingMissing, FindingDenied, FindingExtra}
		if u.Target == "ambiguous" {
			classes = []string{FindingAmbiguous}
		}
		for _, class := range classes {
			n := 0
			for _, f := range byIdentity[name] {
				if f.Kind == class {
					s.Cases = append(s.Cases, junitCaseOf(opts, name, f))
					n++
				}
			}
			if n == 0 {
				s.Cases = append(s.Cases, junitCase{Name: class, Classname: name, Time: junitTime})
			}
		}
		doc.Suites = append(doc.Suites, s)
	}
	for _, group := range []struct {
		name string
		fs   []*finding
	}{{"unknown identities", unknown}, {"requests without identity", unmatched}} {
		if len(group.fs) == 0 {
			continue
		}
		s := junitSuite{Name: group.name}
		for _, f := range group.fs {
			s.Cases = append(s.Cases, junitCaseOf(opts, group.name, f))
		}
		doc.Suites = append(doc.Suites, s)
	}
	for i := range doc.Suites {
		s := &doc.Suites[i]
		s.ID, s.Time = i, junitTime
		for j := range s.Cases {
			c := &s.Cases[j]
			c.Time = junitTime
			if c.Classname == "" {
				c.Classname = s.Name
			}
			s.Tests++
			switch {
			case c.Failure != nil:
				s.Failures++
			case c.Error != nil:
				s.Errors++
			case c.Skipped != nil:
				s.Skipped++
			}
		}
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
	}
	return doc
}

// junitCaseOf is the testcase of one finding: a failure when --fail-on
// names its kind, skipped when the baseline accepted it, passing (with the
// finding in system-out) otherwise.
func junitCaseOf(opts Options, classname string, f *finding) junitCase {
	c := junitCase{Name: f.Kind, Classname: classname}
	var msg string
	switch f.Kind {
	case FindingMissing:
		msg = fmt.Sprintf("%s is used but not granted by %s", f.Action, f.Ref)
	case FindingDenied:
		msg = fmt.Sprintf("%s was denied: %s", f.Action, f.Detail)
	case FindingExtra:
		msg = fmt.Sprintf("%s is granted by %s but unused", f.Action, f.Ref)
	case FindingAmbiguous:
		msg = "the identity matches more than one target; not compared"
	case FindingUnknown:
		c.Name, msg = f.Identity, "the identity matched no CredentialsRequest, installer or instance role"
	case FindingUnmatched:
		c.Name, msg = f.Ref, "no observed identity used this CredentialsRequest"
	}
	if f.Action != "" {
		c.Name = f.Kind + " " + f.Action
	}
	switch {
	case f.Baselined != nil:
		c.Skipped = &junitResult{Message: "baselined by " + f.Baselined.Source, Text: msg}
	case opts.failOn(failKind(f.Kind)):
		c.Failure = &junitResult{Message: msg, Type: f.Kind, Text: msg}
	default:
		c.SystemOut = msg
	}
	return c
}

// marshalJUnit is the file's bytes: an XML declaration, 2-space indent and
// a trailing newline.
func marshalJUnit(doc *junitSuites) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// writeJUnit writes the JUnit report to path through a temporary file
// renamed into place.
func writeJUnit(path string, opts Options, rep *Report, fs []*finding) error {
	data, err := marshalJUnit(junitReport(opts, rep, fs))
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+strings.TrimPrefix(filepath.Base(path), ".")+".tmp*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

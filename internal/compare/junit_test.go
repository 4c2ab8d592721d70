package compare

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// The JUnit file as a CI viewer reads it, parsed independently of the
// writer's types.
type xmlSuites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Time     string   `xml:"time,attr"`
	Suites   []struct {
		Name       string `xml:"name,attr"`
		Tests      int    `xml:"tests,attr"`
		Failures   int    `xml:"failures,attr"`
		Errors     int    `xml:"errors,attr"`
		Skipped    int    `xml:"skipped,attr"`
		Time       string `xml:"time,attr"`
		Properties []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnit(t *testing.T) {
	baseline := filepath.Join(t.TempDir(), "baseline.txt")
	if err := os.WriteFile(baseline, []byte("openshift-ingress route53:GetChange\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func() []byte {
		path := filepath.Join(t.TempDir(), "reports", "junit_cci.xml")
		opts := Options{EventsPath: "testdata/mint-short/events.json", CredentialsRequestsPath: credreqs, ClusterName: "ci-op-abc",
			FailOn: []string{"missing,denied,unmatched"}, Baseline: baseline, JUnit: path}
		err := Run(context.Background(), opts, &bytes.Buffer{}, &bytes.Buffer{})
		if exit.Code(err) != exit.Findings {
			t.Fatalf("err = %v", err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	data := run()
	if again := run(); !bytes.Equal(data, again) {
		t.Error("two runs wrote different JUnit bytes")
	}
	// The baseline file's path is in the report: make it stable.
	checkGolden(t, "testdata/junit/junit_cci.xml", bytes.ReplaceAll(data, []byte(baseline), []byte("baseline.txt")))

	var doc xmlSuites
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	if !bytes.HasPrefix(data, []byte(xml.Header)) || !bytes.HasSuffix(data, []byte(">\n")) {
		t.Error("want an XML declaration and a trailing newline")
	}
	var tests, failures, errors, skipped int
	failed := map[string]string{}
	var skips []string
	suites := map[string]bool{}
	for _, s := range doc.Suites {
		suites[s.Name] = true
		var f, e, sk int
		for _, c := range s.Cases {
			if c.Classname != s.Name || c.Name == "" || c.Time != "0.000" {
				t.Errorf("suite %s: testcase %+v", s.Name, c)
			}
			switch {
			case c.Failure != nil:
				f++
				failed[s.Name+" / "+c.Name] = c.Failure.Type
				if c.Failure.Message == "" || c.Failure.Text == "" {
					t.Errorf("%s: failure without message or text", c.Name)
				}
			case c.Error != nil:
				e++
			case c.Skipped != nil:
				sk++
				skips = append(skips, s.Name+" / "+c.Name+" / "+c.Skipped.Message)
			}
		}
		if s.Tests != len(s.Cases) || s.Failures != f || s.Errors != e || s.Skipped != sk {
			t.Errorf("suite %s: tests=%d failures=%d errors=%d skipped=%d, counted %d %d %d %d", s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases), f, e, sk)
		}
		tests, failures, errors, skipped = tests+s.Tests, failures+f, errors+e, skipped+sk
	}
	if doc.Tests != tests || doc.Failures != failures || doc.Errors != errors || doc.Skipped != skipped {
		t.Errorf("testsuites totals %d/%d/%d/%d, counted %d/%d/%d/%d", doc.Tests, doc.Failures, doc.Errors, doc.Skipped, tests, failures, errors, skipped)
	}
	want := map[string]string{
		"ci-op-abc-x7k2p-openshift-machine-api-aws-8fjq4 / missing ec2:DescribeInstanceTypeOfferings": "missing",
		"ci-op-abc-x7k2p-openshift-machine-api-aws-8fjq4 / denied ec2:DescribeInstanceTypeOfferings":  "denied",
		"requests without identity / 0000_30_cluster-api_01_credentials-request.yaml":                 "unmatched",
	}
	if len(failed) != len(want) {
		t.Errorf("failures %v, want %v", failed, want)
	}
	for k, v := range want {
		if failed[k] != v {
			t.Errorf("failure %q: type %q, want %q", k, failed[k], v)
		}
	}
	if len(skips) != 1 || !strings.HasPrefix(skips[0], "ci-op-abc-x7k2p-openshift-ingress-b4k9z / missing route53:GetChange / baselined by "+baseline+":1") {
		t.Errorf("skipped %v, want the baselined route53:GetChange", skips)
	}
	for _, s := range []string{"cci compare", "ci-op-abc-x7k2p-master-role", "unknown identities", "requests without identity"} {
		if !suites[s] {
			t.Errorf("no testsuite %q", s)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite docs/cci.1")

// runCLI runs cci in-process and returns its stdout, stderr and error.
func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append([]string{"cci"}, args...), strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// TestHelpWidth checks the help of cci and of every command, hidden ones
// included: lines fit helpWidth, one default per flag, a flag section and
// the exit codes.
func TestHelpWidth(t *testing.T) {
	helps := map[string][]string{"cci": {"--help"}, "cci help": {"help"}}
	for _, c := range commandsOf(newApp(nil, nil, nil)) {
		helps["cci "+c.Name] = []string{c.Name, "--help"}
	}
	if len(helps) < 8 {
		t.Fatalf("only %d helps", len(helps))
	}
	for name, args := range helps {
		t.Run(name, func(t *testing.T) {
			out, _, err := runCLI(t, args...)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, "Exit codes") || !strings.Contains(out, "-h, --help") {
				t.Errorf("no exit codes or flags in\n%s", out)
			}
			for i, l := range strings.Split(out, "\n") {
				if len(l) > helpWidth {
					t.Errorf("line %d is %d columns: %q", i+1, len(l), l)
				}
				if strings.Count(l, "default") > 1 {
					t.Errorf("line %d has two defaults: %q", i+1, l)
				}
			}
		})
	}
}

// TestManPage fails when docs/cci.1 is not what `make docs` would write.
func TestManPage(t *testing.T) {
	const path = "../../docs/cci.1"
	got := manPage()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run make docs)", err)
	}
	if got != string(want) {
		t.Errorf("docs/cci.1 is stale: run make docs")
	}
	for _, s := range []string{"cci extract", "cci compare", "--events-path", "CCI_EVENTS_PATH", "143"} {
		if !strings.Contains(got, s) {
			t.Errorf("the man page lacks %q", s)
		}
	}
}

// TestIAMDataInStep fails when `make generate` changed the action count of
// internal/policy's tables and iamdata.go still names the old data.
func TestIAMDataInStep(t *testing.T) {
	src, err := os.ReadFile("../../internal/policy/tables_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`canonicalActions lists every IAM action \((\d+)\)`).FindSubmatch(src)
	if m == nil {
		t.Fatal("tables_gen.go no longer states its action count; update this test")
	}
	if n, _ := strconv.Atoi(string(m[1])); n != iamDataActions {
		t.Errorf("tables_gen.go has %d actions, iamdata.go says %d: update iamDataDate, iamDataSource and iamDataActions "+
			"from ../shared/data/iam/SOURCES.txt", n, iamDataActions)
	}
	if _, err := time.Parse("2006-01-02", iamDataDate); err != nil {
		t.Errorf("iamDataDate: %v", err)
	}
}

func TestVersionText(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "4c6d431"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}
	for _, tc := range []struct {
		name    string
		ldflags string
		bi      *debug.BuildInfo
		want    []string
	}{
		{"go install", "", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.3"}}, []string{"cci v1.2.3\n", "go1.26.0 "}},
		{"ldflags win", "v9.9.9", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, []string{"cci v9.9.9\n"}},
		{"devel", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, []string{"cci devel\n"}},
		{"no build info", "", nil, []string{"cci devel\n"}},
		{"checkout", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201100000-4c6d431+dirty"}, Settings: vcs},
			[]string{"cci v0.0.0-20261201100000-4c6d431+dirty\n", "commit 4c6d431 (2026-12-01T10:00:00Z, modified)\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := versionText(tc.ldflags, tc.bi)
			for _, w := range append(tc.want, "IAM data of "+iamDataDate) {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	fixed := time.Date(2026, 12, 1, 22, 0, 0, 0, time.UTC)
	now = func() time.Time { return fixed }
	defer func() { now = time.Now }()
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"", time.Time{}, true},
		{"now", fixed, true},
		{"NOW", fixed, true},
		{"24h", fixed.Add(-24 * time.Hour), true},
		{"90m", fixed.Add(-90 * time.Minute), true},
		{"2024-09-20", time.Date(2024, 9, 20, 0, 0, 0, 0, time.UTC), true},
		{"2024-09-20T02:45:00Z", time.Date(2024, 9, 20, 2, 45, 0, 0, time.UTC), true},
		{"2024-09-20T04:45+02:00", time.Date(2024, 9, 20, 2, 45, 0, 0, time.UTC), true},
		{"-24h", time.Time{}, false},
		{"yesterday", time.Time{}, false},
		{"5", time.Time{}, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseTime("since", tc.in)
			if (err == nil) != tc.ok || !got.Equal(tc.want) {
				t.Errorf("parseTime(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestSameCluster(t *testing.T) {
	for _, tc := range []struct {
		name, infraID string
		ok            bool
	}{
		{"lab-trail", "lab-trail-lxqrw", true},
		{"lab-trail", "", true},
		{"", "lab-trail-lxqrw", true},
		{"lab-trail", "other-lxqrw", false},
		{"lab-trail", "lab-trail", false},
		{"lab-trail", "lab-trail-lxqrw-x", false},
		{"lab", "lab-trail-lxqrw", false},
		{"a-cluster-name-of-25-chars", "a-cluster-name-of-25-x7k2p", true}, // cut to 21, trailing - dropped
		{"abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstu-x7k2p", true},
		{"abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz-x7k2p", false},
		{"my.cluster", "my-cluster-x7k2p", true},
	} {
		t.Run(tc.name+"/"+tc.infraID, func(t *testing.T) {
			if err := sameCluster("--cluster-name", tc.name, tc.infraID); (err == nil) != tc.ok {
				t.Errorf("sameCluster(%q, %q) = %v, want ok %v", tc.name, tc.infraID, err, tc.ok)
			}
		})
	}
}

func TestClosest(t *testing.T) {
	flags := []string{"principal-prefix", "principal-name", "output", "o", "events-path", "since", "until", "help"}
	for _, tc := range []struct{ in, want string }{
		{"prinicpal-prefix", "principal-prefix"}, // transposition
		{"principal-prefx", "principal-prefix"},
		{"principal-names", "principal-name"},
		{"ouptut", "output"},
		{"event-path", "events-path"},
		{"no-such-flag", ""},
		{"x", ""},
		{"sinc", "since"},
		{"cluster-name", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := closest(tc.in, flags); got != tc.want {
				t.Errorf("closest(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestLegacyArgs(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"cci extract --output o", "cci extract --output o"},
		{"cci --command extract --output o", "cci extract --output o"},
		{"cci --output o --command=compare", "cci compare --output o"},
		{"cci --cluster-name c --cloud-trail-logs d --output f", "cci legacy-extract --cluster-name c --cloud-trail-logs d --output f"},
		{"cci --cluster-name c --cloud-trail-logs=d --output f --skip-counters", "cci legacy-extract --cluster-name c --cloud-trail-logs=d --output f --skip-counters"},
		{"cci --cluster-name c --check-credentials-requests d --processed-events p --output f", "cci legacy-compare --cluster-name c --check-credentials-requests d --processed-events p --output f"},
		{"cci --cluster-name c -- --cloud-trail-logs", "cci --cluster-name c -- --cloud-trail-logs"},
		{"cci --version", "cci --version"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := strings.Join(legacyArgs(strings.Fields(tc.in)), " "); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestFlagsFirst(t *testing.T) {
	tests := []struct {
		name string
		args []string
		n    int
		want []string // nil: not moved
	}{
		{"file then flag", []string{"f", "--format", "json"}, 1, []string{"--format", "json", "f"}},
		{"two runs then flag", []string{"a", "b", "--counts"}, 2, []string{"--counts", "a", "b"}},
		{"flags already first", []string{"--counts", "a", "b"}, 2, nil},
		{"no flag after", []string{"a", "b"}, 2, nil},
		{"too few leading", []string{"a", "--counts", "b"}, 2, nil},
		{"only stdin dash", []string{"-"}, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := flagsFirst(tt.args, tt.n)
			if ok != (tt.want != nil) || !slices.Equal(got, tt.want) {
				t.Errorf("flagsFirst(%q, %d) = %q, %v; want %q", tt.args, tt.n, got, ok, tt.want)
			}
		})
	}
}

package layers

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/cloud-credentials-insights/cci"

// rule forbids the packages matching pkg (itself or below it) to depend on
// any package below one of the prefixes in deny, unless allowed.
type rule struct {
	pkg   string   // package path relative to the module
	deny  []string // import path prefixes, absolute
	allow []string // exceptions to deny, absolute import paths
}

var thirdPartyEngine = []string{
	"github.com/aws/",
	"github.com/bytedance/sonic",
}

var rules = []rule{
	{pkg: "internal/events", deny: []string{module + "/"}, allow: []string{module + "/internal/jsonout"}},
	{pkg: "internal/compare", deny: append([]string{module + "/internal/extract"}, thirdPartyEngine...)},
	{pkg: "internal/credreq", deny: append([]string{module + "/internal/extract"}, thirdPartyEngine...)},
	{pkg: "internal/policy", deny: append([]string{module + "/internal/extract"}, thirdPartyEngine...)},
	{pkg: "internal/policyfile", deny: append([]string{module + "/internal/extract"}, thirdPartyEngine...)},
	// check may import policy, policyfile, credreq, oidc and events; never
	// the extraction engine, nor the other commands.
	{pkg: "internal/check", deny: append([]string{module + "/internal/extract", module + "/internal/compare",
		module + "/internal/simulate", module + "/internal/explain"}, thirdPartyEngine...)},
	{pkg: "internal/extract", deny: []string{module + "/internal/compare"}},
	// generate and rundiff read extract's and compare's outputs as files:
	// events, credreq, policy and jsonout only.
	{pkg: "internal/rundiff", deny: append([]string{module + "/internal/extract", module + "/internal/compare", module + "/internal/generate"}, thirdPartyEngine...)},
	{pkg: "internal/generate", deny: append([]string{module + "/internal/extract", module + "/internal/compare", module + "/internal/rundiff"}, thirdPartyEngine...)},
	// The IAM evaluator's readers and the token checks know IAM and OIDC,
	// not the extraction engine nor compare.
	{pkg: "internal/authz", deny: append([]string{module + "/internal/extract", module + "/internal/compare"}, thirdPartyEngine...)},
	{pkg: "internal/oidc", deny: append([]string{module + "/internal/extract", module + "/internal/compare"}, thirdPartyEngine...)},
	{pkg: "internal/simulate", deny: append([]string{module + "/internal/extract", module + "/internal/compare",
		module + "/internal/explain", module + "/internal/check"}, thirdPartyEngine...)},
	{pkg: "internal/explain", deny: append([]string{module + "/internal/extract", module + "/internal/compare",
		module + "/internal/simulate", module + "/internal/check"}, thirdPartyEngine...)},
	// Leaves every command may import.
	{pkg: "internal/exit", deny: []string{module + "/"}},
	{pkg: "internal/jsonout", deny: []string{module + "/"}},
	{pkg: "internal/golden", deny: []string{module + "/"}},
	{pkg: "internal/textdist", deny: []string{module + "/"}},
	// The trail generator writes CloudTrail files; it must not be built
	// from the code that reads them.
	// The S3 floor measures what an S3 extract run cannot avoid; built from
	// cci's own code it would measure cci.
	{pkg: "cmd/s3floor", deny: []string{module + "/"}},
	{pkg: "internal/trailgen", deny: append([]string{module + "/internal/extract", module + "/internal/compare"}, thirdPartyEngine...)},
}

// unruled are the packages no rule covers, on purpose: TestEveryPackageRuled
// fails on a package that is in neither rules nor here.
var unruled = map[string]string{
	"cmd/cci":         "the CLI wires every command",
	"cmd/ccibench":    "benchmark driver of extract",
	"cmd/gentrail":    "the sample trail's generator command",
	"internal/layers": "this test",
	"internal/s3test": "test helper: an S3 server for extract's tests, with the AWS SDK",
	// procbench runs cci as a process; it builds cmd/cci.
	"internal/procbench": "benchmark harness of the cci process",
}

// violations returns, for every package of graph (import path -> deps)
// that a rule covers, the deps the rule forbids, as "pkg -> dep".
func violations(graph map[string][]string, rules []rule) []string {
	var out []string
	for pkg, deps := range graph {
		for _, r := range rules {
			base := module + "/" + r.pkg
			if pkg != base && !strings.HasPrefix(pkg, base+"/") {
				continue
			}
			for _, d := range deps {
				if d == pkg || !denied(d, r) {
					continue
				}
				out = append(out, pkg+" -> "+d)
			}
		}
	}
	return out
}

func denied(dep string, r rule) bool {
	for _, a := range r.allow {
		if dep == a {
			return false
		}
	}
	for _, d := range r.deny {
		// "x/" denies everything below x; "x" denies x and its subpackages.
		if strings.HasSuffix(d, "/") && strings.HasPrefix(dep, d) ||
			dep == d || strings.HasPrefix(dep, d+"/") {
			return true
		}
	}
	return false
}

// depGraph lists every package of the module with its transitive deps
// (non-test builds, as `go list -deps` reports them).
func depGraph(t *testing.T) map[string][]string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH: cannot list the package graph")
	}
	watchSources(t)
	cmd := exec.Command(gobin, "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	graph := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 0 {
			graph[f[0]] = f[1:]
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return graph
}

// watchSources stats every Go file of the module, so that go test's cache
// (which does not see what the go list subprocess reads) reruns this test
// when an import changes.
func watchSources(t *testing.T) {
	t.Helper()
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != "../.." {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".go") || d.Name() == "go.mod") {
			_, err = os.Stat(path)
		}
		return err
	})
	if err != nil {
		t.Fatalf("walking the module: %v", err)
	}
}

func TestLayers(t *testing.T) {
	graph := depGraph(t)
	for _, r := range rules {
		if _, ok := graph[module+"/"+r.pkg]; !ok {
			t.Errorf("rule for %s: no such package (renamed? update the rule)", r.pkg)
		}
	}
	bad := violations(graph, rules)
	sort.Strings(bad)
	const show = 20
	for i, v := range bad {
		if i == show {
			t.Errorf("... and %d more", len(bad)-show)
			break
		}
		t.Errorf("forbidden dependency: %s", v)
	}
}

// TestEveryPackageRuled fails when a package has no layering rule and is
// not listed in unruled: a new package must say where it sits.
func TestEveryPackageRuled(t *testing.T) {
	graph := depGraph(t)
	for rel := range unruled {
		if _, ok := graph[module+"/"+rel]; !ok {
			t.Errorf("unruled lists %s: no such package (renamed? update the list)", rel)
		}
	}
	var bare []string
	for pkg := range graph {
		rel := strings.TrimPrefix(pkg, module+"/")
		if _, ok := unruled[rel]; !ok && !ruled(rel, rules) {
			bare = append(bare, rel)
		}
	}
	sort.Strings(bare)
	for _, rel := range bare {
		t.Errorf("package %s has no layering rule: add one to rules, or list it in unruled with the reason", rel)
	}
}

// ruled reports whether a rule covers the package rel (relative to the
// module): the rule's package or one below it.
func ruled(rel string, rules []rule) bool {
	for _, r := range rules {
		if rel == r.pkg || strings.HasPrefix(rel, r.pkg+"/") {
			return true
		}
	}
	return false
}

func TestRuled(t *testing.T) {
	tests := []struct {
		rel  string
		want bool
	}{
		{"internal/policy", true},
		{"internal/policy/internal/gentables", true},
		{"internal/policyx", false},
		{"internal/newthing", false},
	}
	for _, tt := range tests {
		t.Run(tt.rel, func(t *testing.T) {
			if got := ruled(tt.rel, []rule{{pkg: "internal/policy"}}); got != tt.want {
				t.Errorf("ruled(%q) = %v, want %v", tt.rel, got, tt.want)
			}
		})
	}
}

// TestViolations shows that the check fails on each kind of forbidden
// import, and passes the allowed ones.
func TestViolations(t *testing.T) {
	tests := []struct {
		name, pkg, dep string
		bad            bool // the rules forbid pkg -> dep
	}{
		{"compare reaches extract", "internal/compare", module + "/internal/extract", true},
		{"compare reaches an extract subpackage", "internal/compare", module + "/internal/extract/source", true},
		{"compare reaches the AWS SDK", "internal/compare", "github.com/aws/aws-sdk-go-v2/service/s3", true},
		{"compare reaches smithy", "internal/compare", "github.com/aws/smithy-go", true},
		{"credreq reaches sonic", "internal/credreq", "github.com/bytedance/sonic/ast", true},
		{"policy subpackage reaches extract", "internal/policy/internal/gentables", module + "/internal/extract", true},
		{"extract reaches compare", "internal/extract", module + "/internal/compare", true},
		{"extract subpackage reaches compare", "internal/extract/source/s3", module + "/internal/compare", true},
		{"events reaches policy", "internal/events", module + "/internal/policy", true},
		{"events reaches jsonout", "internal/events", module + "/internal/jsonout", false},
		{"events reaches the standard library", "internal/events", "encoding/json", false},
		{"compare reaches events", "internal/compare", module + "/internal/events", false},
		{"compare reaches an extractor-named sibling", "internal/compare", module + "/internal/extractors", false},
		{"check reaches extract", "internal/check", module + "/internal/extract/source", true},
		{"check reaches sonic", "internal/check", "github.com/bytedance/sonic", true},
		{"check reaches the AWS SDK", "internal/check", "github.com/aws/aws-sdk-go-v2/aws", true},
		{"check reaches compare", "internal/check", module + "/internal/compare", true},
		{"check reaches policy", "internal/check", module + "/internal/policy", false},
		{"check reaches oidc", "internal/check", module + "/internal/oidc", false},
		{"check reaches events", "internal/check", module + "/internal/events", false},
		{"policyfile reaches extract", "internal/policyfile", module + "/internal/extract", true},
		{"extract reaches the AWS SDK", "internal/extract/source/s3", "github.com/aws/aws-sdk-go-v2/service/s3", false},
		{"generate reaches compare", "internal/generate", module + "/internal/compare", true},
		{"generate reaches extract", "internal/generate", module + "/internal/extract", true},
		{"generate reaches credreq", "internal/generate", module + "/internal/credreq", false},
		{"rundiff reaches compare", "internal/rundiff", module + "/internal/compare", true},
		{"rundiff reaches sonic", "internal/rundiff", "github.com/bytedance/sonic", true},
		{"explain reaches compare", "internal/explain", module + "/internal/compare", true},
		{"explain reaches oidc", "internal/explain", module + "/internal/oidc", false},
		{"simulate reaches the AWS SDK", "internal/simulate", "github.com/aws/aws-sdk-go-v2/aws", true},
		{"simulate reaches policyfile", "internal/simulate", module + "/internal/policyfile", false},
		{"oidc subpackage reaches extract", "internal/oidc/oidctest", module + "/internal/extract", true},
		{"authz reaches compare", "internal/authz", module + "/internal/compare", true},
		{"exit reaches policy", "internal/exit", module + "/internal/policy", true},
		{"trailgen reaches extract", "internal/trailgen", module + "/internal/extract/ctjson", true},
		{"trailgen reaches jsonout", "internal/trailgen", module + "/internal/jsonout", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			graph := map[string][]string{module + "/" + tt.pkg: {tt.dep}}
			got := violations(graph, rules)
			if bad := len(got) > 0; bad != tt.bad {
				t.Errorf("%s -> %s: violations %q, want forbidden=%v", tt.pkg, tt.dep, got, tt.bad)
			}
		})
	}
}

// Command gentables writes internal/policy/tables_gen.go from the IAM data
// in shared/data/iam (see its SOURCES.txt) and cci's own curation in
// curated.json beside this file. Run it with `make generate`; the output is
// committed so that nothing reads shared/ at build or run time.
//
// curated.json holds calls whose IAM action is not prefix:EventName
// (renamed_events), calls that need no permission (no_permission_needed)
// and calls deliberately left unmapped (left_unmapped), each with its
// evidence. gentables checks it: every action must be canonical, no entry
// may shadow a call whose prefix:EventName is already an action, and every
// batch, WithTags or WithResponseStream method of sdk_method_iam_actions
// whose prefix:Method is not an action must be decided in it.
//
// With -audit-models DIR (botocore's data directory) it writes nothing but
// the wider audit: every operation of those shapes, or unauthenticated,
// in the AWS SDK service models whose prefix:Name is not an action, with
// its decision, failing on any undecided one.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// extraSources are eventSource hosts whose IAM prefix is not their first
// label and that map.json does not list (DESIGN.md section 4).
var extraSources = map[string]string{
	"email.amazonaws.com":            "ses",
	"appstream2.amazonaws.com":       "appstream",
	"models.lex.amazonaws.com":       "lex",
	"runtime.lex.amazonaws.com":      "lex",
	"streams.dynamodb.amazonaws.com": "dynamodb",
	"mturk-requester.amazonaws.com":  "mechanicalturk",
	"s3-control.amazonaws.com":       "s3",
	"execute-api.amazonaws.com":      "execute-api",
}

func main() {
	data := flag.String("data", "../shared/data/iam", "directory with the IAM data files")
	out := flag.String("out", "internal/policy/tables_gen.go", "Go file to write")
	cur := flag.String("curated", "internal/policy/internal/gentables/curated.json", "cci's curated overrides")
	models := flag.String("audit-models", "", "audit the AWS SDK service models in this directory (botocore's data/) instead of writing -out")
	flag.Parse()
	if err := run(*data, *cur, *models, *out); err != nil {
		fmt.Fprintf(os.Stderr, "gentables: error: %v\n", err)
		os.Exit(1)
	}
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decoding %s: %w", path, err)
	}
	return nil
}

// projectCuration is the shape of curated.json.
type projectCuration struct {
	Renamed map[string]struct {
		Actions  []string `json:"actions"`
		Evidence string   `json:"evidence"`
	} `json:"renamed_events"`
	NoPermission map[string]string `json:"no_permission_needed"`
	LeftUnmapped map[string]string `json:"left_unmapped"`
}

// auditClass matches the method names whose IAM action is often not the
// method's own name: batch variants, ...WithTags and ...WithResponseStream.
var auditClass = regexp.MustCompile(`^Batch[A-Z]|Batch$|WithTags$|WithResponseStream$`)

func run(dir, curatedPath, modelsDir, out string) error {
	var actions struct {
		Actions map[string]map[string]string `json:"actions"`
	}
	if err := readJSON(filepath.Join(dir, "iam_actions_by_service.json"), &actions); err != nil {
		return err
	}
	var sources struct {
		Map map[string]string `json:"cloudtrail_service_mappings"`
	}
	if err := readJSON(filepath.Join(dir, "cloudtrail_service_mappings.json"), &sources); err != nil {
		return err
	}
	var curated struct {
		S3 struct {
			Map map[string][]string `json:"map"`
		} `json:"s3_eventname_to_actions"`
		VersionSuffix struct {
			Regex string `json:"regex"`
		} `json:"version_suffix"`
		Renamed      map[string]any    `json:"renamed_events"`
		NoPermission map[string]string `json:"no_permission_needed"`
	}
	if err := readJSON(filepath.Join(dir, "cloudtrail_eventname_overrides.curated.json"), &curated); err != nil {
		return err
	}
	var own projectCuration
	if err := readJSON(curatedPath, &own); err != nil {
		return err
	}
	var sdk struct {
		Methods  map[string][]string `json:"sdk_method_iam_actions"`
		Services map[string]string   `json:"sdk_service_mappings"`
	}
	if err := readJSON(filepath.Join(dir, "sdk_method_iam_actions-2022-08-19.json"), &sdk); err != nil {
		return err
	}

	// Canonical actions, sorted case-insensitively for binary search.
	var all []string
	for prefix, names := range actions.Actions {
		for name := range names {
			all = append(all, prefix+":"+name)
		}
	}
	sort.Slice(all, func(i, j int) bool {
		li, lj := strings.ToLower(all[i]), strings.ToLower(all[j])
		if li != lj {
			return li < lj
		}
		return all[i] < all[j]
	})
	all = slices.Compact(all)
	known := map[string]string{}
	for _, a := range all {
		known[strings.ToLower(a)] = a
	}
	canon := func(a string) (string, error) {
		c, ok := known[strings.ToLower(a)]
		if !ok {
			return "", fmt.Errorf("%s is not in the canonical action list", a)
		}
		return c, nil
	}

	hosts := map[string]string{}
	for h, p := range sources.Map {
		if strings.SplitN(h, ".", 2)[0] != p {
			hosts[h] = p
		}
	}
	for h, p := range extraSources {
		hosts[h] = p
	}

	s3 := map[string][]string{}
	for ev, acts := range curated.S3.Map {
		for _, a := range acts {
			c, err := canon(a)
			if err != nil {
				return fmt.Errorf("s3 %s: %w", ev, err)
			}
			s3[ev] = append(s3[ev], c)
		}
	}

	renamed := map[string][]string{}
	for k, v := range curated.Renamed {
		list, ok := v.([]any)
		if !ok {
			continue // prose entries (API Gateway) are handled by the verb table
		}
		for _, a := range list {
			c, err := canon(a.(string))
			if err != nil {
				return fmt.Errorf("renamed %s: %w", k, err)
			}
			renamed[k] = append(renamed[k], c)
		}
	}

	// cci's own curation: every key must be "host Name" with a host whose
	// prefix:Name is not already an action (the entry would hide it).
	prefixOf := func(host string) string {
		if p, ok := hosts[host]; ok {
			return p
		}
		label, _, _ := strings.Cut(host, ".")
		return label
	}
	decided := map[string]string{} // "prefix:Name" (lower case) -> section
	ownKey := func(section, k string) (string, error) {
		host, name, ok := strings.Cut(k, " ")
		if !ok || host == "" || name == "" || strings.ContainsAny(name, " /") {
			return "", fmt.Errorf("%s: %s key %q: want \"host EventName\"", curatedPath, section, k)
		}
		naive := prefixOf(host) + ":" + name
		if _, err := canon(naive); err == nil {
			return "", fmt.Errorf("%s: %s %q: %s is an IAM action; the entry would hide it", curatedPath, section, k, naive)
		}
		if prev, dup := decided[strings.ToLower(naive)]; dup {
			return "", fmt.Errorf("%s: %s %q: already decided in %s", curatedPath, section, k, prev)
		}
		decided[strings.ToLower(naive)] = section
		return naive, nil
	}
	for k, e := range own.Renamed {
		if _, err := ownKey("renamed_events", k); err != nil {
			return err
		}
		if len(e.Actions) == 0 || e.Evidence == "" {
			return fmt.Errorf("%s: renamed_events %q: want actions and evidence", curatedPath, k)
		}
		if _, dup := renamed[k]; dup {
			return fmt.Errorf("%s: renamed_events %q is also in the shared overrides", curatedPath, k)
		}
		for _, a := range e.Actions {
			c, err := canon(a)
			if err != nil {
				return fmt.Errorf("%s: renamed_events %q: %w", curatedPath, k, err)
			}
			renamed[k] = append(renamed[k], c)
		}
	}
	for k, why := range own.NoPermission {
		if _, err := ownKey("no_permission_needed", k); err != nil {
			return err
		}
		if why == "" {
			return fmt.Errorf("%s: no_permission_needed %q: want evidence", curatedPath, k)
		}
	}
	for k, why := range own.LeftUnmapped {
		if _, err := ownKey("left_unmapped", k); err != nil {
			return err
		}
		if why == "" {
			return fmt.Errorf("%s: left_unmapped %q: want a reason", curatedPath, k)
		}
	}

	// Permissionless calls: keys look like "host Name" or "host A/B/C",
	// sometimes with a parenthetical remark.
	var free []string
	for k := range curated.NoPermission {
		host, names, ok := strings.Cut(k, " ")
		if !ok {
			return fmt.Errorf("no_permission_needed key %q: want \"host Name[/Name]\"", k)
		}
		names, _, _ = strings.Cut(names, " ")
		for _, n := range strings.Split(names, "/") {
			free = append(free, host+" "+n)
		}
	}
	for k := range own.NoPermission {
		free = append(free, k)
	}
	sort.Strings(free)
	free = slices.Compact(free)

	// Everything decided, here or in the shared overrides, by prefix:Name.
	for k := range renamed {
		host, name, _ := strings.Cut(k, " ")
		if _, ok := decided[strings.ToLower(prefixOf(host)+":"+name)]; !ok {
			decided[strings.ToLower(prefixOf(host)+":"+name)] = "shared renamed_events"
		}
	}
	for _, k := range free {
		host, name, _ := strings.Cut(k, " ")
		if _, ok := decided[strings.ToLower(prefixOf(host)+":"+name)]; !ok {
			decided[strings.ToLower(prefixOf(host)+":"+name)] = "shared no_permission_needed"
		}
	}

	// Audit: an SDK method of the class whose prefix:Method is no action
	// must be decided.
	var undecided []string
	for m, acts := range sdk.Methods {
		svc, name, _ := strings.Cut(m, ".")
		if len(acts) == 0 || !auditClass.MatchString(name) {
			continue // needs no permission, or not of the class
		}
		prefix, ok := sdk.Services[svc]
		if !ok {
			// Services missing from the table (SQS, DynamoDB, ...) take
			// the prefix of their first action.
			prefix, _, _ = strings.Cut(acts[0], ":")
		}
		naive := prefix + ":" + name
		if _, err := canon(naive); err == nil {
			continue
		}
		if _, ok := decided[strings.ToLower(naive)]; ok {
			continue
		}
		undecided = append(undecided, m+" ("+naive+" is not an action)")
	}
	if len(undecided) > 0 {
		sort.Strings(undecided)
		return fmt.Errorf("%d SDK methods left undecided; add each to %s:\n  %s", len(undecided), curatedPath, strings.Join(undecided, "\n  "))
	}
	if modelsDir != "" {
		return auditModels(os.Stdout, modelsDir, curatedPath, all, decided)
	}

	verbs := map[string]string{}
	for m, acts := range sdk.Methods {
		svc, name, _ := strings.Cut(m, ".")
		if (svc == "APIGateway" || svc == "ApiGatewayV2") && len(acts) == 1 && strings.HasPrefix(acts[0], "apigateway:") {
			verbs[name] = strings.TrimPrefix(acts[0], "apigateway:")
		}
	}

	var b bytes.Buffer
	b.WriteString("// Code generated by internal/policy/internal/gentables from shared/data/iam; DO NOT EDIT.\n\n")
	b.WriteString("package policy\n\n")
	// One string constant, not a [...]string: 22,000 string headers were
	// 345 KiB of pointer-holding data that every GC cycle scanned and
	// every cci process kept resident (docs/performance.md).
	fmt.Fprintf(&b, "// canonicalActions lists every IAM action (%d), sorted case-insensitively,\n", len(all))
	b.WriteString("// each ended by a newline (see actionList).\nconst canonicalActions = \"\" +\n")
	for i, a := range all {
		if strings.ContainsAny(a, "\n") {
			return fmt.Errorf("action %q holds a newline", a)
		}
		sep := " +"
		if i == len(all)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "%q%s\n", a+"\n", sep)
	}
	b.WriteString("\n")
	writeMap(&b, "sourcePrefixes maps eventSource hosts to IAM prefixes where the first host label is not the prefix.", "sourcePrefixes", hosts)
	writeListMap(&b, "s3EventActions maps S3 eventNames to the IAM actions they need where these differ.", "s3EventActions", s3)
	writeListMap(&b, "renamedEvents maps \"host EventName\" to the IAM actions the call needs.", "renamedEvents", renamed)
	fmt.Fprintf(&b, "// versionSuffix matches API-version suffixes of eventNames (CreateFunction20150331).\nconst versionSuffix = %q\n\n", curated.VersionSuffix.Regex)
	b.WriteString("// permissionless lists \"host EventName\" calls that need no IAM permission.\nvar permissionless = map[string]bool{\n")
	for _, f := range free {
		fmt.Fprintf(&b, "%q: true,\n", f)
	}
	b.WriteString("}\n\n")
	writeMap(&b, "apiGatewayVerbs maps API Gateway eventNames to the HTTP verb that is their IAM action.", "apiGatewayVerbs", verbs)

	src, err := format.Source(b.Bytes())
	if err != nil {
		return fmt.Errorf("formatting: %w", err)
	}
	return os.WriteFile(out, src, 0o644)
}

func writeMap(b *bytes.Buffer, doc, name string, m map[string]string) {
	fmt.Fprintf(b, "// %s\nvar %s = map[string]string{\n", doc, name)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "%q: %q,\n", k, m[k])
	}
	b.WriteString("}\n\n")
}

func writeListMap(b *bytes.Buffer, doc, name string, m map[string][]string) {
	fmt.Fprintf(b, "// %s\nvar %s = map[string][]string{\n", doc, name)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "%q: {", k)
		for i, a := range m[k] {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(b, "%q", a)
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n\n")
}

// auditModels writes to w every operation of the botocore service models under dir
// (dir/<service>/<version>/service-2.json[.gz]) that is of the audited class
// or unauthenticated (portal-style) and whose prefix:Name is not an action,
// with its decision, and fails if any is undecided. The models are not
// shared data: this is the wider audit that curated.json records.
func auditModels(w io.Writer, dir, curatedPath string, actions []string, decided map[string]string) error {
	prefixes := map[string]bool{}
	known := map[string]bool{}
	for _, a := range actions {
		p, _, _ := strings.Cut(a, ":")
		prefixes[strings.ToLower(p)] = true
		known[strings.ToLower(a)] = true
	}
	services, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("reading models: %w", err)
	}
	var lines, undecided []string
	for _, svc := range services {
		model, err := latestModel(filepath.Join(dir, svc.Name()))
		if err != nil {
			return err
		}
		if model == nil {
			continue
		}
		prefix := model.Metadata.SigningName
		if prefix == "" {
			prefix = model.Metadata.EndpointPrefix
		}
		if p, ok := modelPrefixAliases[prefix]; ok {
			prefix = p
		}
		for op, o := range model.Operations {
			noAuth := o.AuthType == "none" || slices.Contains(o.Auth, "smithy.api#noAuth")
			if !noAuth && !auditClass.MatchString(op) {
				continue
			}
			naive := strings.ToLower(prefix + ":" + op)
			switch {
			case known[naive]:
				continue
			case decided[naive] != "":
				lines = append(lines, fmt.Sprintf("%s:%s\t%s", prefix, op, decided[naive]))
			case !prefixes[strings.ToLower(prefix)]:
				lines = append(lines, fmt.Sprintf("%s:%s\tskipped: the model's signing name %s is no IAM prefix", prefix, op, prefix))
			default:
				undecided = append(undecided, prefix+":"+op)
				lines = append(lines, fmt.Sprintf("%s:%s\tUNDECIDED", prefix, op))
			}
		}
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	fmt.Fprintf(w, "%d audited operations, %d undecided\n", len(lines), len(undecided))
	if len(undecided) > 0 {
		return fmt.Errorf("%d operations left undecided; add each to %s", len(undecided), curatedPath)
	}
	return nil
}

// modelPrefixAliases maps signing names of service models that are no IAM
// prefix to the prefix CloudTrail's eventSource gives: the portal API of
// IAM Identity Center is logged by sso.amazonaws.com.
var modelPrefixAliases = map[string]string{"awsssoportal": "sso"}

// serviceModel is the part of a botocore service-2.json that the audit reads.
type serviceModel struct {
	Metadata struct {
		SigningName    string `json:"signingName"`
		EndpointPrefix string `json:"endpointPrefix"`
	} `json:"metadata"`
	Operations map[string]struct {
		AuthType string   `json:"authtype"`
		Auth     []string `json:"auth"`
	} `json:"operations"`
}

// latestModel reads the newest API version's model of one service
// directory, or returns nil when it holds none.
func latestModel(svcDir string) (*serviceModel, error) {
	versions, err := os.ReadDir(svcDir)
	if err != nil {
		return nil, nil // a file beside the service directories
	}
	for i := len(versions) - 1; i >= 0; i-- {
		for _, name := range []string{"service-2.json.gz", "service-2.json"} {
			path := filepath.Join(svcDir, versions[i].Name(), name)
			f, err := os.Open(path)
			if err != nil {
				continue
			}
			var r io.Reader = f
			if strings.HasSuffix(name, ".gz") {
				zr, err := gzip.NewReader(f)
				if err != nil {
					f.Close()
					return nil, fmt.Errorf("reading %s: %w", path, err)
				}
				r = zr
			}
			var m serviceModel
			err = json.NewDecoder(r).Decode(&m)
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("decoding %s: %w", path, err)
			}
			return &m, nil
		}
	}
	return nil, nil
}

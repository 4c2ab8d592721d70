package generate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cloud-credentials-insights/cci/internal/credreq"
	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// CredentialsRequestsFile is compare's copy of the loaded manifests,
// read beside compiled_users.json when no --credentials-requests-path is
// given.
const CredentialsRequestsFile = "credentials_requests.json"

// Run writes a grant per selected identity of opts.EventsPath, as files
// in opts.Output or to stdout. Diagnostics go to stderr.
func Run(ctx context.Context, opts Options, stdout, stderr io.Writer) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	path := opts.EventsPath
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, events.EventsFile)
	}
	ids, err := events.ReadIdentities(path)
	if err != nil {
		return err
	}
	var comp *Compiled
	var reqs requestSource
	if opts.Compiled != "" {
		if comp, err = ReadCompiled(opts.Compiled); err != nil {
			return err
		}
		if reqs, err = loadRequests(opts); err != nil {
			return err
		}
	}
	names, err := selectIdentities(ids, opts.Identities)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		warnf(stderr, "warning", "no identities in %s", path)
	}

	inputs := make([]Input, 0, len(names))
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		in := inputOf(name, ids[name])
		if opts.Resources {
			in.Resources, in.Wide = resourcesOf(ids[name])
			if len(in.Wide) > 0 {
				warnf(stderr, "warning", "%s: the trail showed more resources than events.json keeps for %s: Resource stays \"*\" (or the matched request's)",
					name, strings.Join(in.Wide, ", "))
			}
		}
		if comp != nil {
			if u := comp.Users[name]; u != nil {
				in.UnsupportedCheck, in.Reasons = u.Diff.UnsupportedCheck, u.Diff.Reasons
				if opts.Format == FormatCredentialsRequest {
					// CCO adds these to what the request grants; a
					// policy document must hold them itself.
					in.Implicit = u.Implicit
				}
				if u.Target == TargetCredentialsRequest {
					in.Ref = u.CredRequestRef
					r, err := reqs.get(u.CredRequestRef)
					if err != nil {
						return err
					}
					in.Statements = r.Policy.Views()
				}
			}
		}
		inputs = append(inputs, in)
	}

	files, err := render(opts, inputs, reqs, stderr)
	if err != nil {
		return err
	}
	if opts.Output != "" {
		for _, f := range files {
			p := filepath.Join(opts.Output, filepath.FromSlash(f.name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return fmt.Errorf("creating output directory: %w", err)
			}
			if err := os.WriteFile(p, f.data, 0o644); err != nil {
				return fmt.Errorf("writing %s: %w", p, err)
			}
		}
		warnf(stderr, "hint", "wrote %d file(s) to %s", len(files), opts.Output)
		return nil
	}
	return writeStdout(stdout, opts.Format, files)
}

// file is one output file.
type file struct {
	name     string // relative, slash-separated
	identity string // iam-policy
	data     []byte
	doc      PolicyDocument
}

func render(opts Options, inputs []Input, reqs requestSource, stderr io.Writer) ([]file, error) {
	var files []file
	if opts.Format == FormatIAMPolicy {
		for _, in := range inputs {
			doc := Policy(Build(opts.Collapse, in))
			data, err := encodeJSON(doc)
			if err != nil {
				return nil, fmt.Errorf("encoding policy of %s: %w", in.Identity, err)
			}
			files = append(files, file{name: fileName(in.Identity) + ".json", identity: in.Identity, data: data, doc: doc})
		}
		return files, nil
	}
	byRef := map[string][]Input{}
	for _, in := range inputs {
		if in.Ref == "" {
			warnf(stderr, "warning", "%s matched no CredentialsRequest in %s: skipped", in.Identity, opts.Compiled)
			continue
		}
		byRef[in.Ref] = append(byRef[in.Ref], in)
	}
	for _, ref := range slices.Sorted(maps.Keys(byRef)) {
		r, err := reqs.get(ref)
		if err != nil {
			return nil, err
		}
		g := Build(opts.Collapse, byRef[ref]...)
		data, err := RenderRequest(r.Manifest, g.Entries, headComment(g))
		if err != nil {
			return nil, fmt.Errorf("rendering request %s: %w", ref, err)
		}
		files = append(files, file{name: SuggestedName(ref), data: data})
	}
	return files, nil
}

func writeStdout(w io.Writer, format string, files []file) error {
	var buf bytes.Buffer
	switch {
	case format == FormatIAMPolicy && len(files) == 1:
		buf.Write(files[0].data)
	case format == FormatIAMPolicy:
		m := make(map[string]PolicyDocument, len(files))
		for _, f := range files {
			m[f.identity] = f.doc
		}
		data, err := encodeJSON(m)
		if err != nil {
			return fmt.Errorf("encoding policies: %w", err)
		}
		buf.Write(data)
	default:
		for i, f := range files {
			if i > 0 {
				buf.WriteString("---\n")
			}
			buf.Write(f.data)
		}
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}

// inputOf is an identity of events.json as Input: the actions needing a
// permission, as compare counts them.
func inputOf(name string, id *events.Identity) Input {
	in := Input{Identity: name}
	if id == nil {
		return in
	}
	for action, a := range id.Events {
		if a != nil && a.Permissionless {
			continue
		}
		in.Required = append(in.Required, action)
		if a != nil && a.Unmapped {
			in.Unmapped = append(in.Unmapped, action)
		}
	}
	sort.Strings(in.Required)
	sort.Strings(in.Unmapped)
	return in
}

// resourcesOf returns the ARNs recorded per used action of id (canonical
// names; spellings of one action merged) and the used actions whose ARNs
// do not cover every call.
func resourcesOf(id *events.Identity) (map[string][]string, []string) {
	if id == nil {
		return nil, nil
	}
	arns := map[string][]string{}
	wide := map[string]bool{}
	for action, a := range id.Events {
		if a == nil || a.Permissionless || a.Unmapped || len(a.Resources) == 0 && !a.ResourcesTruncated {
			continue
		}
		if c, ok := policy.Canonical(action); ok {
			action = c
		}
		if a.ResourcesTruncated {
			wide[action] = true
		}
		arns[action] = append(arns[action], a.Resources...)
	}
	out := map[string][]string{}
	for action, list := range arns {
		if wide[action] {
			continue
		}
		sort.Strings(list)
		out[action] = slices.Compact(list)
	}
	return out, slices.Sorted(maps.Keys(wide))
}

func selectIdentities(ids map[string]*events.Identity, want []string) ([]string, error) {
	if len(want) == 0 {
		names := slices.Sorted(maps.Keys(ids))
		return slices.DeleteFunc(names, func(n string) bool { return ids[n] == nil }), nil
	}
	var out []string
	for _, n := range want {
		if _, ok := ids[n]; !ok {
			return nil, fmt.Errorf("selecting identities: --identity %s is not in events.json", n)
		}
		out = append(out, n)
	}
	sort.Strings(out)
	return slices.Compact(out), nil
}

// fileName makes an identity name safe as a file name.
func fileName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '/' || r == '\\' || r == ':' || r == 0:
			return '_'
		}
		return r
	}, s)
}

// SuggestedName is the file a suggestion for request ref is written to:
// the request's file, with "-N" before the extension for the Nth request
// of a file holding several.
func SuggestedName(ref string) string {
	file, n, ok := strings.Cut(ref, "#")
	if !ok {
		return file
	}
	ext := filepath.Ext(file)
	return strings.TrimSuffix(file, ext) + "-" + n + ext
}

// requestSource finds the matched requests by Ref.
type requestSource struct {
	byRef map[string]*credreq.CredentialsRequest
	from  string
}

func (s requestSource) get(ref string) (*credreq.CredentialsRequest, error) {
	r := s.byRef[ref]
	if r == nil {
		return nil, fmt.Errorf("reading credentials requests: %s holds no request %s (compiled_users.json names it)", s.from, ref)
	}
	return r, nil
}

// loadRequests reads the original manifests: from
// opts.CredentialsRequestsPath, else compare's credentials_requests.json
// beside opts.Compiled.
func loadRequests(opts Options) (requestSource, error) {
	src := requestSource{byRef: map[string]*credreq.CredentialsRequest{}}
	if opts.CredentialsRequestsPath != "" {
		src.from = opts.CredentialsRequestsPath
		loaded, err := credreq.Load(opts.CredentialsRequestsPath)
		if err != nil {
			return src, fmt.Errorf("reading credentials requests: %w", err)
		}
		for _, r := range loaded.Requests {
			src.byRef[r.Ref] = r
		}
		return src, nil
	}
	path := filepath.Join(filepath.Dir(opts.Compiled), CredentialsRequestsFile)
	src.from = path
	data, err := os.ReadFile(path)
	if err != nil {
		return src, fmt.Errorf("reading credentials requests: %w (or pass --credentials-requests-path)", err)
	}
	byRef, err := ParseRequestsJSON(data)
	if err != nil {
		return src, fmt.Errorf("reading credentials requests %s: %w", path, err)
	}
	src.byRef = byRef
	return src, nil
}

// ParseRequestsJSON reads compare's credentials_requests.json (Ref ->
// manifest) back into requests.
func ParseRequestsJSON(data []byte) (map[string]*credreq.CredentialsRequest, error) {
	var manifests map[string]map[string]any
	if err := json.Unmarshal(data, &manifests); err != nil {
		return nil, err
	}
	out := make(map[string]*credreq.CredentialsRequest, len(manifests))
	for ref, m := range manifests {
		r, err := requestOf(ref, m)
		if err != nil {
			return nil, err
		}
		out[ref] = r
	}
	return out, nil
}

// requestOf parses one manifest as credreq does a file.
func requestOf(ref string, m map[string]any) (*credreq.CredentialsRequest, error) {
	data, err := yaml.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("request %s: %w", ref, err)
	}
	reqs, _, problems := credreq.Parse(ref, data)
	if len(problems) > 0 {
		return nil, problems[0]
	}
	if len(reqs) != 1 {
		return nil, fmt.Errorf("request %s: not an AWS CredentialsRequest", ref)
	}
	reqs[0].Ref = ref
	return reqs[0], nil
}

func warnf(w io.Writer, level, format string, args ...any) {
	fmt.Fprintf(w, "cci: %s: %s\n", level, fmt.Sprintf(format, args...))
}

package simulate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// fileWarning is a policy warning with the file it came from.
type fileWarning struct {
	File    string `json:"File"`
	Path    string `json:"Path"`
	Line    int    `json:"Line"`
	Message string `json:"Message"`
}

// loader reads policy files and collects their warnings.
type loader struct {
	warnings []fileWarning
}

// load reads one policy FILE of the given type.
func (l *loader) load(name string, typ policy.PolicyType) (*policy.Policy, error) {
	path := strings.TrimPrefix(name, "file://")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, exit.Errorf(exit.Usage, "reading policy: %w", err)
	}
	doc, id, lineOffset, where, err := unwrapDocument(data)
	if err != nil {
		return nil, exit.Errorf(exit.Usage, "reading policy %s: %v", path, err)
	}
	if id == "" {
		id = filepath.Base(path)
	}
	p, err := policy.ParsePolicy(doc, policy.ParseOptions{Type: typ, Name: id})
	if err != nil {
		var pe *policy.PolicyError
		if errors.As(err, &pe) && pe.Line > 0 {
			pe.Line += lineOffset
		}
		return nil, exit.Errorf(exit.Usage, "reading policy %s%s: %w", path, where, err)
	}
	for _, w := range p.Warnings {
		if w.Line > 0 {
			w.Line += lineOffset
		}
		l.warnings = append(l.warnings, fileWarning{File: path + where, Path: w.Path, Line: w.Line, Message: w.Msg})
	}
	return p, nil
}

// unwrapDocument finds the policy document in the outputs of the AWS CLI
// that carry one: get-policy-version ({"PolicyVersion":{"Document":...}},
// the Document an object or a URL-encoded string), organizations
// describe-policy ({"Policy":{"PolicySummary":{"Name"},"Content":"<json>"}})
// and get-role-policy/get-user-policy ({"PolicyName","PolicyDocument"}).
// Anything else is taken as the document itself. It returns the document,
// the policy's name when the wrapper has one, the line offset of an
// embedded object and a note for messages about an embedded string.
func unwrapDocument(data []byte) (doc []byte, name string, lineOffset int, where string, err error) {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return data, "", 0, "", nil
	}
	embedded := func(raw json.RawMessage, field string) ([]byte, int, string, error) {
		raw = bytes.TrimSpace(raw)
		if len(raw) > 0 && raw[0] == '"' {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, 0, "", fmt.Errorf("%s: %v", field, err)
			}
			return decodeDocumentString(s), 0, " (in " + field + ")", nil
		}
		off := bytes.Index(data, raw)
		if off < 0 {
			return raw, 0, "", nil
		}
		return raw, bytes.Count(data[:off], []byte{'\n'}), "", nil
	}
	if pv, ok := top["PolicyVersion"]; ok {
		var v struct {
			Document json.RawMessage `json:"Document"`
		}
		if err := json.Unmarshal(pv, &v); err != nil || v.Document == nil {
			return nil, "", 0, "", errors.New("no Document in PolicyVersion (want aws iam get-policy-version output)")
		}
		d, off, w, err := embedded(v.Document, "PolicyVersion.Document")
		return d, "", off, w, err
	}
	if pol, ok := top["Policy"]; ok {
		var v struct {
			Summary struct {
				Name string `json:"Name"`
			} `json:"PolicySummary"`
			Content json.RawMessage `json:"Content"`
		}
		if err := json.Unmarshal(pol, &v); err != nil || v.Content == nil {
			return nil, "", 0, "", errors.New("no Content in Policy (want aws organizations describe-policy output)")
		}
		d, off, w, err := embedded(v.Content, "Policy.Content")
		return d, v.Summary.Name, off, w, err
	}
	if pd, ok := top["PolicyDocument"]; ok {
		var pname string
		if n, ok := top["PolicyName"]; ok {
			_ = json.Unmarshal(n, &pname)
		}
		d, off, w, err := embedded(pd, "PolicyDocument")
		return d, pname, off, w, err
	}
	return data, "", 0, "", nil
}

// decodeDocumentString undoes the URL encoding IAM's API applies to
// documents; a string that already is JSON is kept.
func decodeDocumentString(s string) []byte {
	if t := strings.TrimSpace(s); strings.HasPrefix(t, "{") {
		return []byte(s)
	}
	if d, err := url.PathUnescape(s); err == nil && json.Valid([]byte(d)) {
		return []byte(d)
	}
	if d, err := url.QueryUnescape(s); err == nil {
		return []byte(d)
	}
	return []byte(s)
}

// loadLevel reads one --scp level: a file, or every *.json file directly
// inside a directory (sorted by name). An empty directory is a level with
// no policy.
func (l *loader) loadLevel(name string) ([]*policy.Policy, error) {
	path := strings.TrimPrefix(name, "file://")
	st, err := os.Stat(path)
	if err != nil {
		return nil, exit.Errorf(exit.Usage, "reading --scp level: %w", err)
	}
	if !st.IsDir() {
		p, err := l.load(path, policy.TypeSCP)
		if err != nil {
			return nil, err
		}
		return []*policy.Policy{p}, nil
	}
	ents, err := os.ReadDir(path)
	if err != nil {
		return nil, exit.Errorf(exit.Usage, "reading --scp level: %w", err)
	}
	var names []string
	for _, e := range ents {
		if e.Type()&fs.ModeType == 0 && strings.EqualFold(filepath.Ext(e.Name()), ".json") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	out := []*policy.Policy{}
	for _, n := range names {
		p, err := l.load(filepath.Join(path, n), policy.TypeSCP)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// loadSet reads every policy the options name.
func (l *loader) loadSet(opts *Options) (*policy.PolicySet, error) {
	set := &policy.PolicySet{}
	for _, f := range opts.PolicyFiles {
		p, err := l.load(f, policy.TypeIdentity)
		if err != nil {
			return nil, err
		}
		set.Identity = append(set.Identity, p)
	}
	for _, f := range opts.BoundaryFiles {
		p, err := l.load(f, policy.TypeBoundary)
		if err != nil {
			return nil, err
		}
		set.Boundaries = append(set.Boundaries, p)
	}
	for _, f := range opts.SCPLevels {
		lvl, err := l.loadLevel(f)
		if err != nil {
			return nil, err
		}
		set.SCPLevels = append(set.SCPLevels, lvl)
	}
	one := func(f string, typ policy.PolicyType, into *[]*policy.Policy) error {
		if f == "" {
			return nil
		}
		p, err := l.load(f, typ)
		if err != nil {
			return err
		}
		*into = append(*into, p)
		return nil
	}
	if err := one(opts.ResourcePolicy, policy.TypeResource, &set.Resource); err != nil {
		return nil, err
	}
	if err := one(opts.SessionPolicy, policy.TypeSession, &set.Session); err != nil {
		return nil, err
	}
	if err := one(opts.EndpointPolicy, policy.TypeEndpoint, &set.Endpoint); err != nil {
		return nil, err
	}
	return set, nil
}

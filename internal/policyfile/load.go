package policyfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/exit"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// Warning is a policy warning with the file it came from.
type Warning struct {
	File    string `json:"File"`
	Path    string `json:"Path"`
	Line    int    `json:"Line"`
	Message string `json:"Message"`
}

// Loader reads policy files and collects their warnings.
type Loader struct {
	Warnings []Warning
}

// Load reads one policy FILE of the given type.
func (l *Loader) Load(name string, typ policy.PolicyType) (*policy.Policy, error) {
	path := strings.TrimPrefix(name, "file://")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, exit.Errorf(exit.Usage, "reading policy: %w", err)
	}
	doc, id, lineOffset, where, err := UnwrapDocument(data)
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
		l.Warnings = append(l.Warnings, Warning{File: path + where, Path: w.Path, Line: w.Line, Message: w.Msg})
	}
	return p, nil
}

// UnwrapDocument finds the policy document in the outputs of the AWS CLI
// that carry one: get-policy-version ({"PolicyVersion":{"Document":...}},
// the Document an object or a URL-encoded string), organizations
// describe-policy ({"Policy":{"PolicySummary":{"Name"},"Content":"<json>"}})
// and get-role-policy/get-user-policy ({"PolicyName","PolicyDocument"}).
// Anything else is taken as the document itself. It returns the document,
// the policy's name when the wrapper has one, the line offset of an
// embedded object and a note for messages about an embedded string.
func UnwrapDocument(data []byte) (doc []byte, name string, lineOffset int, where string, err error) {
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
			return policy.DecodeDocumentString(s), 0, " (in " + field + ")", nil
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

// LoadLevel reads one --scp level: a file, or every *.json file directly
// inside a directory (sorted by name). An empty directory is a level with
// no policy.
func (l *Loader) LoadLevel(name string) ([]*policy.Policy, error) {
	path := strings.TrimPrefix(name, "file://")
	st, err := os.Stat(path)
	if err != nil {
		return nil, exit.Errorf(exit.Usage, "reading --scp level: %w", err)
	}
	if !st.IsDir() {
		p, err := l.Load(path, policy.TypeSCP)
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
		p, err := l.Load(filepath.Join(path, n), policy.TypeSCP)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// String is "FILE: line N: PATH: message".
func (w Warning) String() string {
	var b strings.Builder
	b.WriteString(w.File)
	if w.Line > 0 {
		fmt.Fprintf(&b, ": line %d", w.Line)
	}
	if w.Path != "" {
		b.WriteString(": " + w.Path)
	}
	b.WriteString(": " + w.Message)
	return b.String()
}

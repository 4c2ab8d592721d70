package credreq

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// MaxFileSize bounds what one manifest or policy file may weigh; release
// payload manifests are a few kilobytes.
const MaxFileSize = 16 << 20

// AWSProviderSpec is the providerSpec kind of AWS requests.
const AWSProviderSpec = "AWSProviderSpec"

// SecretRef is spec.secretRef of a CredentialsRequest.
type SecretRef struct {
	Name      string `yaml:"name" json:"name"`
	Namespace string `yaml:"namespace" json:"namespace"`
}

// CredentialsRequest is one AWS CredentialsRequest.
type CredentialsRequest struct {
	// Ref names the request in reports: its file relative to the loaded
	// directory, with "#N" added when the file holds several AWS requests
	// (N counts the AWS requests of the file from 1).
	Ref string
	// File is the file relative to the loaded directory, slash-separated.
	File string
	// Line is where the document (or List item) starts.
	Line                int
	Name                string
	Namespace           string
	SecretRef           SecretRef
	ServiceAccountNames []string
	// Policy is spec.providerSpec.statementEntries as the IAM policy CCO
	// builds from them, parsed strictly (see entriesPolicy).
	Policy *policy.Policy
	// Manifest is the document as parsed, for credentials_requests.json.
	Manifest map[string]any
}

// FileError is an input that could not be used, with where it failed.
// Line is 0 when unknown.
type FileError struct {
	File string
	Line int
	Err  error
	// policy marks a statementEntries policy IAM would refuse: the whole
	// file is skipped, not only its document.
	policy bool
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// LoadResult is what Load found.
type LoadResult struct {
	// Requests are the AWS requests, in file order.
	Requests []*CredentialsRequest
	// Problems are the files and documents that were skipped because they
	// could not be read; the rest was still loaded.
	Problems []*FileError
	// OtherClouds counts CredentialsRequests for other providers, skipped.
	OtherClouds int
	// Files counts the manifest files read.
	Files int
}

// Load reads the CredentialsRequests below dir (recursively: .yaml, .yml
// and .json files). dir may also be a single file. Only errors that stop
// the whole load (dir unreadable) are returned; broken files are listed in
// Problems.
func Load(dir string) (*LoadResult, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	res := &LoadResult{}
	if !st.IsDir() {
		res.Files = 1
		loadFile(res, dir, filepath.Base(dir))
		finish(res)
		return res, nil
	}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			rel, _ := filepath.Rel(dir, path)
			res.Problems = append(res.Problems, &FileError{File: filepath.ToSlash(rel), Err: err})
			if d != nil && d.IsDir() && path != dir {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if path != dir && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".yaml", ".yml", ".json":
		default:
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		res.Files++
		loadFile(res, path, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, err
	}
	finish(res)
	return res, nil
}

// finish gives every request its Ref.
func finish(res *LoadResult) {
	perFile := map[string]int{}
	for _, r := range res.Requests {
		perFile[r.File]++
	}
	n := map[string]int{}
	for _, r := range res.Requests {
		r.Ref = r.File
		if perFile[r.File] > 1 {
			n[r.File]++
			r.Ref = fmt.Sprintf("%s#%d", r.File, n[r.File])
		}
	}
}

func loadFile(res *LoadResult, path, rel string) {
	data, err := readFile(path)
	if err != nil {
		res.Problems = append(res.Problems, &FileError{File: rel, Err: err})
		return
	}
	reqs, other, problems := Parse(rel, data)
	res.Requests = append(res.Requests, reqs...)
	res.OtherClouds += other
	res.Problems = append(res.Problems, problems...)
}

// readFile reads at most MaxFileSize bytes of path.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("larger than %d bytes", MaxFileSize)
	}
	return data, nil
}

// Parse reads the CredentialsRequests of one file: several YAML documents,
// JSON, and `kind: List` are accepted. Documents for other clouds are
// counted in otherClouds; documents of other kinds are ignored. A broken
// document is reported in problems and skipped; a YAML syntax error ends
// the file.
func Parse(file string, data []byte) (reqs []*CredentialsRequest, otherClouds int, problems []*FileError) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return skipOnPolicyError(reqs, problems), otherClouds, problems
		}
		if err != nil {
			problems = append(problems, yamlError(file, err))
			return skipOnPolicyError(reqs, problems), otherClouds, problems
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue // an empty document, as after a trailing ---
		}
		if root.Kind != yaml.MappingNode {
			problems = append(problems, &FileError{File: file, Line: root.Line, Err: errors.New("document is not a mapping")})
			continue
		}
		kind := scalar(lookup(root, "kind"))
		if kind == "List" || strings.HasSuffix(kind, "List") {
			items := lookup(root, "items")
			if items == nil {
				continue
			}
			if items.Kind != yaml.SequenceNode {
				problems = append(problems, &FileError{File: file, Line: items.Line, Err: errors.New("items is not a list")})
				continue
			}
			for _, it := range items.Content {
				r, other, err := parseRequest(file, it)
				switch {
				case err != nil:
					problems = append(problems, err)
				case other:
					otherClouds++
				case r != nil:
					reqs = append(reqs, r)
				}
			}
			continue
		}
		r, other, perr := parseRequest(file, root)
		switch {
		case perr != nil:
			problems = append(problems, perr)
		case other:
			otherClouds++
		case r != nil:
			reqs = append(reqs, r)
		}
	}
}

// skipOnPolicyError drops every request of a file in which one request's
// statementEntries are not a policy IAM accepts: a file is one component's
// grant, and half of it would make a misleading diff.
func skipOnPolicyError(reqs []*CredentialsRequest, problems []*FileError) []*CredentialsRequest {
	for _, p := range problems {
		if p.policy {
			return nil
		}
	}
	return reqs
}

// manifest is the part of a CredentialsRequest cci reads.
type manifest struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name      string `yaml:"name"`
		Namespace string `yaml:"namespace"`
	} `yaml:"metadata"`
	Spec struct {
		SecretRef           SecretRef `yaml:"secretRef"`
		ServiceAccountNames []string  `yaml:"serviceAccountNames"`
		ProviderSpec        yaml.Node `yaml:"providerSpec"`
	} `yaml:"spec"`
}

type awsProviderSpec struct {
	Kind             string      `yaml:"kind"`
	StatementEntries []yaml.Node `yaml:"statementEntries"`
}

// parseRequest reads one document or List item. It returns (nil, false,
// nil) for documents that are not CredentialsRequests.
func parseRequest(file string, n *yaml.Node) (*CredentialsRequest, bool, *FileError) {
	if n.Kind != yaml.MappingNode {
		return nil, false, &FileError{File: file, Line: n.Line, Err: errors.New("not a mapping")}
	}
	if scalar(lookup(n, "kind")) != "CredentialsRequest" {
		return nil, false, nil
	}
	var m manifest
	if err := n.Decode(&m); err != nil {
		return nil, false, docError(file, n, err)
	}
	ps := lookup(n, "spec", "providerSpec")
	if ps == nil {
		return nil, false, &FileError{File: file, Line: n.Line, Err: fmt.Errorf("credentials request %q has no spec.providerSpec", m.Metadata.Name)}
	}
	if k := scalar(lookup(ps, "kind")); k != AWSProviderSpec {
		return nil, true, nil
	}
	var spec awsProviderSpec
	if err := ps.Decode(&spec); err != nil {
		return nil, false, docError(file, ps, err)
	}
	if m.Metadata.Name == "" {
		return nil, false, &FileError{File: file, Line: n.Line, Err: errors.New("credentials request without metadata.name")}
	}
	r := &CredentialsRequest{
		File:                file,
		Line:                n.Line,
		Name:                m.Metadata.Name,
		Namespace:           m.Metadata.Namespace,
		SecretRef:           m.Spec.SecretRef,
		ServiceAccountNames: m.Spec.ServiceAccountNames,
	}
	pol, ferr := entriesPolicy(file, r.Name, lookup(ps, "statementEntries"), n.Line)
	if ferr != nil {
		return nil, false, ferr
	}
	r.Policy = pol
	var raw map[string]any
	if err := n.Decode(&raw); err != nil {
		return nil, false, docError(file, n, err)
	}
	r.Manifest = jsonable(raw).(map[string]any)
	return r, false, nil
}

// lookup follows a path of mapping keys. It never expands aliases beyond
// the one step of each key, so it is safe on hostile documents.
func lookup(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n != nil && n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	if n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// yamlError turns a yaml.v3 error ("yaml: line 3: ...") into a FileError
// with the line split out.
func yamlError(file string, err error) *FileError {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
		if len(te.Errors) > 1 {
			msg += fmt.Sprintf(" (and %d more)", len(te.Errors)-1)
		}
	}
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.Index(rest, ":"); i > 0 {
			if _, err := fmt.Sscanf(rest[:i], "%d", &line); err == nil {
				msg = strings.TrimSpace(rest[i+1:])
			}
		}
	}
	return &FileError{File: file, Line: line, Err: errors.New(msg)}
}

// docError is yamlError with the line of n when the error names none
// (yaml.v3's alias limit does not).
func docError(file string, n *yaml.Node, err error) *FileError {
	fe := yamlError(file, err)
	if fe.Line == 0 {
		fe.Line = n.Line
	}
	return fe
}

// jsonable turns what yaml.v3 decoded into values encoding/json can write:
// maps with non-string keys get their keys printed.
func jsonable(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = jsonable(x)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[fmt.Sprint(k)] = jsonable(x)
		}
		return m
	case []any:
		for i, x := range t {
			t[i] = jsonable(x)
		}
		return t
	}
	return v
}

// SortRequests orders requests by Ref, for stable output.
func SortRequests(reqs []*CredentialsRequest) {
	sort.SliceStable(reqs, func(i, j int) bool { return reqs[i].Ref < reqs[j].Ref })
}

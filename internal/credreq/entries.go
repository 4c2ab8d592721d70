package credreq

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// entryFields maps the keys of a statementEntries item (CCO's
// StatementEntry) to the IAM policy elements CCO writes them as. Other keys
// are ignored, as CCO's decoder ignores them.
var entryFields = []struct{ yaml, iam string }{
	{"effect", "Effect"},
	{"action", "Action"},
	{"resource", "Resource"},
	{"policyCondition", "Condition"},
}

// entriesPolicy turns statementEntries into the identity policy CCO
// attaches (Version 2012-10-17, one statement per entry) and parses it as
// strictly as IAM accepts a policy: Effect Allow or Deny (case-sensitive),
// Action present and well formed, Resource present (CCO copies the entry's
// resource string as it is and has no default). A request without entries
// has a policy without statements. Errors name the entry's line.
func entriesPolicy(file, name string, entries *yaml.Node, docLine int) (*policy.Policy, *FileError) {
	fail := func(line int, err error) *FileError {
		return &FileError{File: file, Line: line, Err: fmt.Errorf("credentials request %q: %w", name, err)}
	}
	if entries == nil || entries.Kind == yaml.ScalarNode && entries.Tag == "!!null" {
		return &policy.Policy{Name: name, Type: policy.TypeIdentity}, nil
	}
	if entries.Kind != yaml.SequenceNode {
		return nil, fail(entries.Line, errors.New("statementEntries is not a list"))
	}
	if len(entries.Content) == 0 {
		return &policy.Policy{Name: name, Type: policy.TypeIdentity}, nil
	}
	stmts := make([]map[string]any, 0, len(entries.Content))
	for i, e := range entries.Content {
		if e.Kind != yaml.MappingNode {
			return nil, fail(e.Line, fmt.Errorf("statementEntries[%d] is not a mapping", i))
		}
		st := map[string]any{}
		for _, f := range entryFields {
			v := lookup(e, f.yaml)
			if v == nil {
				continue
			}
			val, err := entryValue(v)
			if err != nil {
				return nil, fail(v.Line, fmt.Errorf("statementEntries[%d].%s: %w", i, f.yaml, err))
			}
			st[f.iam] = val
		}
		stmts = append(stmts, st)
	}
	doc, err := json.Marshal(map[string]any{"Version": policy.Version2012, "Statement": stmts})
	if err != nil {
		return nil, fail(docLine, err)
	}
	pol, err := policy.ParsePolicy(doc, policy.ParseOptions{Type: policy.TypeIdentity, Strictness: policy.Strict, Name: name})
	if err != nil {
		var pe *policy.PolicyError
		if !errors.As(err, &pe) {
			return nil, fail(docLine, err)
		}
		path, line := entryPath(pe.Path, entries, docLine)
		fe := fail(line, fmt.Errorf("%s: %s", path, strictMessage(pe.Msg)))
		fe.policy = true
		return nil, fe
	}
	return pol, nil
}

// entryValue is a YAML value as JSON would carry it: scalars as strings
// (booleans and numbers of a condition keep their type), sequences and
// mappings as lists and objects.
func entryValue(n *yaml.Node) (any, error) {
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!str" || n.Tag == "!!null" || n.Tag == "") {
		return n.Value, nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, err
	}
	return jsonable(v), nil
}

// entryPath turns the path of a policy element (Statement[2].Action[1])
// into the manifest's (statementEntries[2].action[1]) and finds its line.
func entryPath(path string, entries *yaml.Node, docLine int) (string, int) {
	rest, ok := strings.CutPrefix(path, "Statement[")
	if !ok {
		return "statementEntries", entries.Line
	}
	idx, rest, _ := strings.Cut(rest, "]")
	i, err := strconv.Atoi(idx)
	if err != nil || i < 0 || i >= len(entries.Content) {
		return "statementEntries", docLine
	}
	e := entries.Content[i]
	out, line := fmt.Sprintf("statementEntries[%d]", i), e.Line
	field, sub, _ := strings.Cut(strings.TrimPrefix(rest, "."), ".")
	field, elem, _ := strings.Cut(field, "[")
	for _, f := range entryFields {
		if f.iam != field {
			continue
		}
		out += "." + f.yaml
		for j := 0; j+1 < len(e.Content); j += 2 {
			if e.Content[j].Value == f.yaml {
				line = e.Content[j].Line
				v := e.Content[j+1]
				if k, err := strconv.Atoi(strings.TrimSuffix(elem, "]")); err == nil && v.Kind == yaml.SequenceNode && k < len(v.Content) {
					out += "[" + strconv.Itoa(k) + "]"
					line = v.Content[k].Line
				}
			}
		}
		if sub != "" {
			out += "." + sub
		}
	}
	return out, line
}

package generate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// PolicyDocument is an IAM policy document as generate writes it.
type PolicyDocument struct {
	Version   string            `json:"Version"`
	Statement []PolicyStatement `json:"Statement"`
}

// PolicyStatement is one statement of a PolicyDocument.
type PolicyStatement struct {
	Sid       string                    `json:"Sid"`
	Effect    string                    `json:"Effect"`
	Action    []string                  `json:"Action"`
	Resource  any                       `json:"Resource"` // a string when one
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// Policy is g as an IAM policy document. Kept actions go into statements
// of their own (Sid "Kept..."), since JSON has no comments; their reasons
// are in g's entries.
func Policy(g Grant) PolicyDocument {
	doc := PolicyDocument{Version: policy.Version2012, Statement: []PolicyStatement{}}
	sids := map[string]int{}
	add := func(base string, e Entry, actions []string) {
		if len(actions) == 0 {
			return
		}
		sids[base]++
		sid := base
		if n := sids[base]; n > 1 {
			sid = fmt.Sprintf("%s%d", base, n)
		}
		doc.Statement = append(doc.Statement, PolicyStatement{Sid: sid, Effect: e.Effect, Action: actions, Resource: resourceValue(e.Resource), Condition: e.Condition})
	}
	for _, e := range g.Entries {
		var usedActs, kept []string
		for _, a := range e.Actions {
			if _, ok := e.Kept[a]; ok {
				kept = append(kept, a)
			} else {
				usedActs = append(usedActs, a)
			}
		}
		svc := sidWord(service(e.Actions[0]))
		add(svc, e, usedActs)
		add("Kept"+svc, e, kept)
	}
	return doc
}

func resourceValue(r []string) any {
	if len(r) == 1 {
		return r[0]
	}
	return r
}

// sidWord makes a Sid (alphanumeric) of a service prefix: "Ec2",
// "Elasticloadbalancing".
func sidWord(svc string) string {
	var b strings.Builder
	up := true
	for _, c := range svc {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			if up && 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			b.WriteRune(c)
			up = false
		default:
			up = true
		}
	}
	return b.String()
}

// entriesNode is g's statementEntries as a YAML sequence, in the layout of
// OpenShift's manifests (effect, action, resource, policyCondition); kept
// actions carry their reason as a line comment.
func entriesNode(entries []Entry) *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, e := range entries {
		m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		m.Content = append(m.Content, str("effect"), str(e.Effect))
		acts := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, a := range e.Actions {
			n := str(a)
			if why, ok := e.Kept[a]; ok {
				n.LineComment = "kept: CloudTrail cannot show its use: " + why
			}
			acts.Content = append(acts.Content, n)
		}
		m.Content = append(m.Content, str("action"), acts)
		if len(e.Resource) == 1 {
			m.Content = append(m.Content, str("resource"), str(e.Resource[0]))
		} else {
			rs := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			for _, r := range e.Resource {
				rs.Content = append(rs.Content, str(r))
			}
			m.Content = append(m.Content, str("resource"), rs)
		}
		if len(e.Condition) > 0 {
			var cond yaml.Node
			if err := cond.Encode(e.Condition); err == nil {
				m.Content = append(m.Content, str("policyCondition"), &cond)
			}
		}
		seq.Content = append(seq.Content, m)
	}
	return seq
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// entriesOf turns a request's statements into entries, for rendering the
// original the way the suggestion is rendered.
func entriesOf(sts []policy.Statement) []Entry {
	out := make([]Entry, 0, len(sts))
	for _, st := range sts {
		out = append(out, Entry{Effect: st.Effect, Actions: st.Action, Resource: resourceOrAny(st.Resource), Condition: st.Condition})
	}
	return out
}

// RenderRequest writes manifest (a CredentialsRequest as parsed) with its
// spec.providerSpec.statementEntries replaced by entries. head, when not
// empty, becomes the document's head comment. Keys of the manifest come
// out sorted, so an original and its suggestion rendered alike differ
// only where the entries do.
func RenderRequest(manifest map[string]any, entries []Entry, head string) ([]byte, error) {
	var doc yaml.Node
	if err := doc.Encode(manifest); err != nil {
		return nil, fmt.Errorf("encoding manifest: %w", err)
	}
	ps := mapValue(mapValue(&doc, "spec"), "providerSpec")
	if ps == nil || ps.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("manifest has no spec.providerSpec")
	}
	setKey(ps, "statementEntries", entriesNode(entries))
	doc.HeadComment = head
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, fmt.Errorf("encoding manifest: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encoding manifest: %w", err)
	}
	return buf.Bytes(), nil
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func setKey(n *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			n.Content[i+1] = v
			return
		}
	}
	n.Content = append(n.Content, str(key), v)
}

// headComment says where a suggestion came from and what it left out.
func headComment(g Grant) string {
	lines := []string{"Suggested by cci generate from the actions " + strings.Join(g.Identities, ", ") + " used."}
	if len(g.Unmapped) > 0 {
		lines = append(lines, "Not granted (observed events with no known IAM action; check by hand): "+strings.Join(g.Unmapped, ", "))
	}
	if len(g.Wide) > 0 {
		lines = append(lines, "Resource not narrowed (the trail showed more resources than events.json keeps): "+strings.Join(g.Wide, ", "))
	}
	return strings.Join(lines, "\n")
}

// encodeJSON is json.MarshalIndent with a final newline, HTML left alone.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

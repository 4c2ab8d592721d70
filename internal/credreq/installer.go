package credreq

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// LoadPolicyFile reads an IAM identity policy such as the installer's
// aws-permissions-policy-creds.json, as strictly as IAM accepts one (see
// ParsePolicy). An empty file or `{}` is a policy without statements: "no
// installer policy", not an error. Errors are *FileError naming file and
// line.
func LoadPolicyFile(path string) (*policy.Policy, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, &FileError{File: path, Err: err}
	}
	return ParsePolicy(path, data)
}

// ParsePolicy is LoadPolicyFile on data read from file. It reads with
// policy.Strict: besides what makes a document unreadable, an Effect
// other than Allow or Deny (case-sensitive), a statement without Action
// or NotAction or without Resource or NotResource, a malformed action or
// resource and an unknown element are errors.
func ParsePolicy(file string, data []byte) (*policy.Policy, error) {
	return parseIdentityPolicy(file, data, 0)
}

// parseIdentityPolicy parses data, which starts on line startLine+1 of
// file, into a strict identity policy named by file's base name.
func parseIdentityPolicy(file string, data []byte, startLine int) (*policy.Policy, error) {
	name := filepath.Base(file)
	if isEmptyDocument(data) {
		return &policy.Policy{Name: name, Type: policy.TypeIdentity}, nil
	}
	p, err := policy.ParsePolicy(data, policy.ParseOptions{Type: policy.TypeIdentity, Strictness: policy.Strict, Name: name})
	if err != nil {
		fe := &FileError{File: file, Err: err}
		var pe *policy.PolicyError
		if errors.As(err, &pe) {
			fe.Err = errors.New(strictMessage(strings.TrimPrefix(pe.Error(), fmt.Sprintf("line %d: ", pe.Line))))
			if pe.Line > 0 {
				fe.Line = startLine + pe.Line
			}
		}
		return nil, fe
	}
	return p, nil
}

// isEmptyDocument tells an empty file, `{}` or a document whose Statement
// is an empty list, which CI steps write when they had no policy.
func isEmptyDocument(data []byte) bool {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return true
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return false
	}
	if len(m) == 0 {
		return true
	}
	st, ok := m["Statement"]
	return ok && string(bytes.Join(bytes.Fields(st), nil)) == "[]"
}

// InstanceRole is a role the installer creates for cluster machines, with
// its inline policy.
type InstanceRole struct {
	// Key is how the policies file names it: "<infraID>-master-role".
	Key string
	// Suffix follows the infra ID in the role's name: "-master-role".
	Suffix string
	// Policy is the inline policy.
	Policy *policy.Policy
	// Note says when the role applies, if only to some releases.
	Note string
}

// builtinInstanceRoles is a copy of shared/data/installer/instance-role-policies.json.
//
//go:embed instance-role-policies.json
var builtinInstanceRoles []byte

// BuiltinInstanceRolesName names the compiled-in policies in reports.
const BuiltinInstanceRolesName = "builtin:instance-role-policies.json"

// BuiltinInstanceRoles returns the compiled-in instance-role policies.
func BuiltinInstanceRoles() []InstanceRole {
	roles, err := ParseInstanceRoles(BuiltinInstanceRolesName, builtinInstanceRoles)
	if err != nil {
		panic(err) // tested; the file is part of the binary
	}
	return roles
}

// LoadInstanceRoles reads a file in the format of the compiled-in one.
func LoadInstanceRoles(path string) ([]InstanceRole, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, &FileError{File: path, Err: err}
	}
	return ParseInstanceRoles(path, data)
}

// infraPlaceholder stands for the infra ID in the policies file's keys.
const infraPlaceholder = "<infraID>"

// ParseInstanceRoles reads {"<infraID>-master-role": {"PolicyDocument":
// {...}}, ...}; keys starting with "_" are comments.
func ParseInstanceRoles(file string, data []byte) ([]InstanceRole, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, &FileError{File: file, Err: err}
	}
	var roles []InstanceRole
	for key, v := range raw {
		if strings.HasPrefix(key, "_") {
			continue
		}
		suffix, ok := strings.CutPrefix(key, infraPlaceholder)
		if !ok || suffix == "" {
			return nil, &FileError{File: file, Line: keyLine(data, key), Err: fmt.Errorf("role %q: want a name of the form %s-<role>", key, infraPlaceholder)}
		}
		var entry struct {
			PolicyDocument json.RawMessage `json:"PolicyDocument"`
			OnlyUntil      string          `json:"onlyUntil"`
		}
		if err := json.Unmarshal(v, &entry); err != nil {
			return nil, &FileError{File: file, Line: keyLine(data, key), Err: fmt.Errorf("role %q: %w", key, err)}
		}
		if len(entry.PolicyDocument) == 0 {
			return nil, &FileError{File: file, Line: keyLine(data, key), Err: fmt.Errorf("role %q has no PolicyDocument", key)}
		}
		start := 0
		if off := bytes.Index(data, entry.PolicyDocument); off >= 0 {
			start = bytes.Count(data[:off], []byte{'\n'})
		}
		pol, err := parseIdentityPolicy(file, entry.PolicyDocument, start)
		if err != nil {
			fe := err.(*FileError)
			if fe.Line == 0 {
				fe.Line = keyLine(data, key)
			}
			fe.Err = fmt.Errorf("role %q: %w", key, fe.Err)
			return nil, fe
		}
		pol.Name = key
		roles = append(roles, InstanceRole{Key: key, Suffix: suffix, Policy: pol, Note: entry.OnlyUntil})
	}
	sort.Slice(roles, func(i, j int) bool { return roles[i].Key < roles[j].Key })
	return roles, nil
}

// keyLine finds the line of a top-level key, for error messages.
func keyLine(data []byte, key string) int {
	i := bytes.Index(data, []byte(strconv.Quote(key)))
	if i < 0 {
		return 0
	}
	return bytes.Count(data[:i], []byte{'\n'}) + 1
}

// lenientReadings end the policy parser's messages for content it would
// read literally when lenient; a strict reader refuses that content, so the
// reading is cut from the message.
var lenientReadings = []string{": matches nothing", ": matches no action", "; read as ", ": the statement matches no action", "; ignored", "; the last one counts"}

func strictMessage(msg string) string {
	for _, r := range lenientReadings {
		if i := strings.LastIndex(msg, r); i > 0 {
			return msg[:i]
		}
	}
	return msg
}

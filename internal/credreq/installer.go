package credreq

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// LoadPolicyFile reads an IAM policy document such as the installer's
// aws-permissions-policy-creds.json. An empty file or `{}` is a document
// without statements: "no installer policy", not an error. Errors are
// *FileError naming file and line.
func LoadPolicyFile(path string) (*policy.Document, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, &FileError{File: path, Err: err}
	}
	return ParsePolicy(path, data)
}

// ParsePolicy is LoadPolicyFile on data read from file.
func ParsePolicy(file string, data []byte) (*policy.Document, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return &policy.Document{}, nil
	}
	d, err := policy.ParseDocument(data)
	if err != nil {
		fe := &FileError{File: file, Err: err}
		var pe *policy.ParseError
		if errors.As(err, &pe) {
			fe.Line, fe.Err = pe.Line, pe.Err
		}
		return nil, fe
	}
	for i := range d.Statement {
		d.Statement[i].Effect = canonicalEffect(d.Statement[i].Effect)
	}
	return d, nil
}

// InstanceRole is a role the installer creates for cluster machines, with
// its inline policy.
type InstanceRole struct {
	// Key is how the policies file names it: "<infraID>-master-role".
	Key string
	// Suffix follows the infra ID in the role's name: "-master-role".
	Suffix string
	// Statements are the inline policy's statements.
	Statements []policy.Statement
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
		doc, err := policy.ParseDocument(entry.PolicyDocument)
		if err != nil {
			return nil, &FileError{File: file, Line: keyLine(data, key), Err: fmt.Errorf("role %q: %w", key, err)}
		}
		roles = append(roles, InstanceRole{Key: key, Suffix: suffix, Statements: doc.Statement, Note: entry.OnlyUntil})
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

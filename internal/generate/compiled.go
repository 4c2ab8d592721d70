package generate

import (
	"encoding/json"
	"fmt"
	"os"
)

// Compiled is what generate reads of compare's compiled_users.json: the
// matched users. It is its own type so that generate does not depend on
// compare; docs/compare.md defines the fields.
type Compiled struct {
	Users map[string]*CompiledUser
}

// CompiledUser is one matched user of compiled_users.json.
type CompiledUser struct {
	Target         string   `json:"target"`
	CredRequestRef string   `json:"credRequestRef"`
	CredRequest    string   `json:"credRequest"`
	Required       []string `json:"required"`
	Unmapped       []string `json:"unmapped"`
	Implicit       []string `json:"implicitlyAllowed"`
	Diff           struct {
		Missing          []string          `json:"missing"`
		Extra            []string          `json:"extra"`
		UnsupportedCheck []string          `json:"unsupportedCheck"`
		Reasons          map[string]string `json:"unsupportedCheckReasons"`
	} `json:"diff"`
	Denied []struct {
		Action    string `json:"action"`
		ErrorCode string `json:"errorCode"`
		Cause     string `json:"cause"`
		Count     int64  `json:"count"`
	} `json:"denied"`
}

// TargetCredentialsRequest is the target of users matched to a request.
const TargetCredentialsRequest = "credentials-request"

// ParseCompiled reads compiled_users.json. The lists under "users"
// (unknown, notFound, ambiguous) are skipped, as are ambiguous entries.
func ParseCompiled(data []byte) (*Compiled, error) {
	var raw struct {
		Users map[string]json.RawMessage `json:"users"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	if raw.Users == nil {
		return nil, fmt.Errorf("no \"users\" object: not a compiled_users.json")
	}
	c := &Compiled{Users: map[string]*CompiledUser{}}
	for name, msg := range raw.Users {
		if len(msg) == 0 || msg[0] != '{' {
			continue // the unknown / notFound / ambiguous lists
		}
		u := &CompiledUser{}
		if err := json.Unmarshal(msg, u); err != nil {
			return nil, fmt.Errorf("user %q: %w", name, err)
		}
		if u.Target == "ambiguous" {
			continue
		}
		c.Users[name] = u
	}
	return c, nil
}

// ReadCompiled reads the compiled_users.json at path.
func ReadCompiled(path string) (*Compiled, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading compiled users: %w", err)
	}
	c, err := ParseCompiled(data)
	if err != nil {
		return nil, fmt.Errorf("reading compiled users %s: %w", path, err)
	}
	return c, nil
}

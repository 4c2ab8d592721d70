package rundiff

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/cloud-credentials-insights/cci/internal/credreq"
	"github.com/cloud-credentials-insights/cci/internal/events"
)

// Kinds of run input.
const (
	KindEvents   = "events"   // events.json of cci extract
	KindCompiled = "compiled" // compiled_users.json of cci compare
)

// compiledFile is compare's report file name (compare.CompiledUsersFile).
const compiledFile = "compiled_users.json"

// Input is one side of a diff of runs: its identities by name.
type Input struct {
	Path       string
	Kind       string
	Identities map[string]*Identity
	// Cluster is compare's cluster when the input says it.
	Cluster credreq.Cluster
}

// Identity is what a run knows of one identity, as sets of strings.
// Missing and Extra are nil for events.json, which has no diff.
type Identity struct {
	Name           string
	CredRequestRef string
	Target         string
	Required       map[string]bool
	Missing        map[string]bool
	Extra          map[string]bool
	Denied         map[string]bool  // "action errorCode (cause)"
	Counts         map[string]int64 // action -> calls (events.json)
}

// ReadRun reads path: a compiled_users.json or events.json file, or a
// directory holding one (compiled_users.json wins).
func ReadRun(path string) (*Input, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reading run: %w", err)
	}
	file := path
	if st.IsDir() {
		file = filepath.Join(path, compiledFile)
		if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
			file = filepath.Join(path, events.EventsFile)
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading run: %w", err)
	}
	r, err := ParseRun(data)
	if err != nil {
		return nil, fmt.Errorf("reading run %s: %w", file, err)
	}
	r.Path = file
	return r, nil
}

// ParseRun reads an events.json or a compiled_users.json, telling them
// apart by content: compiled_users.json has "cluster" and "users" objects.
func ParseRun(data []byte) (*Input, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, err
	}
	if top == nil {
		return nil, errors.New("not a JSON object")
	}
	if isObject(top["users"]) && isObject(top["cluster"]) {
		return parseCompiled(top)
	}
	var ids map[string]*events.Identity
	if err := json.Unmarshal(data, &ids); err != nil {
		return nil, fmt.Errorf("neither compiled_users.json nor events.json: %w", err)
	}
	r := &Input{Kind: KindEvents, Identities: map[string]*Identity{}}
	for name, id := range ids {
		if id == nil {
			continue
		}
		x := &Identity{Name: name, Required: map[string]bool{}, Denied: map[string]bool{}, Counts: map[string]int64{}}
		for action, a := range id.Events {
			if a == nil {
				a = &events.Action{}
			}
			for _, d := range a.Denied {
				act := d.Action
				if act == "" {
					act = action
				}
				x.Denied[denial(act, d.ErrorCode, d.Cause)] = true
			}
			if a.Permissionless {
				continue
			}
			x.Required[action] = true
			x.Counts[action] = a.Count
		}
		r.Identities[name] = x
	}
	return r, nil
}

func isObject(m json.RawMessage) bool { return len(m) > 0 && m[0] == '{' }

func denial(action, code, cause string) string {
	s := action + " " + code
	if cause != "" {
		s += " (" + cause + ")"
	}
	return s
}

// compiledUser is the part of a compiled_users.json user diff reads.
type compiledUser struct {
	Target         string   `json:"target"`
	CredRequestRef string   `json:"credRequestRef"`
	Required       []string `json:"required"`
	Diff           struct {
		Missing []string `json:"missing"`
		Extra   []string `json:"extra"`
	} `json:"diff"`
	Denied []struct {
		Action    string `json:"action"`
		ErrorCode string `json:"errorCode"`
		Cause     string `json:"cause"`
		Count     int64  `json:"count"`
	} `json:"denied"`
}

func parseCompiled(top map[string]json.RawMessage) (*Input, error) {
	var cluster struct {
		Name        string `json:"name"`
		InfraID     string `json:"infraID"`
		InfraPrefix string `json:"infraPrefix"`
	}
	if err := json.Unmarshal(top["cluster"], &cluster); err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	var users map[string]json.RawMessage
	if err := json.Unmarshal(top["users"], &users); err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	r := &Input{Kind: KindCompiled, Identities: map[string]*Identity{},
		Cluster: credreq.Cluster{Name: cluster.Name, InfraID: cluster.InfraID, InfraPrefix: cluster.InfraPrefix}}
	var unknown []string
	for name, msg := range users {
		if name == "unknown" {
			if err := json.Unmarshal(msg, &unknown); err != nil {
				return nil, fmt.Errorf("users.unknown: %w", err)
			}
			continue
		}
		if !isObject(msg) {
			continue // notFound, ambiguous: lists
		}
		var u compiledUser
		if err := json.Unmarshal(msg, &u); err != nil {
			return nil, fmt.Errorf("user %q: %w", name, err)
		}
		x := &Identity{Name: name, Target: u.Target, CredRequestRef: u.CredRequestRef,
			Required: set(u.Required), Missing: set(u.Diff.Missing), Extra: set(u.Diff.Extra), Denied: map[string]bool{}, Counts: map[string]int64{}}
		for _, d := range u.Denied {
			x.Denied[denial(d.Action, d.ErrorCode, d.Cause)] = true
			x.Counts["denied "+denial(d.Action, d.ErrorCode, d.Cause)] += d.Count
		}
		r.Identities[name] = x
	}
	for _, name := range unknown {
		if r.Identities[name] == nil {
			r.Identities[name] = &Identity{Name: name, Target: "unknown"}
		}
	}
	return r, nil
}

func set(ss []string) map[string]bool {
	m := make(map[string]bool, len(ss))
	for _, s := range ss {
		m[s] = true
	}
	return m
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

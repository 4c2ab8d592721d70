package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// EventsPath resolves what the user gave as events: an events.json file,
// or the output directory of extract holding one. It returns the file to
// read and the directory of its summary.json.
func EventsPath(path string) (file, dir string, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", "", fmt.Errorf("reading events: %w", err)
	}
	if !fi.IsDir() {
		return path, filepath.Dir(path), nil
	}
	file = filepath.Join(path, EventsFile)
	if _, err := os.Stat(file); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", "", fmt.Errorf("reading events: %s is a directory without %s (want the --output directory of cci extract, or the file)", path, EventsFile)
		}
		return "", "", fmt.Errorf("reading events: %w", err)
	}
	return file, path, nil
}

// ReadIdentities reads an events.json file: identities keyed by name. Null
// entries are kept as nil; the caller decides what they mean. A JSON file
// of another kind (file_status.json, summary.json, compare's reports, a
// CloudTrail log) is named as such (see Recognise).
func ReadIdentities(path string) (map[string]*Identity, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading events: %w", err)
	}
	var ids map[string]*Identity
	decodeErr := json.Unmarshal(data, &ids)
	if decodeErr == nil && hasEvents(ids) {
		return ids, nil
	}
	if kind := Recognise(data); kind != "" {
		return nil, fmt.Errorf("reading events %s: this is %s, not an events.json (give the events.json cci extract wrote, or its output directory)", path, kind)
	}
	if decodeErr == nil {
		return nil, fmt.Errorf("reading events %s: not an events.json: an entry has no \"events\" object", path)
	}
	return nil, fmt.Errorf("reading events %s: not an events.json: %w", path, decodeErr)
}

// hasEvents reports whether every non-null entry carries an "events"
// object, as extract and the legacy tool always wrote: an object of other
// objects (compiled_users.diff.json) decodes into Identity values too.
func hasEvents(ids map[string]*Identity) bool {
	for _, id := range ids {
		if id != nil && id.Events == nil {
			return false
		}
	}
	return true
}

// Recognise names the kind of a JSON file that is not an events.json:
// "a file_status.json written by cci extract" and so on, or "" when the
// shape is none cci knows. It looks at the shape only.
func Recognise(data []byte) string {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return ""
	}
	switch t := v.(type) {
	case []any:
		if len(t) == 0 {
			return ""
		}
		if m, ok := t[0].(map[string]any); ok && has(m, "file", "result", "stat") {
			return "a " + FileStatusFile + " written by cci extract"
		}
	case map[string]any:
		switch {
		case has(t, "objects", "records", "dataEventSources"):
			return "a " + SummaryFile + " written by cci extract"
		case has(t, "Records"):
			return "a CloudTrail log file (run cci extract on it first)"
		case has(t, "users", "summary", "requestsWithoutIdentity"):
			return "a compiled_users.json written by cci compare"
		case has(t, "kind", "spec") || has(t, "apiVersion", "kind"):
			return "a Kubernetes manifest (give CredentialsRequests to --credentials-requests-path)"
		}
		if len(t) == 0 {
			return ""
		}
		diff, requests := true, true
		for _, e := range t {
			m, ok := e.(map[string]any)
			if !ok {
				return ""
			}
			diff = diff && has(m, "missing", "extra")
			requests = requests && has(m, "kind", "spec")
		}
		switch {
		case diff:
			return "a compiled_users.diff.json written by cci compare"
		case requests:
			return "a credentials_requests.json written by cci compare"
		}
	}
	return ""
}

func has(m map[string]any, keys ...string) bool {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

// ReadSummary reads the summary.json in dir. found is false, with no
// error, when the file does not exist (older runs and the legacy tool
// wrote none).
func ReadSummary(dir string) (s *Summary, found bool, err error) {
	path := filepath.Join(dir, SummaryFile)
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("reading %s: %w", path, err)
	}
	s = &Summary{}
	if err := json.Unmarshal(data, s); err != nil {
		return nil, false, fmt.Errorf("reading %s: %w", path, err)
	}
	return s, true, nil
}

package compare

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// marshal writes v as deterministic JSON: sorted keys (encoding/json sorts
// maps), 2-space indent, no HTML escaping, trailing newline.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// shortDiff is compiled_users.diff.json: matched users only.
func shortDiff(rep *Report) map[string]ShortDiff {
	out := make(map[string]ShortDiff, len(rep.Users.ByName))
	for name, u := range rep.Users.ByName {
		if u.Target == "ambiguous" {
			continue
		}
		out[name] = ShortDiff{Missing: u.Diff.Missing, Extra: u.Diff.Extra, UnsupportedCheck: u.Diff.UnsupportedCheck}
	}
	return out
}

func writeOutputs(dir string, rep *Report, requests map[string]any) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating output directory: %w", err)
	}
	files := []struct {
		name string
		v    any
	}{
		{CredentialsRequestsFile, requests},
		{CompiledUsersDiffFile, shortDiff(rep)},
		{CompiledUsersFile, rep},
	}
	for _, f := range files {
		data, err := marshal(f.v)
		if err != nil {
			return fmt.Errorf("encoding %s: %w", f.name, err)
		}
		if err := writeAtomic(filepath.Join(dir, f.name), data); err != nil {
			return err
		}
	}
	return nil
}

// writeAtomic writes data to a temporary file beside path and renames it
// into place, so readers never see half a file.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp.Name(), 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, werr)
	}
	return nil
}

package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ReadIdentities reads an events.json file: identities keyed by name. Null
// entries are kept as nil; the caller decides what they mean.
func ReadIdentities(path string) (map[string]*Identity, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading events: %w", err)
	}
	defer f.Close()
	var ids map[string]*Identity
	if err := json.NewDecoder(f).Decode(&ids); err != nil {
		return nil, fmt.Errorf("reading events %s: %w", path, err)
	}
	return ids, nil
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

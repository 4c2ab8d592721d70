package compare

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cloud-credentials-insights/cci/internal/generate"
	"github.com/cloud-credentials-insights/cci/internal/jsonout"
)

// shortDiff is compiled_users.diff.json: matched users only.
func shortDiff(rep *Report) map[string]ShortDiff {
	out := make(map[string]ShortDiff, len(rep.Users.ByName))
	for name, u := range rep.Users.ByName {
		if u.Target == "ambiguous" {
			continue
		}
		out[name] = ShortDiff{CredRequestRef: u.CredRequestRef, Missing: u.Diff.Missing, Extra: u.Diff.Extra, UnsupportedCheck: u.Diff.UnsupportedCheck}
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
		if err := jsonout.WriteFile(filepath.Join(dir, f.name), f.v); err != nil {
			return err
		}
	}
	return generate.WriteSuggested(dir, suggestions(rep, requests))
}

// suggestions are the identities matched to a request, for
// suggested/<request file> (docs/compare.md).
func suggestions(rep *Report, requests map[string]any) []generate.SuggestInput {
	var out []generate.SuggestInput
	for name, u := range rep.Users.ByName {
		if m, ok := requests[u.CredRequestRef].(map[string]any); ok && u.Target == "credentials-request" {
			out = append(out, generate.SuggestInput{Identity: name, Ref: u.CredRequestRef, Manifest: m, Required: u.Required,
				Unmapped: u.Unmapped, Implicit: u.ImplicitlyAllowed, UnsupportedCheck: u.Diff.UnsupportedCheck, Reasons: u.Diff.Reasons})
		}
	}
	return out
}

package generate

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/rogpeppe/go-internal/diff"
)

// SuggestedDir is the directory compare writes suggestions into, inside
// its output directory.
const SuggestedDir = "suggested"

// SuggestInput is one identity compare matched to a CredentialsRequest,
// with what compare found.
type SuggestInput struct {
	Identity string
	// Ref is credRequestRef; Manifest the request as loaded
	// (credentials_requests.json holds the same).
	Ref      string
	Manifest map[string]any
	// Required, Unmapped, Implicit (implicitlyAllowed), UnsupportedCheck
	// and Reasons are compare's.
	Required         []string
	Unmapped         []string
	Implicit         []string
	UnsupportedCheck []string
	Reasons          map[string]string
}

// WriteSuggested writes, into dir/suggested, for every matched request a
// suggested request (SuggestedName of its Ref) holding the actions its
// identities used (missing ones added, extra ones removed) and the
// unsupportedCheck entries kept, and beside it a unified diff (".diff")
// against the original rendered the same way. It first removes what an
// earlier run left in dir/suggested. Identities sharing a
// request share one suggestion.
func WriteSuggested(dir string, ins []SuggestInput) error {
	byRef := map[string][]SuggestInput{}
	for _, in := range ins {
		byRef[in.Ref] = append(byRef[in.Ref], in)
	}
	out := filepath.Join(dir, SuggestedDir)
	// Suggestions of an earlier run would otherwise outlive their match.
	if err := os.RemoveAll(out); err != nil {
		return fmt.Errorf("clearing %s: %w", out, err)
	}
	for _, ref := range slices.Sorted(maps.Keys(byRef)) {
		group := byRef[ref]
		r, err := requestOf(ref, group[0].Manifest)
		if err != nil {
			return fmt.Errorf("suggesting request %s: %w", ref, err)
		}
		inputs := make([]Input, 0, len(group))
		for _, s := range group {
			inputs = append(inputs, Input{Identity: s.Identity, Required: s.Required, Unmapped: s.Unmapped, Implicit: s.Implicit, Ref: ref,
				Statements: r.Policy.Views(), UnsupportedCheck: s.UnsupportedCheck, Reasons: s.Reasons})
		}
		g := Build(false, inputs...)
		suggested, err := RenderRequest(r.Manifest, g.Entries, headComment(g))
		if err != nil {
			return fmt.Errorf("suggesting request %s: %w", ref, err)
		}
		original, err := RenderRequest(r.Manifest, entriesOf(r.Policy.Views()), "")
		if err != nil {
			return fmt.Errorf("suggesting request %s: %w", ref, err)
		}
		name := SuggestedName(ref)
		path := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
		}
		if err := os.WriteFile(path, suggested, 0o644); err != nil {
			return fmt.Errorf("writing suggestion: %w", err)
		}
		d := diff.Diff("a/"+name, original, "b/"+name, suggested)
		if err := os.WriteFile(path+".diff", d, 0o644); err != nil {
			return fmt.Errorf("writing suggestion diff: %w", err)
		}
	}
	return nil
}

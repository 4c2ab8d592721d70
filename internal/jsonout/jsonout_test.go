package jsonout

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type entry struct {
	Name  string            `json:"name"`
	Tags  []string          `json:"tags,omitempty"`
	Attrs map[string]string `json:"attrs,omitempty"`
	HTML  string            `json:"html"`
}

type custom struct{}

func (custom) MarshalJSON() ([]byte, error) { return []byte(`{"b":1,"a":[1,2]}`), nil }

type ptrMarshaler struct{ N int }

func (p *ptrMarshaler) MarshalJSON() ([]byte, error) { return []byte(`"custom"`), nil }

// Encode must write exactly what an indented json.Encoder writes, whether
// it streams the value or not.
func TestEncodeMatchesEncoder(t *testing.T) {
	cases := map[string]any{
		"slice":       []entry{{Name: "a", Tags: []string{"x", "y"}, HTML: "<&>"}, {Name: "b", Attrs: map[string]string{"z": "1", "a": "2"}}},
		"empty slice": []entry{},
		"nil slice":   []entry(nil),
		"map":         map[string]*entry{"zeta": {Name: "z"}, "alpha": {Name: "a", HTML: "a&b"}, "\u00e9": nil},
		"empty map":   map[string]int{},
		"nil map":     map[string]int(nil),
		"int map":     map[int]string{2: "b", 10: "a"},
		"struct":      entry{Name: "s"},
		"marshaler":   custom{},
		"nested":      map[string][]map[string]int{"k": {{"b": 2, "a": 1}}},
		"nil":         nil,
		"bytes":       []byte("hi"),
		"ptr methods": []ptrMarshaler{{1}, {2}},
		"map of ptr":  map[string]ptrMarshaler{"a": {1}},
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(v); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := Encode(&got, v); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("got\n%s\nwant\n%s", got.String(), want.String())
			}
		})
	}
}

func TestWriteFileReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []int{1}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "[\n  1\n]\n" {
		t.Errorf("file = %q, %v", b, err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v", st.Mode())
	}
	if err := WriteFile(path, func() {}); err == nil {
		t.Error("unencodable value: no error")
	}
	if b, _ := os.ReadFile(path); string(b) != "[\n  1\n]\n" {
		t.Errorf("failed write changed the file: %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "x.json"), 1); err == nil {
		t.Error("no error for a missing directory")
	}
}

// WriteSeq writes exactly what WriteFile writes for the same elements as a
// slice, and leaves the file alone when the sequence fails.
func TestWriteSeqMatchesWriteFile(t *testing.T) {
	lists := map[string][]entry{
		"empty": {},
		"one":   {{Name: "a", HTML: "<&>"}},
		"three": {{Name: "a", Tags: []string{"x"}}, {Name: "b", Attrs: map[string]string{"z": "1", "a": "2"}}, {Name: "c"}},
	}
	for name, list := range lists {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := WriteFile(filepath.Join(dir, "want.json"), list); err != nil {
				t.Fatal(err)
			}
			seq := func(yield func(*entry, error) bool) {
				for i := range list {
					if !yield(&list[i], nil) {
						return
					}
				}
			}
			if err := WriteSeq(filepath.Join(dir, "got.json"), seq); err != nil {
				t.Fatal(err)
			}
			want, _ := os.ReadFile(filepath.Join(dir, "want.json"))
			got, _ := os.ReadFile(filepath.Join(dir, "got.json"))
			if !bytes.Equal(got, want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
	t.Run("failing sequence", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "out.json")
		if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		seq := func(yield func(*entry, error) bool) {
			if yield(&entry{Name: "a"}, nil) {
				yield(nil, errors.New("disk on fire"))
			}
		}
		if err := WriteSeq(path, seq); err == nil || !strings.Contains(err.Error(), "disk on fire") {
			t.Errorf("err = %v, want the sequence's error", err)
		}
		if b, _ := os.ReadFile(path); string(b) != "old" {
			t.Errorf("failed write changed the file: %q", b)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 1 {
			t.Errorf("temporary files left: %v", ents)
		}
	})
}

func encoderString(t *testing.T, v any, prefix string) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", `q"b\`, "\x00\x01\x1f\x7f", "\b\f\n\r\t", "<&>", "é✓😀", "\xff\xfe", "a\u2028b\u2029c", "\xed\xa0\x80", "trunc\xe2\x9c"} {
		if got, want := string(AppendString(nil, s)), encoderString(t, s, ""); got != want {
			t.Errorf("AppendString(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", `q"b\`, "\x00\u2028", "\xff", "é✓"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendString([]byte("x"), s)), "x"+encoderString(t, s, ""); got != want {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
	})
}

// appender encodes itself by hand; WriteSeq must use it.
type appender struct{ N int }

func (a *appender) AppendIndentJSON(b []byte, prefix string) []byte {
	return append(b, fmt.Sprintf("{\n%s  \"n\": %d\n%s}", prefix, a.N, prefix)...)
}

func TestWriteSeqUsesAppender(t *testing.T) {
	dir := t.TempDir()
	list := []appender{{1}, {2}}
	seq := func(yield func(*appender, error) bool) {
		for i := range list {
			if !yield(&list[i], nil) {
				return
			}
		}
	}
	if err := WriteSeq(filepath.Join(dir, "got.json"), seq); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(filepath.Join(dir, "want.json"), []map[string]int{{"n": 1}, {"n": 2}}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "got.json"))
	want, _ := os.ReadFile(filepath.Join(dir, "want.json"))
	if !bytes.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestEncodeMapUsesAppender: a map's values encode themselves when they
// can (appender writes "n" where encoding/json would write "N"), and a
// nil one is null.
func TestEncodeMapUsesAppender(t *testing.T) {
	var got, want bytes.Buffer
	if err := Encode(&got, map[string]*appender{"b\"<": {2}, "a": {1}, "c": nil}); err != nil {
		t.Fatal(err)
	}
	if err := Encode(&want, map[string]any{"b\"<": map[string]int{"n": 2}, "a": map[string]int{"n": 1}, "c": nil}); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("got\n%s\nwant\n%s", got.String(), want.String())
	}
}

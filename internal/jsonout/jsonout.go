// Package jsonout writes cci's JSON outputs: indented by two spaces, map
// keys sorted, no HTML escaping, a trailing newline, and files replaced
// atomically. Top-level lists and string-keyed maps are encoded one entry at
// a time, so a large output is never held in memory whole; the bytes are
// those json.Encoder with SetIndent("", "  ") would write.
package jsonout

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"unicode/utf8"
)

// Encode writes v to w.
func Encode(w io.Writer, v any) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := encode(bw, v); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteFile writes v to path atomically: a reader sees the old file or the
// new one, never half of one.
func WriteFile(path string, v any) error {
	return writeAtomic(path, func(w io.Writer) error { return Encode(w, v) })
}

// WriteSeq writes the elements seq yields to path, atomically, as the list
// WriteFile would write for a slice of them, one element at a time: the
// list is never held in memory. An error from seq stops the writing, and
// path is left as it was.
func WriteSeq[T any](path string, seq iter.Seq2[*T, error]) error {
	return writeAtomic(path, func(out io.Writer) error {
		w := bufio.NewWriterSize(out, 64<<10)
		var scratch bytes.Buffer
		var appended []byte
		n := 0
		for v, err := range seq {
			if err != nil {
				return err
			}
			if n == 0 {
				w.WriteString("[\n  ")
			} else {
				w.WriteString(",\n  ")
			}
			if a, ok := any(v).(IndentAppender); ok {
				appended = a.AppendIndentJSON(appended[:0], "  ")
				w.Write(appended)
			} else if err := indented(w, &scratch, "  ", v); err != nil {
				return err
			}
			n++
		}
		if n == 0 {
			w.WriteString("[]\n")
		} else {
			w.WriteString("\n]\n")
		}
		return w.Flush()
	})
}

// IndentAppender is implemented by list elements and map values that
// encode themselves faster than encoding/json, for outputs of many
// entries. The bytes must be those of an indented json.Encoder (two
// spaces, no HTML escaping) for the element inside a list, or the value
// inside a map, at prefix, without a trailing newline. A nil pointer is
// written as encoding/json writes it, without the method.
type IndentAppender interface {
	AppendIndentJSON(dst []byte, prefix string) []byte
}

// AppendString appends s as encoding/json writes a string with HTML
// escaping off: quotes, backslashes and control characters escaped
// (\b \f \n \r \t short, the rest \u00XX), invalid UTF-8 as \ufffd, and
// U+2028 and U+2029 escaped.
func AppendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func writeAtomic(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return fmt.Errorf("encoding %s: %w", filepath.Base(path), err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

var marshalerType = reflect.TypeFor[json.Marshaler]()

func encode(w *bufio.Writer, v any) error {
	var scratch bytes.Buffer
	if !streamable(reflect.ValueOf(v)) {
		if err := indented(w, &scratch, "", v); err != nil {
			return err
		}
		return w.WriteByte('\n')
	}
	rv := reflect.ValueOf(v)
	if rv.Len() == 0 {
		if rv.Kind() == reflect.Slice {
			_, err := w.WriteString("[]\n")
			return err
		}
		_, err := w.WriteString("{}\n")
		return err
	}
	if rv.Kind() == reflect.Slice {
		w.WriteString("[\n")
		for i := range rv.Len() {
			w.WriteString("  ")
			// Slice elements are addressable, so encoding/json sees them
			// through a pointer too; taking it avoids a copy per entry.
			if err := indented(w, &scratch, "  ", rv.Index(i).Addr().Interface()); err != nil {
				return err
			}
			endEntry(w, i, rv.Len())
		}
		_, err := w.WriteString("]\n")
		return err
	}
	keys := rv.MapKeys()
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	w.WriteString("{\n")
	var appended []byte
	for i, k := range keys {
		w.WriteString("  ")
		w.Write(AppendString(appended[:0], k.String()))
		w.WriteString(": ")
		v := rv.MapIndex(k).Interface()
		if a, ok := v.(IndentAppender); ok && !isNilPointer(v) {
			appended = a.AppendIndentJSON(appended[:0], "  ")
			w.Write(appended)
		} else if err := indented(w, &scratch, "  ", v); err != nil {
			return err
		}
		endEntry(w, i, len(keys))
	}
	_, err := w.WriteString("}\n")
	return err
}

// isNilPointer reports whether v is a nil pointer (in an interface).
func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// streamable reports whether v is a non-nil list or string-keyed map that
// encodes entry by entry ([]byte is a base64 string, a Marshaler its own).
func streamable(v reflect.Value) bool {
	if !v.IsValid() || v.Type().Implements(marshalerType) {
		return false
	}
	switch v.Kind() {
	case reflect.Slice:
		return !v.IsNil() && v.Type().Elem().Kind() != reflect.Uint8
	case reflect.Map:
		return !v.IsNil() && v.Type().Key().Kind() == reflect.String
	}
	return false
}

func endEntry(w *bufio.Writer, i, n int) {
	if i < n-1 {
		w.WriteByte(',')
	}
	w.WriteByte('\n')
}

// indented writes v as json.Encoder would inside a document indented at
// prefix, without the trailing newline. buf is scratch space, reused.
func indented(w *bufio.Writer, buf *bytes.Buffer, prefix string, v any) error {
	buf.Reset()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return err
}

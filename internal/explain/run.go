package explain

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

// Run explains opts.Input (or checks opts.Token) and prints the report in
// opts.Format to stdout; diagnostics go to stderr. Bad input is a runtime
// error naming the file.
func Run(ctx context.Context, opts Options, stdout, stderr io.Writer) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	if opts.Token != "" {
		rep, err := checkToken(ctx, opts, stderr)
		if err != nil {
			return err
		}
		return write(stdout, opts.Format, rep, rep.printText)
	}
	rep, err := explainRefusal(opts, stderr)
	if err != nil {
		return err
	}
	return write(stdout, opts.Format, rep, rep.printText)
}

func write(w io.Writer, format string, v any, text func(io.Writer) error) error {
	var err error
	if format == FormatJSON {
		b, merr := json.MarshalIndent(v, "", "  ")
		if merr != nil {
			return fmt.Errorf("encoding the report: %w", merr)
		}
		_, err = w.Write(append(b, '\n'))
	} else {
		err = text(w)
	}
	if err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}

// readInput reads name ("-" is stdin) up to limit bytes.
func readInput(name string, stdin io.Reader, limit int64) ([]byte, error) {
	var r io.Reader
	if name == Stdin {
		if stdin == nil {
			stdin = os.Stdin
		}
		r = stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, exit.Errorf(exit.Runtime, "reading %s: %w", name, err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", displayName(name), err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("reading %s: over %d bytes", displayName(name), limit)
	}
	return b, nil
}

func displayName(name string) string {
	if name == Stdin {
		return "stdin"
	}
	return name
}

func warnf(w io.Writer, level, format string, args ...any) {
	fmt.Fprintf(w, "cci: %s: %s\n", level, fmt.Sprintf(format, args...))
}

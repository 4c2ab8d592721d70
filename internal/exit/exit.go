// Package exit holds cci's exit-code contract with CI (DESIGN.md section 8)
// and the error type that carries a code from a command to main.
package exit

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"
)

// Exit codes. They are a contract with CI scripts: never renumber them.
const (
	OK          = 0   // success
	Runtime     = 1   // runtime error
	Usage       = 2   // usage error: bad flags or arguments
	Findings    = 3   // findings matched --fail-on
	Partial     = 4   // some inputs unreadable; a partial result was written
	WaitTimeout = 5   // --wait-strict and the awaited record never arrived
	Interrupted = 130 // SIGINT (128 + 2)
	Terminated  = 143 // SIGTERM (128 + 15)
)

// Common are the codes every command can return; a command's help adds
// the ones it declares.
var Common = []int{OK, Runtime, Usage, Interrupted, Terminated}

var meanings = map[int]string{
	OK:          "ok",
	Runtime:     "runtime error",
	Usage:       "usage error: a bad flag or value, a missing required flag or input path",
	Findings:    "findings matched --fail-on",
	Partial:     "some inputs were unreadable or skipped; a partial result was written",
	WaitTimeout: "--wait-strict: the awaited CloudTrail record did not arrive in time",
	Interrupted: "interrupted by SIGINT (Ctrl-C)",
	Terminated:  "terminated by SIGTERM (a CI step timeout sends it)",
}

// Meaning is a one-line description of code for help and docs, or "" for
// a code outside the contract.
func Meaning(code int) string { return meanings[code] }

// Error carries an exit code alongside the error that caused it.
type Error struct {
	Code int
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code int, format string, args ...any) error {
	return &Error{Code: code, Err: fmt.Errorf(format, args...)}
}

// Signal returns the error a run stopped by sig ends with: "interrupted
// by SIGINT" with code 130, "interrupted by SIGTERM" with 143, and
// 128 + the signal number for any other signal.
func Signal(sig os.Signal) error {
	name, code := sig.String(), Interrupted
	if s, ok := sig.(syscall.Signal); ok {
		code = 128 + int(s)
		switch s {
		case syscall.SIGINT:
			name = "SIGINT"
		case syscall.SIGTERM:
			name = "SIGTERM"
		}
	}
	return &Error{Code: code, Err: fmt.Errorf("interrupted by %s", name)}
}

// Code maps err to an exit code: nil is OK, an *Error anywhere in the chain
// gives its code, anything else is Runtime.
func Code(err error) int {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Runtime
}

// ParseFailOn reads the values of a --fail-on flag: each a kind or a comma
// list of kinds, without regard to case; "all" stands for every kind of
// kinds and "none" (or nothing) for none. It returns the kinds named,
// sorted and without repeats, or an error naming the first unknown one.
func ParseFailOn(values, kinds []string) ([]string, error) {
	var out []string
	for _, v := range values {
		for _, k := range strings.Split(v, ",") {
			switch k = strings.ToLower(strings.TrimSpace(k)); {
			case k == "" || k == "none":
			case k == "all":
				out = append(out, kinds...)
			case slices.Contains(kinds, k):
				out = append(out, k)
			default:
				return nil, fmt.Errorf("--fail-on %q: want a comma list of %s, or all", k, strings.Join(kinds, ", "))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

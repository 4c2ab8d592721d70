// Package exit holds cci's exit-code contract with CI (DESIGN.md section 8)
// and the error type that carries a code from a command to main.
package exit

import (
	"errors"
	"fmt"
)

// Exit codes. They are a contract with CI scripts: never renumber them.
const (
	OK          = 0 // success
	Runtime     = 1 // runtime error
	Usage       = 2 // usage error: bad flags or arguments
	Findings    = 3 // findings matched --fail-on
	Partial     = 4 // some inputs unreadable; a partial result was written
	WaitTimeout = 5 // --wait-strict and the awaited record never arrived
)

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

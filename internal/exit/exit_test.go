package exit

import (
	"errors"
	"fmt"
	"syscall"
	"testing"
)

func TestCode(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, OK},
		{"plain", errors.New("x"), Runtime},
		{"usage", Errorf(Usage, "bad"), Usage},
		{"wrapped", fmt.Errorf("reading: %w", Errorf(Partial, "x")), Partial},
		{"sigint", Signal(syscall.SIGINT), Interrupted},
		{"sigterm", Signal(syscall.SIGTERM), Terminated},
		{"sighup", Signal(syscall.SIGHUP), 129},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Code(tc.err); got != tc.want {
				t.Errorf("Code(%v) = %d, want %d", tc.err, got, tc.want)
			}
		})
	}
}

func TestSignalMessage(t *testing.T) {
	if got := Signal(syscall.SIGTERM).Error(); got != "interrupted by SIGTERM" {
		t.Errorf("got %q", got)
	}
}

// Every code a command can declare has a meaning for its help.
func TestMeaning(t *testing.T) {
	for _, code := range []int{OK, Runtime, Usage, Findings, Partial, WaitTimeout, Interrupted, Terminated} {
		if Meaning(code) == "" {
			t.Errorf("code %d has no meaning", code)
		}
	}
	if Meaning(42) != "" {
		t.Error("code 42 has a meaning")
	}
}

func TestParseFailOn(t *testing.T) {
	kinds := []string{"denied", "missing"}
	tests := []struct {
		in      []string
		want    string
		wantErr string
	}{
		{nil, "[]", ""},
		{[]string{"missing,Denied", "missing"}, "[denied missing]", ""},
		{[]string{"all"}, "[denied missing]", ""},
		{[]string{"none", " "}, "[]", ""},
		{[]string{"denied,extra"}, "", `--fail-on "extra": want a comma list of denied, missing, or all`},
	}
	for _, tt := range tests {
		got, err := ParseFailOn(tt.in, kinds)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseFailOn(%q) error %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || fmt.Sprint(got) != tt.want {
			t.Errorf("ParseFailOn(%q) = %v, %v, want %s", tt.in, got, err, tt.want)
		}
	}
}

package generate

import (
	"errors"
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/exit"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		ok   bool
	}{
		{"events only", Options{EventsPath: "e"}, true},
		{"no events", Options{}, false},
		{"bad format", Options{EventsPath: "e", Format: "yaml"}, false},
		{"request without compiled", Options{EventsPath: "e", Format: FormatCredentialsRequest}, false},
		{"request with compiled", Options{EventsPath: "e", Format: FormatCredentialsRequest, Compiled: "c"}, true},
		{"manifests without compiled", Options{EventsPath: "e", CredentialsRequestsPath: "d"}, false},
		{"empty identity", Options{EventsPath: "e", Identities: []string{""}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			if tt.ok {
				if err != nil {
					t.Errorf("Validate() = %v", err)
				}
				return
			}
			var ee *exit.Error
			if !errors.As(err, &ee) || ee.Code != exit.Usage {
				t.Errorf("Validate() = %v, want a usage error", err)
			}
		})
	}
}

func TestSuggestedName(t *testing.T) {
	for ref, want := range map[string]string{
		"00-ingress.yaml":  "00-ingress.yaml",
		"sub/multi.yaml#2": "sub/multi-2.yaml",
		"noext#1":          "noext-1",
	} {
		if got := SuggestedName(ref); got != want {
			t.Errorf("SuggestedName(%q) = %q, want %q", ref, got, want)
		}
	}
}

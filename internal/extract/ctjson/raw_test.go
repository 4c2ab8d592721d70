package ctjson

import "testing"

func TestAuthenticationMethod(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{``, ""},
		{`{"SignatureVersion":"SigV4","AuthenticationMethod":"QueryString"}`, "QueryString"},
		{`{"AuthenticationMethod":5}`, ""},
		{`"text"`, ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := AuthenticationMethod(RawJSON(tc.in)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

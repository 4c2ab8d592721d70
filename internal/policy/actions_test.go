package policy

import (
	"slices"
	"strings"
	"testing"
)

func TestServiceActions(t *testing.T) {
	for _, prefix := range []string{"ec2", "EC2", "s3", "sts", "a2c"} {
		t.Run(prefix, func(t *testing.T) {
			got := ServiceActions(prefix)
			var want []string
			for _, a := range canonicalActions {
				if strings.EqualFold(strings.SplitN(a, ":", 2)[0], prefix) {
					want = append(want, a)
				}
			}
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("ServiceActions(%q): %d actions, want %d", prefix, len(got), len(want))
			}
		})
	}
	if got := ServiceActions("nosuchservice"); len(got) != 0 {
		t.Errorf("unknown prefix: got %v", got)
	}
	// "s3" must not take in "s3-object-lambda" or "s3express".
	for _, a := range ServiceActions("s3") {
		if !strings.HasPrefix(a, "s3:") {
			t.Errorf("ServiceActions(s3) holds %s", a)
		}
	}
}

func TestExpand(t *testing.T) {
	tests := []struct {
		pattern string
		check   func([]string) bool
	}{
		{"ec2:runinstances", func(got []string) bool { return slices.Equal(got, []string{"ec2:RunInstances"}) }},
		{"ec2:NoSuchThing", func(got []string) bool { return len(got) == 0 }},
		{"ec2:Describe*", func(got []string) bool {
			return len(got) > 100 && slices.Contains(got, "ec2:DescribeInstances") && !slices.Contains(got, "ec2:RunInstances")
		}},
		{"*:GetCallerIdentity", func(got []string) bool { return slices.Equal(got, []string{"sts:GetCallerIdentity"}) }},
		{"kms:ReEncrypt*", func(got []string) bool {
			return slices.Equal(got, []string{"kms:ReEncryptFrom", "kms:ReEncryptTo"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			if got := Expand(tt.pattern); !tt.check(got) {
				t.Errorf("Expand(%q) = %v", tt.pattern, got)
			}
		})
	}
}

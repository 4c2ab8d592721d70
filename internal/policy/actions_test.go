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
			for _, a := range AllActions() {
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

func TestExpandFamily(t *testing.T) {
	got := Expand("ec2:Describe*")
	if len(got) < 100 || !slices.Contains(got, "ec2:DescribeInstances") || slices.Contains(got, "ec2:RunInstances") {
		t.Errorf("Expand(ec2:Describe*) = %d actions: %v", len(got), got)
	}
}

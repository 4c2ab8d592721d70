package policy

import (
	"testing"
	"unicode/utf8"
)

// refMatch is the obvious regexp translation of an IAM pattern, to check
// the evaluator's action matcher against.
func refMatch(pattern, action string) bool {
	return refRegexp("(?is)", pattern).MatchString(action)
}

func FuzzMatchAction(f *testing.F) {
	for _, s := range [][2]string{
		{"ec2:Describe*", "ec2:DescribeInstances"},
		{"s3:?etObject", "s3:GetObject"},
		{"a*b*c", "abxbxc"},
		{"*", ""},
		{"K*?", "kms:x"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, action string) {
		if len(pattern) > 64 || len(action) > 256 || !utf8.ValidString(pattern) || !utf8.ValidString(action) {
			return
		}
		// The reference folds Unicode case; MatchAction folds ASCII only, as
		// IAM action names are ASCII.
		if !isASCII(pattern) || !isASCII(action) {
			MatchAction(pattern, action)
			return
		}
		if got, want := MatchAction(pattern, action), refMatch(pattern, action); got != want {
			t.Fatalf("MatchAction(%q, %q) = %v, regexp says %v", pattern, action, got, want)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

package policy

import (
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, action string
		want            bool
	}{
		{"ec2:DescribeInstances", "ec2:DescribeInstances", true},
		{"ec2:describeinstances", "EC2:DescribeInstances", true},
		{"ec2:Describe*", "ec2:DescribeInstances", true},
		{"ec2:Describe*", "ec2:Describe", true},
		{"ec2:Describe*", "ec2:RunInstances", false},
		{"ec2:*", "ec2:RunInstances", true},
		{"*", "s3:GetObject", true},
		{"*", "", true},
		{"", "", true},
		{"", "s3:GetObject", false},
		{"s3:Get*", "s3:getobject", true},
		{"kms:ReEncrypt*", "kms:ReEncryptFrom", true},
		{"kms:ReEncrypt*", "kms:ReEncrypt", true},
		{"kms:GenerateDataKeyWithoutPlainText", "kms:GenerateDataKeyWithoutPlaintext", true},
		{"s3:?etObject", "s3:GetObject", true},
		{"s3:?etObject", "s3:etObject", false},
		{"s3:Get?bject", "s3:GetObject", true},
		{"s3:*Object", "s3:GetObject", true},
		{"s3:*Object", "s3:GetObjectAcl", false},
		{"s3:*Object*", "s3:GetObjectAcl", true},
		{"s3:*O*b*j*e*c*t", "s3:PutObject", true},
		{"iam:*Role*", "iam:PassRole", true},
		{"iam:*Role*", "iam:GetUser", false},
		{"ec2:*Tags", "ec2:CreateTags", true},
		{"ec2:Create*Tags", "ec2:CreateTags", true},
		{"a*b*c", "abxbxc", true},
		{"a*b*c", "abxbxcx", false},
		{"??", "ab", true},
		{"??", "a", false},
		{"?", "é", true}, // one character, two bytes
		{"**", "x", true},
		{"ec2:Describe*", "ec2:describeinstances", true},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.action); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.action, got, tt.want)
		}
	}
}

// TestMatchNoBacktrackingBlowUp would take ages with a naive recursive
// matcher.
func TestMatchNoBacktrackingBlowUp(t *testing.T) {
	pattern := strings.Repeat("a*", 200) + "b"
	action := strings.Repeat("a", 5000)
	if Match(pattern, action) {
		t.Fatal("matched without a b")
	}
}

func TestIsWildcard(t *testing.T) {
	for s, want := range map[string]bool{"ec2:*": true, "s3:Get?bject": true, "iam:PassRole": false} {
		if IsWildcard(s) != want {
			t.Errorf("IsWildcard(%q) = %v", s, !want)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Match("elasticloadbalancing:Describe*", "elasticloadbalancing:DescribeTargetGroupAttributes")
	}
}

package policy

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// refMatch is the obvious regexp translation of an IAM pattern, to check
// Match against.
func refMatch(pattern, action string) bool {
	var b strings.Builder
	b.WriteString("(?is)^")
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String()).MatchString(action)
}

func FuzzMatch(f *testing.F) {
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
		// The reference folds Unicode case; Match folds ASCII only, as
		// IAM action names are ASCII.
		if !isASCII(pattern) || !isASCII(action) {
			Match(pattern, action)
			return
		}
		if got, want := Match(pattern, action), refMatch(pattern, action); got != want {
			t.Fatalf("Match(%q, %q) = %v, regexp says %v", pattern, action, got, want)
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

// FuzzParseDocument checks that any input either parses into valid
// statements that evaluate without panicking, or fails with a ParseError.
func FuzzParseDocument(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`))
	f.Add([]byte(`{"Statement":{"Effect":"Deny","NotAction":["iam:*"],"Resource":["arn:aws:s3:::b"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}}`))
	f.Add([]byte("{\n\"Statement\": [\n{\"Effect\": \"Maybe\", \"Action\": 1}\n]\n}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDocument(data)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error %T, want *ParseError", err)
			}
			return
		}
		set := Set{Statements: d.Statement}
		for _, a := range []string{"ec2:DescribeInstances", "iam:PassRole", ""} {
			dec := set.Evaluate(a)
			if dec.Allowed && dec.Denied {
				t.Fatal("allowed and denied")
			}
		}
	})
}

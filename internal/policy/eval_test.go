package policy

import (
	"errors"
	"reflect"
	"testing"
)

func mustParse(t *testing.T, doc string) *Document {
	t.Helper()
	d, err := ParseDocument([]byte(doc))
	if err != nil {
		t.Fatalf("ParseDocument: %v", err)
	}
	return d
}

func TestParseStringOrList(t *testing.T) {
	d := mustParse(t, `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "One", "Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"},
	    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::b/*"]},
	    {"Effect": "Deny", "NotAction": "iam:*", "NotResource": "arn:aws:iam::1:role/x"}
	  ]
	}`)
	want := []Statement{
		{Sid: "One", Effect: "Allow", Action: StringList{"ec2:DescribeInstances"}, Resource: StringList{"*"}},
		{Effect: "Allow", Action: StringList{"s3:GetObject", "s3:PutObject"}, Resource: StringList{"arn:aws:s3:::b/*"}},
		{Effect: "Deny", NotAction: StringList{"iam:*"}, NotResource: StringList{"arn:aws:iam::1:role/x"}},
	}
	if !reflect.DeepEqual(d.Statement, want) {
		t.Errorf("got %+v\nwant %+v", d.Statement, want)
	}
	// A single statement object is a list of one.
	d = mustParse(t, `{"Statement": {"Effect": "Allow", "Action": "*"}}`)
	if len(d.Statement) != 1 || d.Statement[0].Action[0] != "*" {
		t.Errorf("single statement: %+v", d.Statement)
	}
	if d := mustParse(t, `{}`); len(d.Statement) != 0 {
		t.Errorf("{}: %+v", d.Statement)
	}
}

func TestParseErrorsHaveLines(t *testing.T) {
	tests := []struct {
		name, doc string
		line      int
	}{
		{"syntax", "{\n \"Statement\": [\n  {\"Effect\": \"Allow\",}\n ]\n}", 3},
		{"type", "{\n \"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": 7}\n ]\n}", 3},
		{"effect", "{\n \"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": \"a:b\"},\n  {\"Effect\": \"Permit\", \"Action\": \"a:b\"}\n ]\n}", 4},
		{"no action", "{\n \"Statement\": [\n  {\"Effect\": \"Allow\"}\n ]\n}", 3},
		{"both", "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"a\", \"NotAction\": \"b\"}}", 1},
		{"trailing", "{}\n{}", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDocument([]byte(tt.doc))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *ParseError", err)
			}
			if pe.Line != tt.line {
				t.Errorf("line %d, want %d (%v)", pe.Line, tt.line, err)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	set := &Set{Statements: mustParse(t, `{"Statement": [
	  {"Effect": "Allow", "Action": ["ec2:Describe*", "s3:?etObject"], "Resource": "*"},
	  {"Effect": "Allow", "Action": "kms:CreateGrant", "Resource": "*", "Condition": {"Bool": {"kms:GrantIsForAWSResource": true}}},
	  {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bucket/*"},
	  {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"},
	  {"Effect": "Deny", "Action": "ec2:DescribeRegions"},
	  {"Effect": "Deny", "Action": "s3:GetObject", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
	]}`).Statement}
	tests := []struct {
		action      string
		allowed     bool
		conditional bool
		denied      bool
		allowedBy   []StatementMatch
		excludedBy  []int
	}{
		{action: "ec2:DescribeInstances", allowed: true, allowedBy: []StatementMatch{{0, "ec2:Describe*", false}, {3, "", false}}},
		{action: "EC2:describeinstances", allowed: true, allowedBy: []StatementMatch{{0, "ec2:Describe*", false}, {3, "", false}}},
		{action: "ec2:DescribeRegions", denied: true, allowedBy: []StatementMatch{{0, "ec2:Describe*", false}, {3, "", false}}},
		{action: "kms:CreateGrant", allowed: true, allowedBy: []StatementMatch{{1, "kms:CreateGrant", true}, {3, "", false}}},
		{action: "s3:GetObject", allowed: true, conditional: true, allowedBy: []StatementMatch{{0, "s3:?etObject", false}, {3, "", false}}},
		{action: "iam:PassRole", excludedBy: []int{3}},
		{action: "sts:AssumeRole", allowed: true, allowedBy: []StatementMatch{{3, "", false}}},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			d := set.Evaluate(tt.action)
			if d.Allowed != tt.allowed || d.Conditional != tt.conditional || d.Denied != tt.denied {
				t.Errorf("allowed=%v conditional=%v denied=%v, want %v %v %v", d.Allowed, d.Conditional, d.Denied, tt.allowed, tt.conditional, tt.denied)
			}
			if !reflect.DeepEqual(d.AllowedBy, tt.allowedBy) {
				t.Errorf("AllowedBy %+v, want %+v", d.AllowedBy, tt.allowedBy)
			}
			if !reflect.DeepEqual(d.ExcludedBy, tt.excludedBy) {
				t.Errorf("ExcludedBy %v, want %v", d.ExcludedBy, tt.excludedBy)
			}
		})
	}
}

func TestEvaluateConditionalOnly(t *testing.T) {
	set := &Set{Statements: []Statement{
		{Effect: Allow, Action: StringList{"kms:CreateGrant"}, Condition: map[string]map[string]any{"Bool": {"kms:GrantIsForAWSResource": true}}},
		{Effect: Allow, Action: StringList{"s3:PutObject"}, Resource: StringList{"arn:aws:s3:::b/*"}},
		{Effect: Allow, Action: StringList{"s3:GetObject"}, NotResource: StringList{"arn:aws:s3:::secret/*"}},
		{Effect: Allow, Action: StringList{"ec2:RunInstances"}}, // no Resource: as in CredentialsRequests, "*"
	}}
	for action, conditional := range map[string]bool{"kms:CreateGrant": true, "s3:PutObject": true, "s3:GetObject": true, "ec2:RunInstances": false} {
		d := set.Evaluate(action)
		if !d.Allowed || d.Conditional != conditional {
			t.Errorf("%s: allowed=%v conditional=%v, want conditional=%v", action, d.Allowed, d.Conditional, conditional)
		}
	}
}

func TestDenyNotAction(t *testing.T) {
	// Deny everything but ec2:*: iam:GetUser is denied, ec2 is not.
	set := &Set{Statements: []Statement{
		{Effect: Allow, Action: StringList{"*"}},
		{Effect: Deny, NotAction: StringList{"ec2:*"}},
	}}
	if d := set.Evaluate("iam:GetUser"); d.Allowed || !d.Denied || len(d.DeniedBy) != 1 {
		t.Errorf("iam:GetUser: %+v", d)
	}
	if d := set.Evaluate("ec2:RunInstances"); !d.Allowed || d.Denied {
		t.Errorf("ec2:RunInstances: %+v", d)
	}
}

func TestNoStatementsAllowNothing(t *testing.T) {
	if d := (&Set{}).Evaluate("ec2:DescribeInstances"); d.Allowed || d.Denied {
		t.Errorf("%+v", d)
	}
}

package policy

import "testing"

// TestConditionsUnknown: with Request.ConditionsUnknown an Allow applies
// whatever its conditions, a Deny only when it surely does, and
// Result.Conditional says when the answer rests on that.
func TestConditionsUnknown(t *testing.T) {
	tests := []struct {
		name, statements string
		resource         string
		decision         string
		conditional      bool
	}{
		{"plain allow", `{"Effect":"Allow","Action":"kms:*","Resource":"*"}`, "*", Allowed, false},
		{"allow with condition", `{"Effect":"Allow","Action":"kms:CreateGrant","Resource":"*","Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}}`, "*", Allowed, true},
		{"allow on a key", `{"Effect":"Allow","Action":"kms:CreateGrant","Resource":"arn:aws:kms:*:*:key/*"}`, "*", Allowed, true},
		{"allow on a key, request that key", `{"Effect":"Allow","Action":"kms:CreateGrant","Resource":"arn:aws:kms:*:*:key/*"}`, "arn:aws:kms:us-east-1:1:key/k", Allowed, false},
		{"allow NotResource", `{"Effect":"Allow","Action":"kms:CreateGrant","NotResource":"arn:aws:kms:*:*:key/x"}`, "*", Allowed, true},
		{"allow other action", `{"Effect":"Allow","Action":"kms:RevokeGrant","Resource":"*"}`, "*", ImplicitDeny, false},
		{"deny", `{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"kms:CreateGrant","Resource":"*"}`, "*", ExplicitDeny, false},
		{"deny with condition", `{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"kms:CreateGrant","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, "*", Allowed, true},
		{"deny on a key", `{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"kms:CreateGrant","Resource":"arn:aws:kms:*:*:key/x"}`, "*", Allowed, true},
		{"deny NotAction", `{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"ec2:*","Resource":"*"}`, "*", ExplicitDeny, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[`+tt.statements+`]}`), ParseOptions{Strictness: Strict})
			if err != nil {
				t.Fatal(err)
			}
			set := &PolicySet{Identity: []*Policy{p}}
			r := set.Evaluate(&Request{Action: "kms:CreateGrant", Resource: tt.resource, ConditionsUnknown: true})
			if r.Decision != tt.decision || r.Conditional != tt.conditional {
				t.Errorf("decision %s conditional %v, want %s %v", r.Decision, r.Conditional, tt.decision, tt.conditional)
			}
			if len(r.MissingContextValues) > 0 {
				t.Errorf("MissingContextValues %v with conditions unknown", r.MissingContextValues)
			}
			// Without the mode, the same request is decided as AWS would.
			if plain := set.Evaluate(&Request{Action: "kms:CreateGrant", Resource: tt.resource}); plain.Conditional {
				t.Error("Conditional set without ConditionsUnknown")
			}
		})
	}
}

func TestStatementAccessors(t *testing.T) {
	p, err := ParsePolicy([]byte(`{"Statement":[
	  {"Effect":"Allow","Action":["ec2:Describe*","s3:GetObject"],"Resource":["arn:aws:s3:::b/*","*"]},
	  {"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:iam::1:role/x","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, d := &p.Statements[0], &p.Statements[1]
	if pat, ok := a.MatchingAction("EC2:DescribeRegions"); !ok || pat != "ec2:Describe*" {
		t.Errorf("MatchingAction = %q, %v", pat, ok)
	}
	if _, ok := a.MatchingAction("ec2:RunInstances"); ok {
		t.Error("ec2:RunInstances matched")
	}
	if pat, ok := d.MatchingAction("ec2:RunInstances"); !ok || pat != "" {
		t.Errorf("NotAction statement: %q, %v", pat, ok)
	}
	if _, ok := d.MatchingAction("iam:PassRole"); ok {
		t.Error("NotAction statement applies to what it lists")
	}
	if a.NotAction() || !d.NotAction() || a.NotResource() || !d.NotResource() || a.HasCondition() || !d.HasCondition() {
		t.Error("element kinds wrong")
	}
	if got := a.Resources(); len(got) != 2 || got[0] != "arn:aws:s3:::b/*" {
		t.Errorf("Resources = %v", got)
	}
	if got := d.Actions(); len(got) != 1 || got[0] != "iam:*" {
		t.Errorf("Actions = %v", got)
	}
}

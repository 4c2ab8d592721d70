package authz

import (
	"errors"
	"strings"
	"testing"
)

func TestParseMessage(t *testing.T) {
	const user = "User: arn:aws:sts::123456789012:assumed-role/mycluster-openshift-machine-api-aws-cloud-credentials/1700000000 is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:123456789012:instance/*"
	tests := []struct {
		name, msg                    string
		cause, decision, action, res string
		explicit, suspected, trunc   bool
	}{
		{"missing allow", user + " because no identity-based policy allows the ec2:RunInstances action",
			CauseIdentityPolicy, DecisionImplicitDeny, "ec2:RunInstances", "arn:aws:ec2:us-east-1:123456789012:instance/*", false, false, false},
		{"boundary deny", user + " with an explicit deny in a permissions boundary",
			CauseBoundary, DecisionExplicitDeny, "ec2:RunInstances", "arn:aws:ec2:us-east-1:123456789012:instance/*", true, false, false},
		{"boundary implicit", user + " because no permissions boundary allows the ec2:RunInstances action",
			CauseBoundary, DecisionImplicitDeny, "ec2:RunInstances", "arn:aws:ec2:us-east-1:123456789012:instance/*", false, false, false},
		{"scp", user + " with an explicit deny in a service control policy",
			CauseSCP, DecisionExplicitDeny, "ec2:RunInstances", "arn:aws:ec2:us-east-1:123456789012:instance/*", true, false, false},
		{"identity deny", user + " with an explicit deny in an identity-based policy",
			CauseExplicitDeny, DecisionExplicitDeny, "ec2:RunInstances", "arn:aws:ec2:us-east-1:123456789012:instance/*", true, false, false},
		{"resource policy", "User: arn:aws:iam::123456789012:user/u is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::b/k\" with an explicit deny in a resource-based policy",
			CauseResourcePolicy, DecisionExplicitDeny, "s3:GetObject", "arn:aws:s3:::b/k", true, false, false},
		{"session policy", user + " because no session policy allows the ec2:RunInstances action",
			CauseSessionPolicy, DecisionImplicitDeny, "ec2:RunInstances", "arn:aws:ec2:us-east-1:123456789012:instance/*", false, false, false},
		{"encoded", "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are not authorized to perform this operation. Encoded authorization failure message: abcDEF_-123",
			CauseEncoded, DecisionUnknown, "", "", false, false, false},
		{"encoded cut", "You are not authorized to perform this operation. Encoded authorization failure message: abcDEF_-123...",
			CauseEncodedTruncated, DecisionUnknown, "", "", false, false, true},
		{"bare", "error launching instance: You are not authorized to perform this operation.",
			CauseVPCEndpoint, DecisionUnknown, "", "", false, true, false},
		{"trust", "Not authorized to perform sts:AssumeRoleWithWebIdentity",
			CauseTrustPolicy, DecisionUnknown, "sts:AssumeRoleWithWebIdentity", "", false, false, false},
		{"web identity", "InvalidIdentityToken: Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
			CauseWebIdentityAuth, DecisionUnknown, "", "", false, false, false},
		{"resource ARN mentions a policy type", "User: arn:aws:iam::1:user/u is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::service control policy/k because no identity-based policy allows the s3:GetObject action",
			CauseIdentityPolicy, DecisionImplicitDeny, "s3:GetObject", "arn:aws:s3:::service control policy/k", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ParseMessage(tt.msg)
			if m.Cause != tt.cause || m.Decision() != tt.decision || m.Action != tt.action || m.Resource != tt.res ||
				m.Explicit != tt.explicit || m.Suspected != tt.suspected || m.Truncated != tt.trunc {
				t.Errorf("ParseMessage = %+v (decision %s)\nwant cause %s decision %s action %s resource %s explicit %v suspected %v truncated %v",
					m, m.Decision(), tt.cause, tt.decision, tt.action, tt.res, tt.explicit, tt.suspected, tt.trunc)
			}
		})
	}
}

func TestParsePrincipal(t *testing.T) {
	tests := []struct{ arn, kind, name, session, account string }{
		{"arn:aws:sts::123456789012:assumed-role/r/s", KindAssumedRole, "r", "s", "123456789012"},
		{"arn:aws:iam::123456789012:user/path/u", KindUser, "u", "", "123456789012"},
		{"arn:aws:iam::123456789012:role/r", KindRole, "r", "", "123456789012"},
		{"arn:aws:iam::123456789012:root", KindRoot, "root", "", "123456789012"},
		{"arn:aws-us-gov:sts::123456789012:federated-user/f", KindFederatedUser, "f", "", "123456789012"},
		{"not-an-arn", "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.arn, func(t *testing.T) {
			p := ParsePrincipal(tt.arn)
			if p.Kind != tt.kind || p.Name != tt.name || p.Session != tt.session || p.Account != tt.account || p.ARN != tt.arn {
				t.Errorf("ParsePrincipal = %+v", p)
			}
		})
	}
}

func TestParseDecoded(t *testing.T) {
	const ctx = `"context":{"principal":{"id":"AROAEXAMPLE:s","arn":"arn:aws:sts::123456789012:assumed-role/r/s"},"action":"ec2:RunInstances","resource":"*","conditions":{"items":[{"key":"aws:SourceIp","values":{"items":[{"value":"10.0.0.1"}]}}]}}`
	stmt := func(principal string) string {
		return `{"statementId":"S","effect":"DENY","principals":{"items":[{"value":"` + principal + `"}]},"actions":{"items":[{"value":"ec2:RunInstances"}]},"resources":{"items":[{"value":"*"}]},"conditions":{"items":[]}}`
	}
	tests := []struct{ name, in, decision, cause string }{
		{"missing allow", `{"allowed":false,"explicitDeny":false,"matchedStatements":{"items":[]},"failures":{"items":[]},` + ctx + `}`, DecisionImplicitDeny, CauseIdentityPolicy},
		{"boundary", `{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[` + stmt(ScopePolicyIssuer) + `]},` + ctx + `}`, DecisionExplicitDeny, CauseBoundary},
		{"identity", `{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[` + stmt("AROAEXAMPLE") + `]},` + ctx + `}`, DecisionExplicitDeny, CauseExplicitDeny},
		{"scp", `{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[` + stmt("123456789012") + `]},` + ctx + `}`, DecisionExplicitDeny, CauseSCP},
		{"wrapped", `{"DecodedMessage":"{\"allowed\":false,\"explicitDeny\":false,\"context\":{\"action\":\"RunInstances\",\"resource\":\"arn:aws:ec2:us-east-1:1:instance/*\"}}"}`, DecisionImplicitDeny, CauseIdentityPolicy},
		{"allowed", `{"allowed":true,` + ctx + `}`, DecisionAllowed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if r.Decision != tt.decision || r.Cause != tt.cause || r.Source != SourceDecoded {
				t.Errorf("got %s/%s/%s, want %s/%s", r.Source, r.Decision, r.Cause, tt.decision, tt.cause)
			}
			if r.Action != "ec2:RunInstances" {
				t.Errorf("action %q", r.Action)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "  \n", "empty input"},
		{"truncated", `{"allowed":false,"explicitDeny":tr`, ErrTruncated.Error()},
		{"truncated wrapped", `{"DecodedMessage":"{\"allowed\":false"}`, "reading DecodedMessage: " + ErrTruncated.Error()},
		{"not a message", "hello world", "neither JSON nor an AWS authorization error message"},
		{"other JSON", `{"foo":1}`, "JSON holds neither"},
		{"bad type", `{"allowed":"yes"}`, "field allowed"},
		{"array", `[1]`, "a JSON array"},
		{"binary", "\xff\xfe", "not UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v, want %q", err, tt.want)
			}
			if tt.name == "truncated" && !errors.Is(err, ErrTruncated) {
				t.Errorf("not ErrTruncated: %v", err)
			}
		})
	}
}

func TestParseCloudTrailRecord(t *testing.T) {
	in := `{"eventSource":"ec2.amazonaws.com","eventName":"RunInstances","errorCode":"Client.UnauthorizedOperation","errorMessage":"You are not authorized to perform this operation. Encoded authorization failure message: abc...","userIdentity":{"arn":"arn:aws:sts::1:assumed-role/r/s","principalId":"AROA:s"}}`
	r, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if r.Source != SourceCloudTrail || r.Cause != CauseEncodedTruncated || r.Principal.Name != "r" || r.ErrorCode != "Client.UnauthorizedOperation" || r.Encoded == nil || !r.Encoded.Truncated {
		t.Errorf("got %+v", r)
	}
}

// BenchmarkParseMessage measures the per-denial cost extract pays through
// policy.ParseDenial.
func BenchmarkParseMessage(b *testing.B) {
	msg := "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: User: arn:aws:sts::123456789012:assumed-role/mycluster-openshift-machine-api-aws-cloud-credentials/1700000000 is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:123456789012:instance/* because no identity-based policy allows the ec2:RunInstances action"
	b.ReportAllocs()
	for b.Loop() {
		ParseMessage(msg)
	}
}

func TestCutWithoutMark(t *testing.T) {
	msg := "You are not authorized to perform this operation. Encoded authorization failure message: " + strings.Repeat("a", 1020-89)
	r, err := Parse([]byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	if r.Cause != CauseEncoded || len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "about where CloudTrail cuts") {
		t.Errorf("got %s %q", r.Cause, r.Notes)
	}
	r, _ = Parse([]byte(msg[:600]))
	if len(r.Notes) != 0 {
		t.Errorf("short message noted: %q", r.Notes)
	}
}

// asciiLower keeps byte offsets: only A-Z change, so ParseMessage can
// slice its one lowered copy where it slices the text.
func TestASCIILower(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"already lower: arn:aws:iam::1:user/x", "already lower: arn:aws:iam::1:user/x"},
		{"User: ARN is not AUTHORIZED", "user: arn is not authorized"},
		{"Ünïcode STAYS Ü", "Ünïcode stays Ü"},
		{"Z", "z"},
	} {
		got := asciiLower(tt.in)
		if got != tt.want {
			t.Errorf("asciiLower(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(got) != len(tt.in) {
			t.Errorf("asciiLower(%q): length %d, want %d", tt.in, len(got), len(tt.in))
		}
	}
}

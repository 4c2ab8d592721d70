package policy

import (
	"fmt"
	"strings"
	"testing"
)

// benchSet is 50 statements spread over identity policies, a boundary, two
// SCP levels and a resource policy, with the usual mix of wildcards,
// resource ARNs, variables and conditions.
func benchSet(b *testing.B) *PolicySet {
	b.Helper()
	stmt := func(i int, principal bool) string {
		var sb strings.Builder
		effect := "Allow"
		if i%7 == 6 {
			effect = "Deny"
		}
		fmt.Fprintf(&sb, `{"Sid":"S%d","Effect":%q,"Action":["ec2:Describe*","s3:Get%dObject","kms:?ncrypt","iam:PassRole"],`, i, effect, i)
		fmt.Fprintf(&sb, `"Resource":["arn:aws:s3:::bucket-%d/*","arn:aws:ec2:*:111122223333:instance/*","arn:aws:s3:::home/${aws:username}/*"]`, i)
		if principal {
			sb.WriteString(`,"Principal":{"AWS":["arn:aws:iam::111122223333:role/r","111122223333"]}`)
		}
		switch i % 3 {
		case 0:
			sb.WriteString(`,"Condition":{"StringEquals":{"aws:PrincipalTag/team":["blue","red"]},"Bool":{"aws:SecureTransport":"true"}}`)
		case 1:
			sb.WriteString(`,"Condition":{"ForAllValues:StringLike":{"aws:TagKeys":["env*","team"]},"IpAddressIfExists":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}`)
		}
		sb.WriteString("}")
		return sb.String()
	}
	doc := func(from, to int, principal bool) []byte {
		var parts []string
		for i := from; i < to; i++ {
			parts = append(parts, stmt(i, principal))
		}
		return []byte(`{"Version":"2012-10-17","Statement":[` + strings.Join(parts, ",") + `]}`)
	}
	parse := func(data []byte, typ PolicyType) *Policy {
		p, err := ParsePolicy(data, ParseOptions{Type: typ, Name: string(typ)})
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	return &PolicySet{
		Identity:   []*Policy{parse(doc(0, 15, false), TypeIdentity), parse(doc(15, 30, false), TypeIdentity)},
		Boundaries: []*Policy{parse(doc(30, 36, false), TypeBoundary)},
		SCPLevels:  [][]*Policy{{parse(doc(36, 41, false), TypeSCP)}, {parse(doc(41, 45, false), TypeSCP)}},
		Resource:   []*Policy{parse(doc(45, 50, true), TypeResource)},
	}
}

// BenchmarkEvaluate50: one request against a 50-statement policy set.
func BenchmarkEvaluate50(b *testing.B) {
	set := benchSet(b)
	n := 0
	for _, p := range append(append(set.Identity, set.Boundaries...), set.Resource...) {
		n += len(p.Statements)
	}
	for _, l := range set.SCPLevels {
		for _, p := range l {
			n += len(p.Statements)
		}
	}
	if n != 50 {
		b.Fatalf("%d statements", n)
	}
	reqs := []Request{
		{Action: "s3:Get3Object", Resource: "arn:aws:s3:::bucket-3/key", Caller: "arn:aws:sts::111122223333:assumed-role/r/s",
			Context: map[string][]string{"aws:PrincipalTag/team": {"blue"}, "aws:SecureTransport": {"true"}, "aws:TagKeys": {"env", "team"}, "aws:SourceIp": {"10.1.2.3"}}},
		{Action: "ec2:DescribeInstances", Resource: "*", Caller: "arn:aws:iam::111122223333:user/alice"},
	}
	for _, req := range reqs {
		b.Run(req.Action, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				set.Evaluate(&req)
			}
		})
	}
}

// BenchmarkParsePolicy reads the 15-statement identity document.
func BenchmarkParsePolicy(b *testing.B) {
	var parts []string
	for i := 0; i < 15; i++ {
		parts = append(parts, fmt.Sprintf(`{"Sid":"S%d","Effect":"Allow","Action":["ec2:Describe*","s3:GetObject"],"Resource":"arn:aws:s3:::b-%d/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}`, i, i))
	}
	data := []byte(`{"Version":"2012-10-17","Statement":[` + strings.Join(parts, ",") + `]}`)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePolicy(data, ParseOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

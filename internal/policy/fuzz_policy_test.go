package policy

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}`,
	`{"Statement":{"Effect":"Deny","NotAction":["iam:*"],"NotResource":"arn:aws:s3:::b","Condition":{"Bool":{"aws:SecureTransport":false}}}}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::1:user/u"]},"Action":"*","Resource":"*",
	 "Condition":{"ForAllValues:StringLike":{"aws:TagKeys":"a*"},"IpAddressIfExists":{"aws:SourceIp":["10.0.0.0/8","::1"]},"Null":{"k":"true"},
	 "DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},"NumericGreaterThan":{"n":1.5},"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:t"},
	 "StringEquals":{"x":"${aws:PrincipalTag/t, 'd''x'}${*}"},"BinaryEquals":{"b":"QQ=="}}}]}`,
	"{\n\"Statement\": [\n{\"Effect\": \"Maybe\", \"Action\": 1}\n]\n}",
	`{"Statement":[{"Effect":"Allow","NotPrincipal":"*","Action":"s3:","Resource":"bucket"}]}`,
}

// FuzzParsePolicy: any input parses or fails with a *PolicyError, never a
// panic; what parses strictly parses leniently without warnings; a parsed
// policy evaluates.
func FuzzParsePolicy(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add([]byte(s), uint8(i))
	}
	types := []PolicyType{TypeIdentity, TypeBoundary, TypeSCP, TypeResource, TypeSession, TypeEndpoint}
	f.Fuzz(func(t *testing.T, data []byte, typ uint8) {
		opts := ParseOptions{Type: types[int(typ)%len(types)]}
		lenient, lerr := ParsePolicy(data, opts)
		opts.Strictness = Strict
		strict, serr := ParsePolicy(data, opts)
		for _, err := range []error{lerr, serr} {
			var pe *PolicyError
			if err != nil && !errors.As(err, &pe) {
				t.Fatalf("error %T %v, want *PolicyError", err, err)
			}
		}
		if serr == nil && (lerr != nil || len(lenient.Warnings) > 0) {
			t.Fatalf("strict accepts, lenient says %v %v", lerr, lenient.Warnings)
		}
		if strict != nil && len(strict.Warnings) > 0 {
			t.Fatal("strict policy with warnings")
		}
		if lerr != nil {
			return
		}
		set := &PolicySet{Identity: []*Policy{lenient}}
		if opts.Type.principalBased() {
			set = &PolicySet{Resource: []*Policy{lenient}}
		}
		for _, req := range []Request{
			{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/alice/x", Caller: "arn:aws:iam::1:user/alice"},
			{Action: "iam:PassRole", Resource: "*", Context: map[string][]string{"aws:TagKeys": {"a1", "b"}, "n": {"2"}, "aws:SourceIp": {"10.1.1.1"}}},
		} {
			checkResult(t, set.Evaluate(&req))
		}
	})
}

func checkResult(t *testing.T, r Result) {
	t.Helper()
	switch r.Decision {
	case Allowed:
		if len(r.Matched) == 0 {
			t.Fatal("allowed without a matched statement")
		}
	case ExplicitDeny:
		for _, m := range r.Matched {
			if m.Effect != "Deny" {
				t.Fatal("explicit deny names an Allow")
			}
		}
		if len(r.Matched) == 0 {
			t.Fatal("explicit deny without a statement")
		}
	case ImplicitDeny:
	default:
		t.Fatalf("decision %q", r.Decision)
	}
}

// FuzzEvaluate evaluates fuzzed requests (action, resource, caller, one
// context key) against fuzzed statements built from strings, checking the
// result's invariants and that an added Deny of everything always wins.
func FuzzEvaluate(f *testing.F) {
	f.Add("s3:Get*", "arn:aws:s3:::b/*", "StringLike", "s3:prefix", "home/*", "s3:GetObject", "arn:aws:s3:::b/k", "arn:aws:iam::1:user/u", "home/x")
	f.Add("*", "*", "ForAllValues:StringEquals", "aws:TagKeys", "a", "ec2:RunInstances", "*", "", "a")
	f.Add("kms:*Grant", "arn:aws:kms:*:1:key/*", "Bool", "kms:GrantIsForAWSResource", "true", "kms:CreateGrant", "arn:aws:kms:us-east-1:1:key/k", "arn:aws:sts::1:assumed-role/r/s", "TRUE")
	f.Add("s3:*", "arn:aws:s3:::${aws:username}/*", "IpAddressIfExists", "aws:SourceIp", "10.0.0.0/8", "s3:PutObject", "arn:aws:s3:::u/*", "arn:aws:iam::1:user/u", "10.2.3.4")
	f.Fuzz(func(t *testing.T, action, resource, op, key, val, reqAction, reqResource, caller, ctxVal string) {
		stmt := func(effect string) map[string]any {
			return map[string]any{"Effect": effect, "Action": action, "Resource": resource, "Principal": "*",
				"Condition": map[string]any{op: map[string]any{key: val}}}
		}
		doc := func(sts ...map[string]any) []byte {
			return toJSON(map[string]any{"Version": Version2012, "Statement": sts})
		}
		id, err := ParsePolicy(doc(stmt("Allow")), ParseOptions{Type: TypeIdentity})
		if err != nil {
			return
		}
		rp, err := ParsePolicy(doc(stmt("Allow")), ParseOptions{Type: TypeResource})
		if err != nil {
			t.Fatalf("parses as identity, not as resource policy: %v", err)
		}
		req := &Request{Action: reqAction, Resource: reqResource, Caller: caller, Context: map[string][]string{key: {ctxVal}}}
		for _, set := range []*PolicySet{{Identity: []*Policy{id}}, {Resource: []*Policy{rp}}, {Identity: []*Policy{id}, Resource: []*Policy{rp}, Boundaries: []*Policy{id}}} {
			checkResult(t, set.Evaluate(req))
		}
		denyAll, _ := ParsePolicy(doc(stmt("Allow"), map[string]any{"Effect": "Deny", "Action": "*", "Resource": "*"}), ParseOptions{})
		if denyAll == nil {
			t.Fatal("deny-all policy did not parse")
		}
		if r := (&PolicySet{Identity: []*Policy{id, denyAll}}).Evaluate(req); r.Decision != ExplicitDeny && reqAction != "" {
			// "*" matches every action, also the empty one.
			t.Fatalf("deny of everything gave %s", r.Decision)
		}
	})
}

func toJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// refGlob is the regexp reading of a pattern without ARN segment rules.
func refGlob(p string) *regexp.Regexp { return refRegexp("(?s)", p) }

// refRegexp translates the IAM wildcards of pattern p (* any run, ? one
// character) into a whole-string regexp with the given flags.
func refRegexp(flags, p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(flags + "^")
	for _, r := range p {
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
	return regexp.MustCompile(b.String())
}

// FuzzGlob checks the pattern matchers: match agrees with a regexp for
// plain patterns; a string matching two patterns makes them overlap; a
// pattern that covers another matches every string the other matches.
func FuzzGlob(f *testing.F) {
	f.Add("arn:aws:s3:::b/*", "arn:aws:s3:::b/k?y", "arn:aws:s3:::b/key")
	f.Add("a*b?c", "*c", "aXbYc")
	f.Add("arn:aws:ec2:us-*1:*:instance/*", "arn:aws:ec2:*", "arn:aws:ec2:us-east-1:1:instance/i")
	f.Fuzz(func(t *testing.T, p, q, s string) {
		if len(p) > 48 || len(q) > 48 || len(s) > 96 || !utf8.ValidString(p) || !utf8.ValidString(q) || !utf8.ValidString(s) {
			return
		}
		gp := compileGlob(p, false, false)
		if got, want := gp.match(s), refGlob(p).MatchString(s); got != want {
			t.Fatalf("match(%q, %q) = %v, regexp says %v", p, s, got, want)
		}
		a, b := compileGlob(p, true, true), compileGlob(q, true, true)
		if a.match(s) && b.match(s) && (!overlaps(&a, &b) || !overlaps(&b, &a)) {
			t.Fatalf("%q matches %q and %q, which do not overlap", s, p, q)
		}
		if covers(&a, &b) && b.match(s) && !a.match(s) {
			t.Fatalf("%q covers %q but misses %q", p, q, s)
		}
		if got, want := arnLike(p, s, false), arnLikeRef(p, s); got != want {
			t.Fatalf("arnLike(%q, %q) = %v, want %v", p, s, got, want)
		}
	})
}

func arnLikeRef(p, s string) bool {
	pp, sp := strings.SplitN(p, ":", 6), strings.SplitN(s, ":", 6)
	if len(pp) != 6 || len(sp) != 6 {
		return false
	}
	for i := range pp {
		if !refGlob(pp[i]).MatchString(sp[i]) {
			return false
		}
	}
	return true
}

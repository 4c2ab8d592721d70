package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePolicyErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		typ  PolicyType
		// wantErr is "path|line|message part"; wantLenientWarn is the
		// same for the warning Lenient gives instead (empty when the
		// error is structural and Lenient fails too).
		wantErr  string
		wantWarn string
	}{
		{"not json", "{\n\"Statement\": [\n}", "", "|3|not a JSON document", ""},
		{"not an object", `["x"]`, "", "|1|a policy document is a JSON object", ""},
		{"no statement", `{"Version":"2012-10-17"}`, "", "|1|no Statement element", ""},
		{"statement a string", `{"Statement":"x"}`, "", "Statement|1|want an object or a list", ""},
		{"effect lower case", "{\"Statement\":[\n{\"Effect\":\"allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}", "", "Statement[0].Effect|2|want Allow or Deny (case-sensitive)", ""},
		{"effect missing", `{"Statement":{"Action":"s3:*","Resource":"*"}}`, "", "Statement|1|no Effect element", ""},
		{"action a number", `{"Statement":[{"Effect":"Allow","Action":["s3:x",5],"Resource":"*"}]}`, "", "Statement[0].Action[1]|1|want a string", ""},
		{"action and not action", `{"Statement":[{"Effect":"Allow","Action":"a:b","NotAction":"c:d","Resource":"*"}]}`, "", "Statement[0].NotAction|1|not both", ""},
		{"resource and not resource", `{"Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","NotResource":"*"}]}`, "", "Statement[0].NotResource|1|not both", ""},
		{"unknown operator", "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"a:b\",\"Resource\":\"*\",\n\"Condition\":{\"StringLikee\":{\"k\":\"v\"}}}]}", "", "Statement[0].Condition.StringLikee|2|unknown condition operator", ""},
		{"condition value object", `{"Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"StringLike":{"k":{"x":1}}}}]}`, "", "Statement[0].Condition.StringLike.k|1|want a string, number or boolean", ""},
		{"condition not object", `{"Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"StringLike":"v"}}]}`, "", "Statement[0].Condition.StringLike|1|want an object of condition keys", ""},
		{"principal bad string", `{"Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Principal":"bob"}]}`, TypeResource, "Statement[0].Principal|1|want \"*\" or an object", ""},
		{"principal and not principal", `{"Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Principal":"*","NotPrincipal":"*"}]}`, TypeResource, "Statement[0].NotPrincipal|1|not both", ""},
		{"bad json string escape", `{"Statement":"\q"}`, "", "|1|not a JSON document", ""},

		// Flagged content: an error when strict, a warning when lenient.
		{"malformed action comma", "{\"Statement\":[{\"Effect\":\"Allow\",\n\"Action\":[\"s3:GetObject,PutObject\"],\"Resource\":\"*\"}]}", "", "Statement[0].Action[0]|2|malformed action", "Statement[0].Action[0]|2|matches nothing"},
		{"malformed action empty", `{"Statement":[{"Effect":"Allow","Action":"s3:","Resource":"*"}]}`, "", "Statement[0].Action|1|no action name", "Statement[0].Action|1|matches nothing"},
		{"no action", `{"Statement":[{"Effect":"Allow","Resource":"*"}]}`, "", "Statement[0]|1|no Action or NotAction", "Statement[0]|1|matches no action"},
		{"identity without resource", `{"Statement":[{"Effect":"Allow","Action":"s3:*"}]}`, "", "Statement[0]|1|no Resource or NotResource", "Statement[0]|1|read as Resource"},
		{"principal in identity policy", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Principal":"*"}]}`, TypeIdentity, "Statement[0].Principal|1|no place in a IAM Policy", "Statement[0].Principal|1|evaluated against the caller"},
		{"resource policy without principal", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, TypeResource, "Statement[0]|1|no Principal or NotPrincipal", "Statement[0]|1|applies to no principal"},
		{"malformed resource", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"bucket/*"}]}`, "", "Statement[0].Resource|1|malformed resource", "Statement[0].Resource|1|matches nothing"},
		{"unknown element", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Comment":"x"}]}`, "", "Statement[0].Comment|1|unknown element", "Statement[0].Comment|1|ignored"},
		{"element case", `{"statement":[], "Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, "", "statement|1|case-sensitive", "statement|1|want Statement"},
		{"duplicate element", `{"Statement":[{"Effect":"Allow","Effect":"Deny","Action":"s3:*","Resource":"*"}]}`, "", "Statement[0].Effect|1|given twice", "Statement[0].Effect|1|the last one counts"},
		{"unknown version", `{"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, "", "Version|1|unknown version", "Version|1|unknown version"},
		{"bad number", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}}]}`, "", "Statement[0].Condition.NumericLessThan.s3:max-keys|1|is not a number", "Statement[0].Condition.NumericLessThan.s3:max-keys|1|matches nothing"},
		{"bad cidr", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","10.0.0.0/99"]}}}]}`, "", "Statement[0].Condition.IpAddress.aws:SourceIp[1]|1|not an IP address", "Statement[0].Condition.IpAddress.aws:SourceIp[1]|1|matches nothing"},
		{"null if exists", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NullIfExists":{"k":"true"}}}]}`, "", "Statement[0].Condition.NullIfExists|1|Null takes neither", "Statement[0].Condition.NullIfExists|1|read as Null"},
		{"empty statement list", `{"Statement":[]}`, "", "Statement|1|no statements", "Statement|1|allows and denies nothing"},
		{"principal wildcard arn", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Principal":{"AWS":"arn:aws:iam::1:user/*"}}]}`, TypeResource, "Statement[0].Principal.AWS|1|cannot hold a wildcard", "Statement[0].Principal.AWS|1|matches nothing"},
		{"variables without version", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}"}]}`, "", "Statement[0].Resource|1|literal text", "Statement[0].Resource|1|literal text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check := func(mode string, got *PolicyError, want string) {
				t.Helper()
				parts := strings.SplitN(want, "|", 3)
				if got.Path != parts[0] || itoa(got.Line) != parts[1] || !strings.Contains(got.Msg, parts[2]) {
					t.Errorf("%s: got %q at line %d (%s), want %q", mode, got.Path, got.Line, got.Msg, want)
				}
			}
			_, err := ParsePolicy([]byte(tt.doc), ParseOptions{Type: tt.typ, Strictness: Strict})
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("strict: error %v, want a *PolicyError", err)
			}
			check("strict", pe, tt.wantErr)

			p, err := ParsePolicy([]byte(tt.doc), ParseOptions{Type: tt.typ})
			if tt.wantWarn == "" {
				if !errors.As(err, &pe) {
					t.Fatalf("lenient: error %v, want a *PolicyError", err)
				}
				check("lenient", pe, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatalf("lenient: %v, want a warning", err)
			}
			if len(p.Warnings) == 0 {
				t.Fatal("lenient: no warning")
			}
			w := p.Warnings[0]
			check("lenient", &PolicyError{Path: w.Path, Line: w.Line, Msg: w.Msg}, tt.wantWarn)
		})
	}
}

func TestParsePolicyShapes(t *testing.T) {
	// A statement object, string-or-list everywhere, and numbers and
	// booleans as condition values.
	doc := `{"Version":"2012-10-17","Id":"x","Statement":{"Sid":"One","Effect":"Deny","NotAction":"iam:*",
	"NotResource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"n":[1,2.5]}}}}`
	p, err := ParsePolicy([]byte(doc), ParseOptions{Strictness: Strict, Name: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Statements) != 1 || p.ID != "x" || p.Name != "p" || p.Type != TypeIdentity {
		t.Fatalf("policy %+v", p)
	}
	s := p.Statements[0]
	if !s.Deny || s.Sid != "One" || !s.notAction || !s.notResource || len(s.resources) != 2 || len(s.conds) != 2 {
		t.Fatalf("statement %+v", s)
	}
	if got := s.conds[0].values[0].text; got != "false" {
		t.Errorf("bool value %q", got)
	}
	if got := s.conds[1].values[1].num; got != 2.5 {
		t.Errorf("number value %v", got)
	}
	if s.Line != 1 || s.Effect() != "Deny" {
		t.Errorf("line %d effect %s", s.Line, s.Effect())
	}
}

func TestPolicyErrorString(t *testing.T) {
	e := &PolicyError{Path: "Statement[2].Condition.StringLike", Line: 7, Msg: "bad"}
	if got, want := e.Error(), "line 7: Statement[2].Condition.StringLike: bad"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	if got := (Warning{Msg: "m"}).String(); got != "m" {
		t.Errorf("%q", got)
	}
}

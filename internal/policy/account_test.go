package policy

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

const accountPage1 = `{
  "UserDetailList": [{"UserName": "installer", "Arn": "arn:aws:iam::123456789012:user/installer",
    "GroupList": ["admins"],
    "UserPolicyList": [{"PolicyName": "office", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}}}]}}],
    "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::123456789012:policy/boundary"}}],
  "GroupDetailList": [{"GroupName": "admins", "GroupPolicyList": [], "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}],
  "RoleDetailList": [],
  "Policies": [],
  "IsTruncated": true, "Marker": "m1"
}`

var accountPage2 = `{
  "UserDetailList": [], "GroupDetailList": [],
  "RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::123456789012:role/r",
    "AssumeRolePolicyDocument": "` + url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`) + `",
    "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": "` + url.PathEscape(`{"Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`) + `"}],
    "AttachedManagedPolicies": []}],
  "Policies": [
    {"PolicyName": "AdministratorAccess", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess", "DefaultVersionId": "v2",
     "PolicyVersionList": [{"Document": {"Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}, "VersionId": "v1", "IsDefaultVersion": false},
                           {"Document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}, "VersionId": "v2", "IsDefaultVersion": true}]},
    {"PolicyName": "boundary", "Arn": "arn:aws:iam::123456789012:policy/boundary", "DefaultVersionId": "v1",
     "PolicyVersionList": [{"Document": "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D", "VersionId": "v1", "IsDefaultVersion": true}]}
  ],
  "IsTruncated": false
}`

func TestAccountDetails(t *testing.T) {
	a := NewAccountDetails()
	for _, page := range []string{accountPage1, accountPage2} {
		p, err := ParseAccountDetails([]byte(page))
		if err != nil {
			t.Fatal(err)
		}
		a.Merge(p)
	}
	if a.Pages != 2 || a.MissingPage() {
		t.Errorf("pages %d, missing page %v", a.Pages, a.MissingPage())
	}
	ip, ok, err := a.UserPolicies("installer")
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if len(ip.Identity) != 2 || ip.Identity[0].Name != "inline:office" || ip.Identity[1].Name != "AdministratorAccess" || ip.Boundary == nil {
		t.Fatalf("user policies %+v", ip)
	}
	set := &PolicySet{Identity: ip.Identity, Boundaries: []*Policy{ip.Boundary}}
	tests := []struct {
		action, ip, want string
		by               PolicyType
	}{
		{"s3:GetObject", "192.0.2.7", Allowed, TypeIdentity},
		{"s3:GetObject", "203.0.113.9", ExplicitDeny, TypeIdentity},
		{"ec2:RunInstances", "192.0.2.7", ImplicitDeny, TypeBoundary}, // the default version v2 allows "*", the boundary only s3
	}
	for _, tt := range tests {
		t.Run(tt.action+" from "+tt.ip, func(t *testing.T) {
			r := set.Evaluate(&Request{Action: tt.action, Context: map[string][]string{"aws:SourceIp": {tt.ip}}})
			if r.Decision != tt.want || r.DecidedBy != tt.by {
				t.Errorf("%s by %s (%s), want %s by %s", r.Decision, r.DecidedBy, r.Reason, tt.want, tt.by)
			}
		})
	}
	rp, ok, err := a.RolePolicies("r")
	if err != nil || !ok || len(rp.Identity) != 1 || rp.Boundary != nil {
		t.Fatalf("role policies %+v %v %v", rp, ok, err)
	}
	trust, err := a.TrustPolicy("r")
	if err != nil || trust == nil {
		t.Fatal(trust, err)
	}
	r := (&PolicySet{Resource: []*Policy{trust}}).Evaluate(&Request{Action: "sts:AssumeRole", Caller: "ec2.amazonaws.com"})
	if r.Decision != Allowed {
		t.Errorf("trust policy: %s (%s)", r.Decision, r.Reason)
	}
	if _, ok, _ := a.RolePolicies("nope"); ok {
		t.Error("a missing role was found")
	}
}

func TestAccountDetailsErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
		truncated      bool
	}{
		{"truncated", accountPage1[:200], "line 4: the file ends inside a JSON value (truncated?)", true},
		{"not JSON", "UserDetailList: []", "not JSON", false},
		{"empty", " \n", "the file is empty", false},
		{"other JSON", `{"Role": {}}`, "want the output of aws iam get-account-authorization-details", false},
		{"a list", `[]`, "want", false},
		{"two values", `{"Policies": []} {}`, "data after the JSON object", false},
		{"bad document", `{"RoleDetailList": [{"RoleName": "r", "AssumeRolePolicyDocument": 3}]}`, "an object or a URL-encoded string", false},
		{"wrong type", `{"UserDetailList": [{"UserName": 3}]}`, "line 1: UserDetailList.UserName: want string", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAccountDetails([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if ae, ok := err.(*AccountDetailsError); !ok || ae.Truncated != tt.truncated {
				t.Errorf("error %#v: want truncated=%v", err, tt.truncated)
			}
		})
	}
	a, err := ParseAccountDetails([]byte(`{"UserDetailList": [{"UserName": "u", "AttachedManagedPolicies": [{"PolicyName": "x", "PolicyArn": "arn:aws:iam::1:policy/x"}]}], "IsTruncated": true}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.UserPolicies("u"); err == nil || !strings.Contains(err.Error(), "managed policy arn:aws:iam::1:policy/x is not in the authorization details") {
		t.Errorf("missing managed policy: %v", err)
	}
	if !a.MissingPage() {
		t.Error("a lone truncated page is not a missing page")
	}
}

// FuzzParseAccountDetails: no input panics, and what parses can be asked
// for every user's and role's policies without panicking.
func FuzzParseAccountDetails(f *testing.F) {
	f.Add([]byte(accountPage1))
	f.Add([]byte(accountPage2))
	f.Add([]byte(`{"Policies":[{"Arn":"a","PolicyVersionList":[{"Document":"%7B","IsDefaultVersion":true}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseAccountDetails(data)
		if err != nil {
			if _, ok := err.(*AccountDetailsError); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		for n := range a.Users {
			_, _, _ = a.UserPolicies(n)
		}
		for n := range a.Roles {
			_, _, _ = a.RolePolicies(n)
			_, _ = a.TrustPolicy(n)
		}
	})
}

func TestWhyNotAllowed(t *testing.T) {
	const fed = "arn:aws:iam::1:oidc-provider/h"
	doc := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"Web","Effect":"Allow","Principal":{"Federated":"` + fed + `"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"h:sub":"system:serviceaccount:a:b"},"Bool":{"aws:SecureTransport":"true"}}},
	 {"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/other"},"Action":"sts:AssumeRoleWithWebIdentity"},
	 {"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	p, err := ParsePolicy([]byte(doc), ParseOptions{Type: TypeResource})
	if err != nil {
		t.Fatal(err)
	}
	got := WhyNotAllowed(p, "sts:AssumeRoleWithWebIdentity", "Federated", fed, []string{"H:SUB"})
	want := "statement Web admits only Bool aws:SecureTransport; StringEquals h:sub system:serviceaccount:a:b; statement Statement[1] trusts arn:aws:iam::1:oidc-provider/other, not " + fed
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := WhyNotAllowed(p, "s3:GetObject", "AWS", "x", nil); got != "no Allow statement covers s3:GetObject" {
		t.Errorf("got %s", got)
	}
}

// BenchmarkParseAccountDetails reads a page of 500 roles, each with an
// inline policy and a trust policy, and gathers every role's policies.
func BenchmarkParseAccountDetails(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"RoleDetailList": [`)
	for i := 0; i < 500; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"RoleName": "r%d", "Arn": "arn:aws:iam::123456789012:role/r%d",
		  "AssumeRolePolicyDocument": "%s",
		  "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": ["ec2:Describe*", "s3:GetObject"], "Resource": "*"}]}}]}`,
			i, i, url.QueryEscape(`{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/h"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"h:sub":"system:serviceaccount:a:b"}}}]}`))
	}
	sb.WriteString(`], "Policies": []}`)
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		a, err := ParseAccountDetails(data)
		if err != nil {
			b.Fatal(err)
		}
		for n := range a.Roles {
			if _, _, err := a.RolePolicies(n); err != nil {
				b.Fatal(err)
			}
			if _, err := a.TrustPolicy(n); err != nil {
				b.Fatal(err)
			}
		}
	}
}

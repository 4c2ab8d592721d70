package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// AccountDetails is the output of `aws iam get-account-authorization-details`:
// the account's users, groups, roles and managed policies. The AWS CLI
// prints policy documents as JSON objects; the API returns them URL-encoded;
// both are read. The CLI paginates, so several pages may be merged (Merge).
type AccountDetails struct {
	Users    map[string]*AccountUser  // by UserName
	Groups   map[string]*AccountGroup // by GroupName
	Roles    map[string]*AccountRole  // by RoleName
	Policies map[string]*ManagedPolicy
	// Pages counts the pages merged; Truncated counts those that say more
	// pages follow (IsTruncated). When every page says so, a page is
	// missing.
	Pages, Truncated int
}

// InlinePolicy is an inline policy of a user, group or role.
type InlinePolicy struct {
	Name string
	// Document is the policy document as JSON.
	Document []byte
}

// AttachedPolicy names an attached managed policy.
type AttachedPolicy struct {
	Name, ARN string
}

// AccountUser is one entry of UserDetailList.
type AccountUser struct {
	Name, ARN string
	Inline    []InlinePolicy
	Attached  []AttachedPolicy
	Groups    []string
	// Boundary is the permissions boundary's policy ARN, or "".
	Boundary string
}

// AccountGroup is one entry of GroupDetailList.
type AccountGroup struct {
	Name, ARN string
	Inline    []InlinePolicy
	Attached  []AttachedPolicy
}

// AccountRole is one entry of RoleDetailList.
type AccountRole struct {
	Name, ARN string
	// Trust is the AssumeRolePolicyDocument as JSON.
	Trust    []byte
	Inline   []InlinePolicy
	Attached []AttachedPolicy
	Boundary string
}

// ManagedPolicy is one entry of Policies, with its default version.
type ManagedPolicy struct {
	Name, ARN        string
	DefaultVersionID string
	// Document is the default version's document as JSON; nil when the
	// page lists no default version.
	Document []byte
}

// AccountDetailsError is a page that could not be read. Line is from 1,
// 0 when unknown. Truncated is set when the JSON ends early, as a file cut
// during download or copy does.
type AccountDetailsError struct {
	Line      int
	Truncated bool
	Err       error
}

func (e *AccountDetailsError) Error() string {
	msg := e.Err.Error()
	if e.Truncated {
		msg = "the file ends inside a JSON value (truncated?)"
	}
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, msg)
	}
	return msg
}

func (e *AccountDetailsError) Unwrap() error { return e.Err }

// document is a policy document given as an object or a URL-encoded string.
type document []byte

func (d *document) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*d = nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = DecodeDocumentString(s)
	case b[0] == '{':
		*d = append(document(nil), b...)
	default:
		return errors.New("a policy document is an object or a URL-encoded string")
	}
	return nil
}

type rawInline struct {
	PolicyName     string   `json:"PolicyName"`
	PolicyDocument document `json:"PolicyDocument"`
}

type rawAttached struct {
	PolicyName string `json:"PolicyName"`
	PolicyArn  string `json:"PolicyArn"`
}

type rawBoundary struct {
	PermissionsBoundaryArn string `json:"PermissionsBoundaryArn"`
}

type rawPage struct {
	UserDetailList []struct {
		UserName                string        `json:"UserName"`
		Arn                     string        `json:"Arn"`
		UserPolicyList          []rawInline   `json:"UserPolicyList"`
		GroupList               []string      `json:"GroupList"`
		AttachedManagedPolicies []rawAttached `json:"AttachedManagedPolicies"`
		PermissionsBoundary     *rawBoundary  `json:"PermissionsBoundary"`
	} `json:"UserDetailList"`
	GroupDetailList []struct {
		GroupName               string        `json:"GroupName"`
		Arn                     string        `json:"Arn"`
		GroupPolicyList         []rawInline   `json:"GroupPolicyList"`
		AttachedManagedPolicies []rawAttached `json:"AttachedManagedPolicies"`
	} `json:"GroupDetailList"`
	RoleDetailList []struct {
		RoleName                 string        `json:"RoleName"`
		Arn                      string        `json:"Arn"`
		AssumeRolePolicyDocument document      `json:"AssumeRolePolicyDocument"`
		RolePolicyList           []rawInline   `json:"RolePolicyList"`
		AttachedManagedPolicies  []rawAttached `json:"AttachedManagedPolicies"`
		PermissionsBoundary      *rawBoundary  `json:"PermissionsBoundary"`
	} `json:"RoleDetailList"`
	Policies []struct {
		PolicyName        string `json:"PolicyName"`
		Arn               string `json:"Arn"`
		DefaultVersionID  string `json:"DefaultVersionId"`
		PolicyVersionList []struct {
			Document         document `json:"Document"`
			VersionID        string   `json:"VersionId"`
			IsDefaultVersion bool     `json:"IsDefaultVersion"`
		} `json:"PolicyVersionList"`
	} `json:"Policies"`
	IsTruncated bool `json:"IsTruncated"`
}

// ParseAccountDetails reads one page. Errors are *AccountDetailsError.
func ParseAccountDetails(data []byte) (*AccountDetails, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw rawPage
	if err := dec.Decode(&raw); err != nil {
		return nil, detailsError(data, err, dec.InputOffset())
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &AccountDetailsError{Line: lineOf(data, int(dec.InputOffset())), Err: errors.New("data after the JSON object")}
	}
	// A list present, even empty, decodes to a non-nil slice.
	if raw.UserDetailList == nil && raw.GroupDetailList == nil && raw.RoleDetailList == nil && raw.Policies == nil {
		return nil, &AccountDetailsError{Err: errors.New("no UserDetailList, GroupDetailList, RoleDetailList or Policies: want the output of aws iam get-account-authorization-details")}
	}
	a := NewAccountDetails()
	a.Pages = 1
	if raw.IsTruncated {
		a.Truncated = 1
	}
	inline := func(list []rawInline) []InlinePolicy {
		out := make([]InlinePolicy, 0, len(list))
		for _, p := range list {
			out = append(out, InlinePolicy{Name: p.PolicyName, Document: p.PolicyDocument})
		}
		return out
	}
	attached := func(list []rawAttached) []AttachedPolicy {
		out := make([]AttachedPolicy, 0, len(list))
		for _, p := range list {
			out = append(out, AttachedPolicy{Name: p.PolicyName, ARN: p.PolicyArn})
		}
		return out
	}
	boundary := func(b *rawBoundary) string {
		if b == nil {
			return ""
		}
		return b.PermissionsBoundaryArn
	}
	for _, u := range raw.UserDetailList {
		if u.UserName == "" {
			return nil, &AccountDetailsError{Err: errors.New("an entry of UserDetailList has no UserName")}
		}
		a.Users[u.UserName] = &AccountUser{Name: u.UserName, ARN: u.Arn, Inline: inline(u.UserPolicyList),
			Attached: attached(u.AttachedManagedPolicies), Groups: u.GroupList, Boundary: boundary(u.PermissionsBoundary)}
	}
	for _, g := range raw.GroupDetailList {
		if g.GroupName == "" {
			return nil, &AccountDetailsError{Err: errors.New("an entry of GroupDetailList has no GroupName")}
		}
		a.Groups[g.GroupName] = &AccountGroup{Name: g.GroupName, ARN: g.Arn, Inline: inline(g.GroupPolicyList), Attached: attached(g.AttachedManagedPolicies)}
	}
	for _, r := range raw.RoleDetailList {
		if r.RoleName == "" {
			return nil, &AccountDetailsError{Err: errors.New("an entry of RoleDetailList has no RoleName")}
		}
		a.Roles[r.RoleName] = &AccountRole{Name: r.RoleName, ARN: r.Arn, Trust: r.AssumeRolePolicyDocument, Inline: inline(r.RolePolicyList),
			Attached: attached(r.AttachedManagedPolicies), Boundary: boundary(r.PermissionsBoundary)}
	}
	for _, p := range raw.Policies {
		if p.Arn == "" {
			return nil, &AccountDetailsError{Err: fmt.Errorf("policy %q of Policies has no Arn", p.PolicyName)}
		}
		mp := &ManagedPolicy{Name: p.PolicyName, ARN: p.Arn, DefaultVersionID: p.DefaultVersionID}
		for _, v := range p.PolicyVersionList {
			if v.IsDefaultVersion || (v.VersionID != "" && v.VersionID == p.DefaultVersionID) {
				mp.Document = v.Document
				mp.DefaultVersionID = v.VersionID
				break
			}
		}
		a.Policies[p.Arn] = mp
	}
	return a, nil
}

func detailsError(data []byte, err error, off int64) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return &AccountDetailsError{Err: errors.New("the file is empty: want the output of aws iam get-account-authorization-details")}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		// The line of the last character: where the cut is.
		end := len(bytes.TrimRight(data, " \t\r\n"))
		return &AccountDetailsError{Line: lineOf(data, int(int64(end))), Truncated: true, Err: err}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		if se.Offset >= int64(len(data)) {
			end := len(bytes.TrimRight(data, " \t\r\n"))
			return &AccountDetailsError{Line: lineOf(data, int(int64(end))), Truncated: true, Err: err}
		}
		return &AccountDetailsError{Line: lineOf(data, int(se.Offset)), Err: fmt.Errorf("not JSON: %w", err)}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field == "" {
		return &AccountDetailsError{Line: lineOf(data, int(te.Offset)), Err: fmt.Errorf("a JSON %s: want the object aws iam get-account-authorization-details prints", te.Value)}
	}
	if errors.As(err, &te) {
		return &AccountDetailsError{Line: lineOf(data, int(te.Offset)), Err: fmt.Errorf("%s: want %s, not a JSON %s", te.Field, te.Type, te.Value)}
	}
	return &AccountDetailsError{Line: lineOf(data, int(off)), Err: err}
}

// NewAccountDetails returns empty details, ready to Merge pages into.
func NewAccountDetails() *AccountDetails {
	return &AccountDetails{Users: map[string]*AccountUser{}, Groups: map[string]*AccountGroup{},
		Roles: map[string]*AccountRole{}, Policies: map[string]*ManagedPolicy{}}
}

// Merge adds the entries of page b to a. An entry on several pages is the
// same entry (pages of one listing do not overlap); the first one seen is
// kept, except that a managed policy without its default version takes
// the later page's.
func (a *AccountDetails) Merge(b *AccountDetails) {
	a.Pages += b.Pages
	a.Truncated += b.Truncated
	for k, v := range b.Users {
		if _, ok := a.Users[k]; !ok {
			a.Users[k] = v
		}
	}
	for k, v := range b.Groups {
		if _, ok := a.Groups[k]; !ok {
			a.Groups[k] = v
		}
	}
	for k, v := range b.Roles {
		if _, ok := a.Roles[k]; !ok {
			a.Roles[k] = v
		}
	}
	for k, v := range b.Policies {
		if old, ok := a.Policies[k]; !ok || old.Document == nil {
			a.Policies[k] = v
		}
	}
}

// MissingPage reports whether every page merged says more pages follow.
func (a *AccountDetails) MissingPage() bool { return a.Pages > 0 && a.Truncated == a.Pages }

// IdentityPolicies is what applies to one user or role: its identity-based
// policies (inline, attached managed and, for a user, its groups') and its
// permissions boundary, parsed leniently.
type IdentityPolicies struct {
	Identity []*Policy
	// Boundary is nil when the identity has none.
	Boundary *Policy
}

// Names of policies in results: inline policies are "inline:NAME" (for a
// group's, "group/GROUP:NAME"), managed ones carry their PolicyName.

// UserPolicies gathers the policies of user name. An attached policy or a
// boundary missing from the details, or a document that cannot be read, is
// an error naming it; ok is false when the user does not exist.
func (a *AccountDetails) UserPolicies(name string) (ip *IdentityPolicies, ok bool, err error) {
	u := a.Users[name]
	if u == nil {
		return nil, false, nil
	}
	ip = &IdentityPolicies{}
	if err := a.add(ip, u.Inline, u.Attached, "inline:"); err != nil {
		return nil, true, fmt.Errorf("user %s: %w", name, err)
	}
	groups := append([]string(nil), u.Groups...)
	sort.Strings(groups)
	for _, gn := range groups {
		g := a.Groups[gn]
		if g == nil {
			return nil, true, fmt.Errorf("user %s: group %s is not in the authorization details", name, gn)
		}
		if err := a.add(ip, g.Inline, g.Attached, "group/"+gn+":"); err != nil {
			return nil, true, fmt.Errorf("user %s: group %s: %w", name, gn, err)
		}
	}
	if ip.Boundary, err = a.boundary(u.Boundary); err != nil {
		return nil, true, fmt.Errorf("user %s: %w", name, err)
	}
	return ip, true, nil
}

// RolePolicies gathers the policies of role name, as UserPolicies does.
func (a *AccountDetails) RolePolicies(name string) (ip *IdentityPolicies, ok bool, err error) {
	r := a.Roles[name]
	if r == nil {
		return nil, false, nil
	}
	ip = &IdentityPolicies{}
	if err := a.add(ip, r.Inline, r.Attached, "inline:"); err != nil {
		return nil, true, fmt.Errorf("role %s: %w", name, err)
	}
	if ip.Boundary, err = a.boundary(r.Boundary); err != nil {
		return nil, true, fmt.Errorf("role %s: %w", name, err)
	}
	return ip, true, nil
}

// TrustPolicy parses the trust policy of role name as a resource policy;
// nil without error when the role has none.
func (a *AccountDetails) TrustPolicy(name string) (*Policy, error) {
	r := a.Roles[name]
	if r == nil || r.Trust == nil {
		return nil, nil
	}
	p, err := ParsePolicy(r.Trust, ParseOptions{Type: TypeResource, Name: "trust:" + name})
	if err != nil {
		return nil, fmt.Errorf("role %s: AssumeRolePolicyDocument: %w", name, err)
	}
	return p, nil
}

func (a *AccountDetails) add(ip *IdentityPolicies, inline []InlinePolicy, attached []AttachedPolicy, prefix string) error {
	for _, in := range inline {
		p, err := ParsePolicy(in.Document, ParseOptions{Type: TypeIdentity, Name: prefix + in.Name})
		if err != nil {
			return fmt.Errorf("inline policy %s: %w", in.Name, err)
		}
		ip.Identity = append(ip.Identity, p)
	}
	for _, at := range attached {
		p, err := a.managed(at.ARN, TypeIdentity)
		if err != nil {
			return err
		}
		ip.Identity = append(ip.Identity, p)
	}
	return nil
}

func (a *AccountDetails) boundary(arn string) (*Policy, error) {
	if arn == "" {
		return nil, nil
	}
	p, err := a.managed(arn, TypeBoundary)
	if err != nil {
		return nil, fmt.Errorf("permissions boundary: %w", err)
	}
	return p, nil
}

func (a *AccountDetails) managed(arn string, typ PolicyType) (*Policy, error) {
	mp := a.Policies[arn]
	switch {
	case mp == nil:
		return nil, fmt.Errorf("managed policy %s is not in the authorization details (give every page; AWS managed policies are listed only with --filter AWSManagedPolicy or no filter)", arn)
	case mp.Document == nil:
		return nil, fmt.Errorf("managed policy %s has no default version in the authorization details", arn)
	}
	p, err := ParsePolicy(mp.Document, ParseOptions{Type: typ, Name: mp.Name})
	if err != nil {
		return nil, fmt.Errorf("managed policy %s (version %s): %w", arn, mp.DefaultVersionID, err)
	}
	return p, nil
}

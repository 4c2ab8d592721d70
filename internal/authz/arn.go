package authz

import "strings"

// Kinds of principal, from the ARN's resource part.
const (
	KindUser          = "user"
	KindRole          = "role"
	KindAssumedRole   = "assumed-role"
	KindFederatedUser = "federated-user"
	KindRoot          = "root"
)

// Principal is the caller of a refused request.
type Principal struct {
	ARN string `json:"arn,omitempty"`
	// ID is the unique ID ("AROA...:session" for a role session), from a
	// decoded message only.
	ID      string `json:"id,omitempty"`
	Kind    string `json:"kind,omitempty"`
	Account string `json:"account,omitempty"`
	// Name is the user or role name (for an assumed role, the role's).
	Name    string `json:"name,omitempty"`
	Session string `json:"session,omitempty"`
}

// ParsePrincipal reads an IAM or STS principal ARN:
//
//	arn:aws:iam::ACCOUNT:user/PATH/NAME
//	arn:aws:iam::ACCOUNT:role/PATH/NAME
//	arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
//	arn:aws:sts::ACCOUNT:federated-user/NAME
//	arn:aws:iam::ACCOUNT:root
//
// Anything else keeps only the ARN.
func ParsePrincipal(arn string) Principal {
	p := Principal{ARN: arn}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || (parts[2] != "iam" && parts[2] != "sts") {
		return p
	}
	p.Account = parts[4]
	res := parts[5]
	if res == "root" {
		p.Kind, p.Name = KindRoot, "root"
		return p
	}
	typ, rest, ok := strings.Cut(res, "/")
	if !ok || rest == "" {
		return p
	}
	switch typ {
	case "user", "role", "federated-user":
		p.Kind = typ
		p.Name = rest[strings.LastIndexByte(rest, '/')+1:]
	case "assumed-role":
		role, session, _ := strings.Cut(rest, "/")
		p.Kind, p.Name, p.Session = KindAssumedRole, role, session
	}
	return p
}

// uniqueID is the unique ID of the principal without the session name.
func (p Principal) uniqueID() string {
	id, _, _ := strings.Cut(p.ID, ":")
	return id
}

package credreq

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// Cluster says which cluster's identities to match. Any field may be
// empty; Infer fills it from the identities when none is known.
type Cluster struct {
	// Name is the cluster name; STS role names start with it (ccoctl --name).
	Name string
	// InfraID is the installer's infrastructure name, e.g. "mycluster-x7k2p".
	InfraID string
	// InfraPrefix is infraID[:20] when nothing more is known (inferred from
	// minted user names of a cluster with a long name).
	InfraPrefix string
}

// Known reports whether any field is set.
func (c Cluster) Known() bool { return c.Name != "" || c.InfraID != "" || c.InfraPrefix != "" }

// Rules by which an identity matched, recorded as matchedBy.
const (
	ByInstallerUserName  = "installer-user-name"  // --installer-user-name
	ByInstanceRoleName   = "instance-role-name"   // <infraID>-master-role, -worker-role, ...
	BySTSRoleName        = "sts-role-name"        // (<name>-<secretRef.namespace>-<secretRef.name>)[:64]
	ByMintUserName       = "mint-user-name"       // infraID[:20]-credReqName[:37]-xxxxx
	ByWebIdentitySubject = "web-identity-subject" // system:serviceaccount:<ns>:<sa>
)

// Kinds of Target.
const (
	KindCredentialsRequest = "credentials-request"
	KindInstaller          = "installer"
	KindInstanceRole       = "instance-role"
)

// Target is what an identity can be matched to.
type Target struct {
	Kind    string
	Request *CredentialsRequest // KindCredentialsRequest
	Role    *InstanceRole       // KindInstanceRole
}

// ID identifies the target, for de-duplication and reports.
func (t Target) ID() string {
	switch t.Kind {
	case KindCredentialsRequest:
		return t.Request.Ref
	case KindInstanceRole:
		return t.Role.Key
	}
	return t.Kind
}

// Match is one target an identity matched and the rules that matched it,
// strongest first.
type Match struct {
	Target
	MatchedBy []string
}

// Identity is what matching needs to know of a CloudTrail identity.
type Identity struct {
	Name string
	// Subjects are web identity token subjects seen for the identity.
	Subjects []string
}

// Matcher ties identities to CredentialsRequests, the installer user and
// the instance roles.
type Matcher struct {
	Cluster           Cluster
	InstallerUserName string
	Requests          []*CredentialsRequest
	InstanceRoles     []InstanceRole
}

// Match returns every target id matches; none means unknown, more than one
// means ambiguous. The explicit installer user name wins over every rule.
func (m *Matcher) Match(id Identity) []Match {
	if m.InstallerUserName != "" && strings.EqualFold(id.Name, m.InstallerUserName) {
		return []Match{{Target: Target{Kind: KindInstaller}, MatchedBy: []string{ByInstallerUserName}}}
	}
	var out []Match
	add := func(t Target, rule string) {
		for i := range out {
			if out[i].ID() == t.ID() {
				for _, r := range out[i].MatchedBy {
					if r == rule {
						return
					}
				}
				out[i].MatchedBy = append(out[i].MatchedBy, rule)
				return
			}
		}
		out = append(out, Match{Target: t, MatchedBy: []string{rule}})
	}
	for i := range m.InstanceRoles {
		if m.isInstanceRole(id.Name, &m.InstanceRoles[i]) {
			add(Target{Kind: KindInstanceRole, Role: &m.InstanceRoles[i]}, ByInstanceRoleName)
		}
	}
	for _, r := range m.Requests {
		if m.isSTSRole(id.Name, r) {
			add(Target{Kind: KindCredentialsRequest, Request: r}, BySTSRoleName)
		}
	}
	for _, r := range m.Requests {
		if m.isMintUser(id.Name, r) {
			add(Target{Kind: KindCredentialsRequest, Request: r}, ByMintUserName)
		}
	}
	if len(id.Subjects) > 0 && m.belongs(id.Name) {
		for _, sub := range id.Subjects {
			ns, sa, ok := ParseServiceAccountSubject(sub)
			if !ok {
				continue
			}
			for _, r := range m.Requests {
				if r.SecretRef.Namespace == ns && slices.Contains(r.ServiceAccountNames, sa) {
					add(Target{Kind: KindCredentialsRequest, Request: r}, ByWebIdentitySubject)
				}
			}
		}
	}
	return out
}

// mintPrefixes are the possible infraID[:20] of the cluster.
func (m *Matcher) mintPrefixes() []prefixPattern {
	var ps []prefixPattern
	if m.Cluster.InfraID != "" {
		ps = append(ps, prefixPattern{Fixed: cut(m.Cluster.InfraID, mintInfraMax)})
	}
	if m.Cluster.InfraPrefix != "" {
		ps = append(ps, prefixPattern{Fixed: cut(m.Cluster.InfraPrefix, mintInfraMax)})
	}
	if m.Cluster.Name != "" {
		ps = append(ps, mintPrefixFromCluster(m.Cluster.Name))
	}
	return ps
}

func (m *Matcher) isMintUser(name string, r *CredentialsRequest) bool {
	want := "-" + cut(r.Name, mintRequestMax) + "-"
	for _, p := range m.mintPrefixes() {
		rest, ok := p.match(name)
		if !ok {
			continue
		}
		if len(rest) == len(want)+randLen && strings.HasPrefix(rest, want) && isRand(rest[len(want):]) {
			return true
		}
	}
	return false
}

func (m *Matcher) isSTSRole(name string, r *CredentialsRequest) bool {
	for _, n := range []string{m.Cluster.Name, m.Cluster.InfraID} {
		if n != "" && strings.EqualFold(name, STSRoleName(n, r.SecretRef.Namespace, r.SecretRef.Name)) {
			return true
		}
	}
	return false
}

func (m *Matcher) isInstanceRole(name string, role *InstanceRole) bool {
	infra, ok := strings.CutSuffix(name, role.Suffix)
	if !ok || infra == "" {
		return false
	}
	c := m.Cluster
	switch {
	case c.InfraID != "":
		return infra == c.InfraID
	case c.Name != "":
		rest, ok := prefixPattern{Fixed: InfraBase(c.Name) + "-", Rand: randLen}.match(infra)
		return ok && rest == ""
	case c.InfraPrefix != "":
		return strings.HasPrefix(infra, c.InfraPrefix) && LooksLikeInfraID(infra) && len(infra) <= infraBaseMax+1+randLen
	}
	return false
}

// belongs reports whether a role name carries the cluster's name or infra
// ID, so that its web identity subjects (the same service accounts in
// every cluster) may be trusted. With no cluster known every name belongs.
func (m *Matcher) belongs(name string) bool {
	c := m.Cluster
	if !c.Known() {
		return true
	}
	for _, p := range []string{c.Name, c.InfraID, c.InfraPrefix} {
		if p != "" && strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// Inference is the cluster Infer guessed and why.
type Inference struct {
	Cluster Cluster
	// Evidence says, for each field set, how many identities support it.
	Evidence []string
	// Others are further candidates, most supported first; several mean
	// the events hold more than one cluster.
	Others []string
}

// Infer guesses the cluster from identity names: instance roles give the
// infra ID, minted user names give infraID[:20] (the whole infra ID when
// shorter), STS role names give the ccoctl name. The best-supported
// candidate of each kind wins; ties go to the lexically first.
func Infer(names []string, reqs []*CredentialsRequest, roles []InstanceRole) Inference {
	infraIDs := map[string]int{}
	prefixes := map[string]int{}
	stsNames := map[string]int{}
	for _, n := range names {
		for _, role := range roles {
			if infra, ok := strings.CutSuffix(n, role.Suffix); ok && LooksLikeInfraID(infra) {
				infraIDs[infra]++
			}
		}
		for _, r := range reqs {
			want := "-" + cut(r.Name, mintRequestMax) + "-"
			if len(n) > len(want)+randLen {
				p, tail := n[:len(n)-len(want)-randLen], n[len(n)-len(want)-randLen:]
				if strings.HasPrefix(tail, want) && isRand(tail[len(want):]) && len(p) <= mintInfraMax {
					prefixes[p]++
				}
			}
			suffix := "-" + r.SecretRef.Namespace + "-" + r.SecretRef.Name
			if len(n) < stsRoleNameMax {
				if p, ok := strings.CutSuffix(n, suffix); ok && p != "" {
					stsNames[p]++
				}
			}
		}
	}
	return decide(prefixes, infraIDs, stsNames)
}

// clusterCandidate is one cluster Infer could pick.
type clusterCandidate struct {
	cluster Cluster
	score   int
	label   string
}

// decide picks one cluster: every candidate (a minted-user prefix, an STS
// name, or an infra ID seen only in instance roles) collects the instance
// roles that belong to it, and the best-supported candidate wins, so that
// fields of two clusters are never mixed.
func decide(prefixes, infraIDs, stsNames map[string]int) Inference {
	claimed := map[string]bool{}
	rolesOf := func(belongs func(id string) bool) (string, int) {
		best, n := "", 0
		for _, id := range slices.Sorted(maps.Keys(infraIDs)) {
			if belongs(id) && infraIDs[id] > n {
				best, n = id, infraIDs[id]
			}
		}
		if best != "" {
			claimed[best] = true
		}
		return best, n
	}
	var cands []clusterCandidate
	for _, p := range slices.Sorted(maps.Keys(prefixes)) {
		id, roles := rolesOf(func(id string) bool { return cut(id, mintInfraMax) == p })
		c := clusterCandidate{score: prefixes[p] + roles}
		switch {
		case id != "":
			c.cluster.InfraID = id
			c.label = fmt.Sprintf("infra ID %s from %d minted user(s) and %d instance role(s)", id, prefixes[p], roles)
		case len(p) < mintInfraMax:
			c.cluster.InfraID = p
			c.label = fmt.Sprintf("infra ID %s from %d minted user(s)", p, prefixes[p])
		default:
			c.cluster.InfraPrefix = p
			c.label = fmt.Sprintf("infra ID prefix %s from %d minted user(s)", p, prefixes[p])
		}
		cands = append(cands, c)
	}
	for _, n := range slices.Sorted(maps.Keys(stsNames)) {
		base := InfraBase(n)
		id, roles := rolesOf(func(id string) bool {
			return LooksLikeInfraID(id) && len(id) == len(base)+1+randLen && strings.HasPrefix(id, base+"-")
		})
		c := clusterCandidate{cluster: Cluster{Name: n, InfraID: id}, score: stsNames[n] + roles}
		c.label = fmt.Sprintf("cluster name %s from %d STS role(s)", n, stsNames[n])
		if id != "" {
			c.label += fmt.Sprintf(" and infra ID %s from %d instance role(s)", id, roles)
		}
		cands = append(cands, c)
	}
	for _, id := range slices.Sorted(maps.Keys(infraIDs)) {
		if !claimed[id] {
			cands = append(cands, clusterCandidate{cluster: Cluster{InfraID: id}, score: infraIDs[id],
				label: fmt.Sprintf("infra ID %s from %d instance role(s)", id, infraIDs[id])})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].label < cands[j].label
	})
	var inf Inference
	if len(cands) == 0 {
		return inf
	}
	inf.Cluster = cands[0].cluster
	inf.Evidence = []string{cands[0].label}
	for _, c := range cands[1:] {
		inf.Others = append(inf.Others, c.label)
	}
	return inf
}

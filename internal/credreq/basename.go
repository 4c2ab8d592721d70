package credreq

import (
	"sort"
	"strings"
)

// ClustersOf lists the clusters whose instance roles appear among names
// (<infraID>-master-role, ...), one per infra ID, sorted. The cluster name
// is taken to be the infra ID without its random suffix, as ccoctl --name
// usually is; identities of a cluster that left no instance role in the
// trail are not found.
func ClustersOf(names []string) []Cluster {
	seen := map[string]bool{}
	for _, n := range names {
		for _, role := range BuiltinInstanceRoles() {
			if infra, ok := strings.CutSuffix(n, role.Suffix); ok && LooksLikeInfraID(infra) {
				seen[infra] = true
			}
		}
	}
	out := make([]Cluster, 0, len(seen))
	for id := range seen {
		out = append(out, Cluster{InfraID: id, Name: id[:len(id)-randLen-1]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].InfraID < out[j].InfraID })
	return out
}

// BaseName strips from an identity name what differs between clusters:
// the infra ID (instance roles: "master-role"), the infra ID prefix and
// random suffix of a minted user (the request name, cut to 37 characters)
// and the cluster name (STS roles and the installer: "installer",
// "openshift-ingress-operator-cloud-credentials"). It tries the clusters
// in order and returns the first strip that applies, with ok false and
// the name unchanged when none does.
func BaseName(name string, clusters ...Cluster) (base string, ok bool) {
	for _, c := range clusters {
		if b, ok := baseName(name, c); ok && b != "" {
			return b, true
		}
	}
	return name, false
}

func baseName(name string, c Cluster) (string, bool) {
	stripRand := func(s string) string {
		if n := len(s); n > randLen+1 && s[n-randLen-1] == '-' && isRand(s[n-randLen:]) {
			return s[:n-randLen-1]
		}
		return s
	}
	if c.InfraID != "" {
		// Instance roles carry the whole infra ID; minted users its first
		// 20 characters (the same string for shorter IDs).
		if rest, ok := strings.CutPrefix(name, c.InfraID+"-"); ok {
			for _, role := range BuiltinInstanceRoles() {
				if "-"+rest == role.Suffix {
					return rest, true
				}
			}
		}
		if rest, ok := strings.CutPrefix(name, cut(c.InfraID, mintInfraMax)+"-"); ok {
			if b := stripRand(rest); b != rest {
				return b, true
			}
		}
	}
	if c.InfraPrefix != "" {
		if rest, ok := strings.CutPrefix(name, c.InfraPrefix+"-"); ok {
			if b := stripRand(rest); b != rest {
				return b, true
			}
		}
	}
	if c.Name != "" {
		if c.InfraID == "" {
			p := mintPrefixFromCluster(c.Name)
			if rest, ok := p.match(name); ok {
				if rest, ok := strings.CutPrefix(rest, "-"); ok {
					if b := stripRand(rest); b != rest {
						return b, true
					}
				}
			}
		}
		if rest, ok := strings.CutPrefix(name, c.Name+"-"); ok {
			return rest, true
		}
		// A name taken from an infra ID is cut to 21 characters; the STS
		// roles and the installer carry the whole cluster name, whose end
		// is taken to run to the next '-'.
		if len(c.Name) == infraBaseMax {
			if rest, ok := strings.CutPrefix(name, c.Name); ok {
				if _, after, ok := strings.Cut(rest, "-"); ok && after != "" {
					return after, true
				}
			}
		}
	}
	return name, false
}

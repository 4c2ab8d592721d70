package credreq

import "strings"

// RandAlphabet is the alphabet of Kubernetes' random strings, used for the
// suffixes of infra IDs and minted user names.
const RandAlphabet = "bcdfghjklmnpqrstvwxz2456789"

// Lengths of OpenShift's naming rules.
const (
	infraBaseMax    = 21 // cluster name part of an infra ID
	randLen         = 5  // random suffixes
	mintInfraMax    = 20 // infra ID part of a minted user name
	mintRequestMax  = 37 // request name part of a minted user name
	stsRoleNameMax  = 64 // IAM role names
	serviceAcctPref = "system:serviceaccount:"
)

// InfraBase returns the cluster-name part of the infra ID the installer
// derives from clusterName: characters other than letters, digits and '-'
// become '-', runs of '-' become one, the result is cut to 21 characters
// and trailing '-' are dropped. The infra ID is InfraBase + "-" + 5 random
// characters.
func InfraBase(clusterName string) string {
	var b strings.Builder
	dash := false
	for _, c := range clusterName {
		ok := c == '-' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
		if !ok {
			c = '-'
		}
		if c == '-' {
			if dash {
				continue
			}
			dash = true
		} else {
			dash = false
		}
		b.WriteRune(c)
	}
	s := b.String()
	if len(s) > infraBaseMax {
		s = s[:infraBaseMax]
	}
	return strings.TrimRight(s, "-")
}

// MintUserName is the IAM user name the cloud-credential-operator mints in
// mint mode for request credReqName in cluster infraID, given its random
// suffix.
func MintUserName(infraID, credReqName, suffix string) string {
	return cut(infraID, mintInfraMax) + "-" + cut(credReqName, mintRequestMax) + "-" + suffix
}

// STSRoleName is the IAM role name `ccoctl aws create-iam-roles --name
// name` gives a request with the given secretRef.
func STSRoleName(name, namespace, secretName string) string {
	return cut(name+"-"+namespace+"-"+secretName, stsRoleNameMax)
}

// ServiceAccountSubject is the web identity token subject of a service
// account.
func ServiceAccountSubject(namespace, serviceAccount string) string {
	return serviceAcctPref + namespace + ":" + serviceAccount
}

// ParseServiceAccountSubject splits "system:serviceaccount:NS:SA".
func ParseServiceAccountSubject(sub string) (namespace, serviceAccount string, ok bool) {
	rest, ok := strings.CutPrefix(sub, serviceAcctPref)
	if !ok {
		return "", "", false
	}
	namespace, serviceAccount, ok = strings.Cut(rest, ":")
	if !ok || namespace == "" || serviceAccount == "" || strings.Contains(serviceAccount, ":") {
		return "", "", false
	}
	return namespace, serviceAccount, true
}

func cut(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// isRand reports whether s is made only of RandAlphabet characters.
func isRand(s string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(RandAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// LooksLikeInfraID reports whether s ends in "-" and 5 random characters.
func LooksLikeInfraID(s string) bool {
	n := len(s)
	return n > randLen+1 && s[n-randLen-1] == '-' && isRand(s[n-randLen:])
}

// prefixPattern is a fixed string followed by Rand random characters.
type prefixPattern struct {
	Fixed string
	Rand  int
}

// match reports whether s starts with the pattern and returns the rest.
func (p prefixPattern) match(s string) (string, bool) {
	if !strings.HasPrefix(s, p.Fixed) || len(s) < len(p.Fixed)+p.Rand {
		return "", false
	}
	if !isRand(s[len(p.Fixed) : len(p.Fixed)+p.Rand]) {
		return "", false
	}
	return s[len(p.Fixed)+p.Rand:], true
}

// String writes the random part as '?' per character.
func (p prefixPattern) String() string { return p.Fixed + strings.Repeat("?", p.Rand) }

// mintPrefixFromCluster is infraID[:20] when only the cluster name is known:
// the part of the random suffix that survives the cut becomes a pattern.
// For cluster names of 19 characters and more the suffix is cut off
// entirely and the prefix is fixed.
func mintPrefixFromCluster(clusterName string) prefixPattern {
	base := InfraBase(clusterName)
	if len(base) >= mintInfraMax {
		return prefixPattern{Fixed: base[:mintInfraMax]}
	}
	fixed := base + "-"
	return prefixPattern{Fixed: fixed, Rand: min(randLen, mintInfraMax-len(fixed))}
}

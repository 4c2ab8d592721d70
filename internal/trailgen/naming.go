package trailgen

import "strings"

// RandAlphabet is the alphabet OpenShift draws its 5-character random name
// suffixes from (infra IDs and minted IAM user names). It has no vowels so
// random suffixes never spell words.
const RandAlphabet = "bcdfghjklmnpqrstvwxz2456789"

// InfraID returns the infrastructure name the installer derives from a
// cluster name: the name cut to 21 characters, a dash and a random suffix.
func InfraID(clusterName, suffix string) string {
	return truncate(clusterName, 21) + "-" + suffix
}

// MintUserName returns the IAM user name the cloud-credential-operator mints
// for a CredentialsRequest in mint mode:
// infraID[:20] + "-" + credReqName[:37] + "-" + suffix.
// For a cluster name of 21 characters or more the random part of the infra ID
// is cut off entirely, so the user name only starts with the cluster name.
func MintUserName(infraID, credReqName, suffix string) string {
	return truncate(infraID, 20) + "-" + truncate(credReqName, 37) + "-" + suffix
}

// STSRoleName returns the IAM role name ccoctl creates for a CredentialsRequest
// in STS mode: (name + "-" + secretNamespace + "-" + secretName)[:64], where
// name is the --name given to ccoctl (the cluster name).
func STSRoleName(name, secretNamespace, secretName string) string {
	return truncate(name+"-"+secretNamespace+"-"+secretName, 64)
}

// ServiceAccountSubject returns the web identity token subject of a
// Kubernetes service account.
func ServiceAccountSubject(namespace, serviceAccount string) string {
	return "system:serviceaccount:" + namespace + ":" + serviceAccount
}

// validSuffix reports whether s could have been produced by OpenShift's
// random suffix generator.
func validSuffix(s string) bool {
	if len(s) != 5 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune(RandAlphabet, r) {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

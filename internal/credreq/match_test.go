package credreq

import (
	"reflect"
	"strings"
	"testing"
)

func TestInfraBase(t *testing.T) {
	for in, want := range map[string]string{
		"lab-trail":                       "lab-trail",
		"ci-op-twentycharname":            "ci-op-twentycharname",
		"ci-op-a-very-long-cluster-name1": "ci-op-a-very-long-clu",
		"my_cluster.example":              "my-cluster-example",
		"a--b":                            "a-b",
		"abcdefghijklmnopqrst-uvw":        "abcdefghijklmnopqrst", // cut at 21 leaves a trailing '-'
	} {
		if got := InfraBase(in); got != want {
			t.Errorf("InfraBase(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNames(t *testing.T) {
	if got := MintUserName("lab-trail-lxqrw", "openshift-cloud-network-config-controller-aws", "85lxq"); got != "lab-trail-lxqrw-openshift-cloud-network-config-contro-85lxq" {
		t.Errorf("MintUserName = %q", got)
	}
	if got := MintUserName("ci-op-a-very-long-clu-b5n7q", "openshift-ingress", "p7n2v"); got != "ci-op-a-very-long-cl-openshift-ingress-p7n2v" {
		t.Errorf("MintUserName long = %q", got)
	}
	got := STSRoleName("ci-sts-def", "openshift-cloud-network-config-controller", "cloud-credentials")
	if len(got) != 64 || got != "ci-sts-def-openshift-cloud-network-config-controller-cloud-crede" {
		t.Errorf("STSRoleName = %q (%d)", got, len(got))
	}
	sub := ServiceAccountSubject("openshift-ingress-operator", "ingress-operator")
	if ns, sa, ok := ParseServiceAccountSubject(sub); !ok || ns != "openshift-ingress-operator" || sa != "ingress-operator" {
		t.Errorf("ParseServiceAccountSubject(%q) = %q %q %v", sub, ns, sa, ok)
	}
	for _, bad := range []string{"system:serviceaccount:ns", "system:serviceaccount::sa", "user:x:y", "system:serviceaccount:a:b:c"} {
		if _, _, ok := ParseServiceAccountSubject(bad); ok {
			t.Errorf("ParseServiceAccountSubject(%q) ok", bad)
		}
	}
}

func realRequests(t *testing.T) []*CredentialsRequest {
	t.Helper()
	res, err := Load(realDir)
	if err != nil {
		t.Fatal(err)
	}
	return res.Requests
}

func TestMatcher(t *testing.T) {
	reqs := realRequests(t)
	roles := BuiltinInstanceRoles()
	type want struct {
		target string // ID of the single match, "" for none
		rules  []string
	}
	tests := []struct {
		name    string
		cluster Cluster
		id      Identity
		want    want
	}{
		{"mint short by cluster name", Cluster{Name: "lab-trail"}, Identity{Name: "lab-trail-lxqrw-openshift-ingress-56v6s"}, want{"00-ingress-credentials-request.yaml", []string{ByMintUserName}}},
		{"mint short by infra ID", Cluster{InfraID: "lab-trail-lxqrw"}, Identity{Name: "lab-trail-lxqrw-openshift-cloud-network-config-contro-85lxq"}, want{"02-cncc-credentials.yaml", []string{ByMintUserName}}},
		{"mint wrong infra ID", Cluster{InfraID: "lab-trail-aaaaa"}, Identity{Name: "lab-trail-lxqrw-openshift-ingress-56v6s"}, want{}},
		{"mint suffix not random", Cluster{Name: "lab-trail"}, Identity{Name: "lab-trail-lxqrw-openshift-ingress-aeiou"}, want{}},
		{"mint 15-char name keeps 4 random chars", Cluster{Name: "ci-op-fifteench"}, Identity{Name: "ci-op-fifteench-x7k2-openshift-ingress-b4k9z"}, want{"00-ingress-credentials-request.yaml", []string{ByMintUserName}}},
		{"mint 19-char name", Cluster{Name: "ci-op-nineteenchars"}, Identity{Name: "ci-op-nineteenchars--openshift-ingress-b4k9z"}, want{"00-ingress-credentials-request.yaml", []string{ByMintUserName}}},
		{"mint 20-char name", Cluster{Name: "ci-op-twentycharname"}, Identity{Name: "ci-op-twentycharname-openshift-ingress-r2d4x"}, want{"00-ingress-credentials-request.yaml", []string{ByMintUserName}}},
		{"mint 21-char name", Cluster{Name: "ci-op-twentyonechars1"}, Identity{Name: "ci-op-twentyonechars-openshift-image-registry-2w5qd"}, want{"01-registry-credentials-request.yaml", []string{ByMintUserName}}},
		{"mint long name", Cluster{Name: "ci-op-a-very-long-cluster-name1"}, Identity{Name: "ci-op-a-very-long-cl-openshift-ingress-p7n2v"}, want{"00-ingress-credentials-request.yaml", []string{ByMintUserName}}},
		{"mint by infra prefix", Cluster{InfraPrefix: "ci-op-a-very-long-cl"}, Identity{Name: "ci-op-a-very-long-cl-openshift-ingress-p7n2v"}, want{"00-ingress-credentials-request.yaml", []string{ByMintUserName}}},
		{"other cluster", Cluster{Name: "lab-trail"}, Identity{Name: "lab-other-lxqrw-openshift-ingress-56v6s"}, want{}},
		{"sts", Cluster{Name: "ci-sts-def"}, Identity{Name: "ci-sts-def-openshift-ingress-operator-cloud-credentials"}, want{"00-ingress-credentials-request.yaml", []string{BySTSRoleName}}},
		{"sts truncated", Cluster{Name: "ci-sts-def"}, Identity{Name: "ci-sts-def-openshift-cloud-network-config-controller-cloud-crede"}, want{"02-cncc-credentials.yaml", []string{BySTSRoleName}}},
		{"sts and subject", Cluster{Name: "ci-sts-def"}, Identity{Name: "ci-sts-def-openshift-image-registry-installer-cloud-credentials", Subjects: []string{"system:serviceaccount:openshift-image-registry:registry"}}, want{"01-registry-credentials-request.yaml", []string{BySTSRoleName, ByWebIdentitySubject}}},
		{"subject only", Cluster{Name: "ci-sts-def"}, Identity{Name: "ci-sts-def-ebs", Subjects: []string{"system:serviceaccount:openshift-cluster-csi-drivers:aws-ebs-csi-driver-operator"}}, want{"03_credentials_request_aws.yaml", []string{ByWebIdentitySubject}}},
		{"subject of another cluster's role", Cluster{Name: "ci-sts-def"}, Identity{Name: "other-ebs", Subjects: []string{"system:serviceaccount:openshift-cluster-csi-drivers:aws-ebs-csi-driver-operator"}}, want{}},
		{"subject with no cluster known", Cluster{}, Identity{Name: "whatever", Subjects: []string{"system:serviceaccount:openshift-ingress-operator:ingress-operator"}}, want{"00-ingress-credentials-request.yaml", []string{ByWebIdentitySubject}}},
		{"master role by infra ID", Cluster{InfraID: "lab-trail-lxqrw"}, Identity{Name: "lab-trail-lxqrw-master-role"}, want{"<infraID>-master-role", []string{ByInstanceRoleName}}},
		{"worker role by cluster name", Cluster{Name: "lab-trail"}, Identity{Name: "lab-trail-lxqrw-worker-role"}, want{"<infraID>-worker-role", []string{ByInstanceRoleName}}},
		{"role by infra prefix", Cluster{InfraPrefix: "ci-op-a-very-long-cl"}, Identity{Name: "ci-op-a-very-long-clu-b5n7q-master-role"}, want{"<infraID>-master-role", []string{ByInstanceRoleName}}},
		{"role of another cluster", Cluster{Name: "lab-trail"}, Identity{Name: "lab-other-lxqrw-master-role"}, want{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &Matcher{Cluster: tt.cluster, Requests: reqs, InstanceRoles: roles}
			got := m.Match(tt.id)
			if tt.want.target == "" {
				if len(got) != 0 {
					t.Fatalf("matched %v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("%d matches: %+v", len(got), got)
			}
			if got[0].ID() != tt.want.target || !reflect.DeepEqual(got[0].MatchedBy, tt.want.rules) {
				t.Errorf("matched %s by %v, want %s by %v", got[0].ID(), got[0].MatchedBy, tt.want.target, tt.want.rules)
			}
		})
	}
}

func TestMatcherInstallerWins(t *testing.T) {
	m := &Matcher{Cluster: Cluster{Name: "lab-trail"}, InstallerUserName: "lab-trail-lxqrw-openshift-ingress-56v6s", Requests: realRequests(t)}
	got := m.Match(Identity{Name: "lab-trail-lxqrw-openshift-ingress-56v6s"})
	if len(got) != 1 || got[0].Kind != KindInstaller || got[0].MatchedBy[0] != ByInstallerUserName {
		t.Errorf("got %+v", got)
	}
}

func TestMatcherAmbiguous(t *testing.T) {
	reqs := realRequests(t)
	twin := *reqs[0]
	for _, r := range reqs {
		if r.Name == "openshift-cloud-network-config-controller-aws" {
			twin = *r
		}
	}
	twin.Name += "-v2"
	twin.Ref = "twin.yaml"
	m := &Matcher{Cluster: Cluster{InfraID: "lab-trail-lxqrw"}, Requests: append(reqs, &twin)}
	got := m.Match(Identity{Name: "lab-trail-lxqrw-openshift-cloud-network-config-contro-85lxq"})
	if len(got) != 2 {
		t.Fatalf("got %+v, want two matches", got)
	}
}

func TestInfer(t *testing.T) {
	reqs := realRequests(t)
	roles := BuiltinInstanceRoles()
	tests := []struct {
		name   string
		names  []string
		want   Cluster
		others int
	}{
		{"mint short", []string{"lab-trail-lxqrw-openshift-ingress-56v6s", "lab-trail-lxqrw-openshift-image-registry-749dr", "root"}, Cluster{InfraID: "lab-trail-lxqrw"}, 0},
		{"mint long", []string{"ci-op-a-very-long-cl-openshift-ingress-p7n2v"}, Cluster{InfraPrefix: "ci-op-a-very-long-cl"}, 0},
		{"mint long with roles", []string{"ci-op-a-very-long-cl-openshift-ingress-p7n2v", "ci-op-a-very-long-clu-b5n7q-master-role"}, Cluster{InfraID: "ci-op-a-very-long-clu-b5n7q"}, 0},
		{"roles only", []string{"x-b5n7q-master-role", "x-b5n7q-worker-role"}, Cluster{InfraID: "x-b5n7q"}, 0},
		{"sts", []string{"ci-sts-def-openshift-ingress-operator-cloud-credentials", "ci-sts-def-openshift-image-registry-installer-cloud-credentials"}, Cluster{Name: "ci-sts-def"}, 0},
		{"two clusters", []string{"lab-trail-lxqrw-openshift-ingress-56v6s", "lab-trail-lxqrw-openshift-image-registry-749dr", "lab-other-lxqrw-openshift-ingress-56v6s"}, Cluster{InfraID: "lab-trail-lxqrw"}, 1},
		{"nothing", []string{"root", "someone"}, Cluster{}, 0},
		{"sts with roles", []string{"ci-sts-def-openshift-ingress-operator-cloud-credentials", "ci-sts-def-q9w4r-master-role"}, Cluster{Name: "ci-sts-def", InfraID: "ci-sts-def-q9w4r"}, 0},
		// Two clusters are never mixed: the mint one has more support.
		{"mint and sts", []string{"lab-trail-lxqrw-openshift-ingress-56v6s", "lab-trail-lxqrw-openshift-image-registry-749dr", "ci-sts-def-openshift-ingress-operator-cloud-credentials"}, Cluster{InfraID: "lab-trail-lxqrw"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inf := Infer(tt.names, reqs, roles)
			if inf.Cluster != tt.want || len(inf.Others) != tt.others {
				t.Errorf("got %+v others %v, want %+v and %d others", inf.Cluster, inf.Others, tt.want, tt.others)
			}
			if tt.want.Known() && len(inf.Evidence) == 0 {
				t.Error("no evidence")
			}
		})
	}
}

// TestMintNamesRoundTrip checks that every name the rule makes is matched
// back, whatever the cluster name's length.
func TestMintNamesRoundTrip(t *testing.T) {
	reqs := realRequests(t)
	for n := 1; n <= 30; n++ {
		cluster := strings.Repeat("c", n)
		infra := InfraBase(cluster) + "-x7k2p"
		for _, r := range reqs {
			user := MintUserName(infra, r.Name, "b4k9z")
			for _, c := range []Cluster{{Name: cluster}, {InfraID: infra}} {
				m := &Matcher{Cluster: c, Requests: reqs}
				got := m.Match(Identity{Name: user})
				if len(got) != 1 || got[0].Request != r {
					t.Fatalf("cluster %+v: %s matched %+v, want %s", c, user, got, r.Name)
				}
			}
		}
	}
}

package trailgen

import (
	"strings"
	"testing"
)

func TestInfraID(t *testing.T) {
	tests := []struct {
		name, cluster, suffix, want string
	}{
		{"short name kept", "ci-op-abc", "x7k2p", "ci-op-abc-x7k2p"},
		{"21 characters kept", "ci-op-longclustername", "m4t8z", "ci-op-longclustername-m4t8z"},
		{"longer name cut to 21", "ci-op-averyveryverylongclustername", "b2c4d", "ci-op-averyveryverylo-b2c4d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := InfraID(tt.cluster, tt.suffix); got != tt.want {
				t.Errorf("InfraID(%q, %q) = %q, want %q", tt.cluster, tt.suffix, got, tt.want)
			}
		})
	}
}

func TestMintUserName(t *testing.T) {
	tests := []struct {
		name, infraID, credReq, suffix, want string
	}{
		{"short infra ID kept whole", "ci-op-abc-x7k2p", "openshift-ingress", "t6wz2",
			"ci-op-abc-x7k2p-openshift-ingress-t6wz2"},
		{"21-character cluster loses the infra suffix", "ci-op-longclustername-m4t8z", "openshift-ingress", "c7vzn",
			"ci-op-longclusternam-openshift-ingress-c7vzn"},
		{"credreq name cut to 37", "ci-op-abc-x7k2p", "openshift-cloud-network-config-controller-aws", "k9pl2",
			"ci-op-abc-x7k2p-openshift-cloud-network-config-contro-k9pl2"},
		{"both cut: the IAM maximum of 64", "ci-op-longclustername-m4t8z", "openshift-cloud-network-config-controller-aws", "r5dqg",
			"ci-op-longclusternam-openshift-cloud-network-config-contro-r5dqg"},
		{"20-character infra ID kept", "abcdefghij-klm-b2c4d", "openshift-ingress", "bbbbb",
			"abcdefghij-klm-b2c4d-openshift-ingress-bbbbb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MintUserName(tt.infraID, tt.credReq, tt.suffix)
			if got != tt.want {
				t.Errorf("MintUserName(%q, %q, %q) = %q, want %q", tt.infraID, tt.credReq, tt.suffix, got, tt.want)
			}
			if len(got) > 64 {
				t.Errorf("%q is %d characters, IAM allows 64", got, len(got))
			}
		})
	}
}

func TestSTSRoleName(t *testing.T) {
	tests := []struct {
		name, cluster, ns, secret, want string
	}{
		{"fits", "ci-sts-def", "openshift-machine-api", "aws-cloud-credentials",
			"ci-sts-def-openshift-machine-api-aws-cloud-credentials"},
		{"exactly 64 kept", "ci-sts-defg", "openshift-image-registry", "installer-cloud-credentials",
			"ci-sts-defg-openshift-image-registry-installer-cloud-credentials"},
		{"cut to 64", "ci-sts-def", "openshift-cloud-network-config-controller", "cloud-credentials",
			"ci-sts-def-openshift-cloud-network-config-controller-cloud-crede"},
		{"cut inside the secret name", "ci-sts-def", "openshift-cluster-api", "capa-manager-bootstrap-credentials",
			"ci-sts-def-openshift-cluster-api-capa-manager-bootstrap-credenti"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := STSRoleName(tt.cluster, tt.ns, tt.secret)
			if got != tt.want {
				t.Errorf("STSRoleName(%q, %q, %q) = %q, want %q", tt.cluster, tt.ns, tt.secret, got, tt.want)
			}
			if len(got) > 64 {
				t.Errorf("%q is %d characters", got, len(got))
			}
		})
	}
}

// TestScenarioNames checks the scenario table against the naming rules, so
// the committed sample's identities are ones OpenShift could have made.
func TestScenarioNames(t *testing.T) {
	s := DefaultScenario()
	if err := s.validate(); err != nil {
		t.Fatal(err)
	}
	if len(LongCluster) != 21 {
		t.Fatalf("LongCluster %q has %d characters, want 21", LongCluster, len(LongCluster))
	}
	seen := map[string]bool{}
	for _, c := range s.Clusters {
		t.Run(c.Name, func(t *testing.T) {
			suffix := strings.TrimPrefix(c.InfraID, c.Name+"-")
			if c.InfraID != InfraID(c.Name, suffix) || !validSuffix(suffix) {
				t.Errorf("infra ID %q does not follow the installer's rule", c.InfraID)
			}
			var credReqs int
			for _, id := range c.Identities {
				if seen[id.Name] {
					t.Errorf("identity %q appears twice", id.Name)
				}
				seen[id.Name] = true
				if id.CredReq == "" {
					continue
				}
				credReqs++
				cr := credReq(id.CredReq)
				switch c.Mode {
				case ModeMint:
					sfx := id.Name[len(id.Name)-5:]
					if !validSuffix(sfx) || id.Name != MintUserName(c.InfraID, cr.Name, sfx) || id.Type != IAMUser {
						t.Errorf("minted user %q (%s) does not follow CCO's rule", id.Name, id.Type)
					}
				case ModeSTS:
					if id.Name != STSRoleName(c.Name, cr.SecretNamespace, cr.SecretName) || id.Type != AssumedRole {
						t.Errorf("STS role %q (%s) does not follow ccoctl's rule", id.Name, id.Type)
					}
				}
			}
			if c.Name == MintCluster && credReqs != len(AWSCredentialsRequests()) {
				t.Errorf("%s has %d minted users, want one per AWS CredentialsRequest (%d)", c.Name, credReqs, len(AWSCredentialsRequests()))
			}
		})
	}
}

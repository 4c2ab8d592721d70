package credreq

import (
	"reflect"
	"testing"
)

func TestBaseName(t *testing.T) {
	abc := Cluster{InfraID: "ci-op-abc-x7k2p", Name: "ci-op-abc"}
	long := Cluster{InfraID: "ci-op-longclustername-m4t8z", Name: "ci-op-longclustername"}
	tests := []struct {
		name     string
		clusters []Cluster
		want     string
		ok       bool
	}{
		{"ci-op-abc-x7k2p-master-role", []Cluster{abc}, "master-role", true},
		{"ci-op-abc-x7k2p-openshift-ingress-t6wz2", []Cluster{abc}, "openshift-ingress", true},
		{"ci-op-abc-installer", []Cluster{abc}, "installer", true},
		{"ci-op-longclusternam-openshift-ingress-c7vzn", []Cluster{abc, long}, "openshift-ingress", true},
		{"ci-op-longclustername-m4t8z-worker-role", []Cluster{abc, long}, "worker-role", true},
		{"ci-op-longclusternam-openshift-ingress-c7vzn", []Cluster{{Name: "ci-op-longclustername"}}, "openshift-ingress", true},
		{"ci-op-abc-z9z9z-openshift-ingress-t6wz2", []Cluster{{Name: "ci-op-abc"}}, "openshift-ingress", true},
		{"ci-sts-def-openshift-ingress-operator-cloud-credentials", []Cluster{{InfraID: "ci-sts-def-q9w4r", Name: "ci-sts-def"}}, "openshift-ingress-operator-cloud-credentials", true},
		{"release-4-19-long-name-installer", []Cluster{{InfraID: "release-4-19-long-nam-q2w4r", Name: "release-4-19-long-nam"}}, "installer", true},
		{"someRole", []Cluster{abc}, "someRole", false},
		{"root", nil, "root", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := BaseName(tt.name, tt.clusters...)
			if got != tt.want || ok != tt.ok {
				t.Errorf("BaseName(%q) = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestClustersOf(t *testing.T) {
	got := ClustersOf([]string{"ci-op-abc-x7k2p-master-role", "ci-op-abc-x7k2p-worker-role", "ci-sts-def-q9w4r-worker-role", "x-master-role", "someRole"})
	want := []Cluster{{InfraID: "ci-op-abc-x7k2p", Name: "ci-op-abc"}, {InfraID: "ci-sts-def-q9w4r", Name: "ci-sts-def"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ClustersOf = %v, want %v", got, want)
	}
}

package trailgen

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// Variety makes the fields that a busy account varies per record vary in
// the generated trail: web-identity sessions renamed every hour, instance
// sessions named after instances, NAT gateways and pods behind many
// addresses. Values are derived from the record's number in the trail
// (object index x RecordsPerObject + position), never drawn from an
// object's random stream, so a trail with Variety is the trail without it
// with these two fields rewritten, and the zero Variety changes nothing.
type Variety struct {
	// Sessions is how many distinct role session names the AssumedRole
	// records draw from: 0 keeps the scenario's few per role, Unique gives
	// every record its own.
	Sessions int
	// SourceIPs is how many distinct addresses the records that come from
	// an IP address (not from a service such as ec2.amazonaws.com) draw
	// from: 0 keeps the scenario's one per identity, Unique gives every
	// record its own.
	SourceIPs int
}

// Unique, as a Variety count, gives every record its own value.
const Unique = -1

func (v Variety) validate() error {
	if v.Sessions < Unique || v.SourceIPs < Unique {
		return fmt.Errorf("variety counts must be positive, 0 or Unique, got %+v", v)
	}
	return nil
}

// pick returns which of n values record seq uses: seq itself for Unique,
// else a hash of seq and salt reduced to n.
func (Variety) pick(seq, n int, salt string) int {
	if n == Unique {
		return seq
	}
	h := nameHash(salt + strconv.Itoa(seq))
	return int(binary.BigEndian.Uint64(h[:8]) % uint64(n))
}

// session returns record seq's session name for role id, if Sessions is
// set. Sessions of web-identity roles look like the SDKs' nanosecond
// clocks, the others like instance IDs.
func (v Variety) session(seq int, id *Identity) (string, bool) {
	if v.Sessions == 0 {
		return "", false
	}
	k := uint64(v.pick(seq, v.Sessions, "session#"))
	if id.CredReq != "" {
		return strconv.FormatUint(1773100000000000000+k, 10), true
	}
	return fmt.Sprintf("i-0%016x", k*0x9E3779B97F4A7C15), true
}

// sourceIP returns record seq's source address, if SourceIPs is set and
// the record comes from an address (cur is one: digits and dots).
func (v Variety) sourceIP(seq int, cur string) (string, bool) {
	if v.SourceIPs == 0 || cur == "" || strings.Trim(cur, "0123456789.") != "" {
		return "", false
	}
	k := uint32(v.pick(seq, v.SourceIPs, "ip#"))
	// An odd multiplier permutes the low 24 bits: distinct k below 2^24
	// give distinct addresses; the first octet takes the rest.
	low := (k * 0x9E3779B1) & 0xFFFFFF
	return fmt.Sprintf("%d.%d.%d.%d", 18+k>>24, low>>16, low>>8&0xFF, low&0xFF), true
}

// A Shape is a benchmark trail of issue 14: a configuration of n records
// and the principal prefixes a run on it filters with (none: no filter).
type Shape struct {
	Name              string
	Doc               string
	Config            func(n int) Config
	PrincipalPrefixes []string
}

// FilteredClusters is how many clusters the "filtered" shape holds; its
// run keeps the first one (FilteredPrefix).
const FilteredClusters = 20

// FilteredPrefix is the principal prefix the "filtered" shape's run keeps:
// the identities of the first of its clusters (installer, minted users or
// roles, instance roles all start with its infra ID or name).
var FilteredPrefix = manyClusterName(0) + "-"

// Shapes returns the benchmark trails of issue 14, the project's own
// (BenchConfig) first.
func Shapes() []Shape {
	with := func(v Variety) func(int) Config {
		return func(n int) Config {
			c := BenchConfig(n)
			c.Variety = v
			return c
		}
	}
	return []Shape{
		{Name: "bench", Doc: "BenchConfig: the scenario's few sessions and addresses per identity", Config: BenchConfig},
		{Name: "unique", Doc: "every assumed-role record its own session name, every record its own source IP",
			Config: with(Variety{Sessions: Unique, SourceIPs: Unique})},
		{Name: "mixed", Doc: "about 50,000 session names and 10,000 source IPs",
			Config: with(Variety{Sessions: 50_000, SourceIPs: 10_000})},
		{Name: "ips4", Doc: "every assumed-role record its own session name, source IPs from a set of four",
			Config: with(Variety{Sessions: Unique, SourceIPs: 4})},
		{Name: "filtered", Doc: fmt.Sprintf("%d clusters, the run keeps the first (--principal-prefix %s)", FilteredClusters, FilteredPrefix),
			Config: func(n int) Config {
				c := BenchConfig(n)
				c.Scenario = ManyClustersScenario(FilteredClusters)
				return c
			},
			PrincipalPrefixes: []string{FilteredPrefix}},
	}
}

// ShapeByName returns the shape called name.
func ShapeByName(name string) (Shape, bool) {
	for _, s := range Shapes() {
		if s.Name == name {
			return s, true
		}
	}
	return Shape{}, false
}

func manyClusterName(i int) string { return fmt.Sprintf("ci-op-c%02d", i+1) }

// suffixFor derives an OpenShift-style random suffix from a name.
func suffixFor(name string) string {
	h := nameHash("suffix:" + name)
	b := make([]byte, 5)
	for i := range b {
		b[i] = RandAlphabet[int(h[i])%len(RandAlphabet)]
	}
	return string(b)
}

// ManyClustersScenario is the sample account with n clusters of equal
// weight instead of three: every third in STS mode with its own OIDC
// issuer, the others in mint mode; no denials. A principal filter on one
// cluster's name keeps about 1/n of the records (the account's other
// callers take a few percent).
func ManyClustersScenario(n int) *Scenario {
	s := &Scenario{
		Account:     SampleAccount,
		Regions:     []string{"us-east-1", "us-west-2"},
		TrailName:   sampleTrailName,
		TrailBucket: "ci-cloudtrail-logs-" + SampleAccount,
	}
	for i := range n {
		name := manyClusterName(i)
		infra := InfraID(name, suffixFor(name))
		region := s.Regions[i%len(s.Regions)]
		nat := fmt.Sprintf("3.%d.%d.%d", 90+i/200, i%200, 10+i%7)
		if i%3 == 2 {
			issuer := "https://" + name + "-oidc.s3.us-east-1.amazonaws.com"
			crs := []string{"openshift-ingress", "openshift-cluster-api-aws", "openshift-machine-api-aws",
				"openshift-image-registry", "openshift-cloud-network-config-controller-aws", "aws-ebs-csi-driver-operator"}
			c := stsCluster(name, infra, region, nat, crs)
			c.OIDCIssuer = issuer
			for j := range c.Identities {
				id := &c.Identities[j]
				switch id.Name {
				case STSInstaller:
					id.Name = name + "-installer"
				case STSCcoctlUser:
					id.Name = name + "-ccoctl"
				}
			}
			s.Clusters = append(s.Clusters, c)
			continue
		}
		var users []minted
		for _, cr := range AWSCredentialsRequests() {
			users = append(users, minted{cr.Name, suffixFor(infra + cr.Name)})
		}
		s.Clusters = append(s.Clusters, mintCluster(name, infra, region, nat, name+"-installer", users, i%2 == 0))
	}
	s.Others = otherCallers(s.Clusters)
	return s
}

package check

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/cloud-credentials-insights/cci/internal/credreq"
	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// sourceKeys are the condition keys that tie a request to where it comes
// from.
var sourceKeys = []string{"aws:SourceIp", "aws:SourceVpc", "aws:SourceVpce"}

// awsPublicAddresses are addresses in AWS's published public ranges (EC2
// and S3 in us-east-1), where a cluster node's NAT gateway or public IP
// sits; the first one outside every range a policy allows is used.
var awsPublicAddresses = []string{"3.80.0.10", "52.95.110.1", "54.239.28.85", "18.204.0.1", "44.192.0.1"}

// checkSourceRestricted decides s3:GetObject by the installer user from a
// cluster node when its policies carry a Source* condition: the bootstrap
// node fetches its ignition config through a URL the installer presigns,
// and a presigned request is authorized as its signer, from the node's
// address.
func (c *checker) checkSourceRestricted(id *Identity, ip *policy.IdentityPolicies, cl credreq.Cluster) {
	var conds []string
	var ranges []netip.Prefix
	all := append([]*policy.Policy(nil), ip.Identity...)
	if ip.Boundary != nil {
		all = append(all, ip.Boundary)
	}
	for _, p := range all {
		for i := range p.Statements {
			s := &p.Statements[i]
			for _, cd := range s.Conditions() {
				if !isSourceKey(cd.Key) {
					continue
				}
				name := s.Sid
				if name == "" {
					name = fmt.Sprintf("Statement[%d]", s.Index)
				}
				conds = append(conds, fmt.Sprintf("%s %s (%s %s %s)", p.Name, name, cd.Operator, cd.Key, strings.Join(cd.Values, ", ")))
				if strings.EqualFold(cd.Key, "aws:SourceIp") {
					for _, v := range cd.Values {
						if pr, err := netip.ParsePrefix(v); err == nil {
							ranges = append(ranges, pr)
						} else if a, err := netip.ParseAddr(v); err == nil {
							ranges = append(ranges, netip.PrefixFrom(a, a.BitLen()))
						}
					}
				}
			}
		}
	}
	if len(conds) == 0 {
		return
	}
	sort.Strings(conds)
	addr := ""
	for _, a := range awsPublicAddresses {
		ad := netip.MustParseAddr(a)
		inside := false
		for _, r := range ranges {
			inside = inside || r.Contains(ad)
		}
		if !inside {
			addr = a
			break
		}
	}
	res := "*"
	if cl.InfraID != "" {
		res = "arn:aws:s3:::" + cl.InfraID + "-bootstrap/bootstrap.ign"
	}
	sc := &SourceCheck{Conditions: conds, SourceIP: addr, Resource: res}
	id.SourceRestricted = sc
	if addr == "" {
		sc.Decision, sc.Detail = "unknown", "the allowed ranges take in every AWS address cci knows: not decided"
		return
	}
	req := &policy.Request{Action: "s3:GetObject", Resource: res, Caller: id.ARN, Context: map[string][]string{"aws:SourceIp": {addr}}}
	for k, v := range c.context {
		if !isSourceKey(k) {
			req.Context[k] = v
		}
	}
	r := c.result(c.set(ip), req)
	sc.Decision = r.Decision
	if r.Decision == policy.Allowed {
		sc.Detail = "s3:GetObject from " + addr + " is " + r.Detail
		return
	}
	sc.Detail = fmt.Sprintf("presigned URLs signed by this user will be refused from cluster nodes: s3:GetObject from %s is %s (%s: %s)", addr, r.Decision, r.Blocker, r.Detail)
	id.Findings = append(id.Findings, FailSourceRestricted)
}

func isSourceKey(k string) bool {
	for _, s := range sourceKeys {
		if strings.EqualFold(k, s) {
			return true
		}
	}
	return false
}

package trailgen

import (
	"errors"
	"fmt"
	"slices"
)

// IdentityType is a CloudTrail userIdentity.type.
type IdentityType string

// The userIdentity types the generator writes.
const (
	IAMUser         IdentityType = "IAMUser"
	AssumedRole     IdentityType = "AssumedRole"
	WebIdentityUser IdentityType = "WebIdentityUser"
	FederatedUser   IdentityType = "FederatedUser"
	Root            IdentityType = "Root"
	AWSAccount      IdentityType = "AWSAccount"
	AWSService      IdentityType = "AWSService"
)

// Mode is how a cluster gets its operator credentials.
type Mode string

// Credentials modes.
const (
	// ModeMint: the cloud-credential-operator mints one IAM user per
	// CredentialsRequest with the installer's credentials.
	ModeMint Mode = "Mint"
	// ModeSTS: ccoctl creates one IAM role per CredentialsRequest, assumed
	// with the service accounts' projected tokens.
	ModeSTS Mode = "Manual+STS"
)

// Cause is why AWS refused a call; it decides the shape of errorMessage.
type Cause int

// Denial causes, each with the message format AWS uses for it.
const (
	// NoAllow: "... because no identity-based policy allows the <action> action".
	NoAllow Cause = iota
	// Boundary: "... with an explicit deny in a permissions boundary".
	Boundary
	// SCP: "... with an explicit deny in a service control policy".
	SCP
	// Encoded: EC2's "Encoded authorization failure message: <blob>" only.
	Encoded
	// PlainS3: S3's bare "Access Denied" (presigned URLs, bucket policies).
	PlainS3
	// BadToken: AssumeRoleWithWebIdentity could not verify the token
	// (InvalidIdentityToken, OIDC issuer not readable).
	BadToken
	// Untrusted: AssumeRoleWithWebIdentity refused by the role's trust policy.
	Untrusted
)

// Denial makes a call fail the way AWS reports a refused request.
type Denial struct {
	Code     string // errorCode, e.g. AccessDenied, Client.UnauthorizedOperation
	Action   string // IAM action the message names, e.g. ec2:CreateTags
	Resource string // resource ARN the message names; "" for none
	Cause    Cause
}

// Call is one kind of API call an identity makes.
type Call struct {
	Service string // first label of eventSource: ec2, monitoring, s3, tagging
	Event   string // CloudTrail eventName, API-version suffix included
	Weight  int    // relative frequency among all calls of the region
	// Targets are the resources the request names, one picked per record:
	// the user of iam:CreateUser/GetUser, the role of iam:CreateRole and
	// sts:AssumeRole, the subject of a web identity call.
	Targets []string
	// WebIdentity: the record is the sts:AssumeRoleWithWebIdentity made with
	// a service account token, attributed by roleArn to the owning role.
	WebIdentity bool
	// ServiceEvent: an AwsServiceEvent (the service acting on its own).
	ServiceEvent bool
	Deny         *Denial
}

// Identity is a principal that makes calls.
type Identity struct {
	Type IdentityType
	// Name is the identity name as DESIGN.md section 3 resolves it: the IAM
	// user or role name, the federation issuer's user name, "root", the
	// foreign account ID, or the invoking service.
	Name    string
	Cluster string // cluster name; "" for non-cluster callers
	CredReq string // CredentialsRequest metadata.name for minted users and STS roles
	// Subjects are the web identity token subjects (service accounts) that
	// may assume an STS role.
	Subjects []string
	// Sessions are role session names (instance IDs, SDK timestamps) or, for
	// a FederatedUser, the federated user name.
	Sessions  []string
	Region    string // home region of regional calls; IAM and Route 53 calls go to us-east-1
	SourceIP  string
	UserAgent string
	InvokedBy string // service acting for the caller (EBS on KMS calls), if any
	Calls     []Call
}

// Cluster is an OpenShift cluster and the identities it uses.
type Cluster struct {
	Name       string
	InfraID    string
	Mode       Mode
	Region     string
	EgressIP   string // NAT address the cluster's calls come from
	OIDCIssuer string // STS mode only
	Identities []Identity
}

// CredReq is the part of an AWS CredentialsRequest that decides identity names.
type CredReq struct {
	Name            string // metadata.name
	SecretNamespace string // spec.secretRef.namespace
	SecretName      string // spec.secretRef.name
	ServiceAccounts []string
}

// Scenario is the account and identity layout a trail is generated from.
type Scenario struct {
	Account     string
	Regions     []string // delivery regions; objects alternate between them
	TrailName   string
	TrailBucket string // bucket the trail delivers to (named in the digest)
	Clusters    []Cluster
	Others      []Identity // non-cluster callers
}

// Identities returns every identity of the scenario, clusters first, in
// table order.
func (s *Scenario) Identities() []Identity {
	var ids []Identity
	for _, c := range s.Clusters {
		ids = append(ids, c.Identities...)
	}
	return append(ids, s.Others...)
}

func (s *Scenario) validate() error {
	if s.Account == "" || len(s.Regions) == 0 {
		return errors.New("scenario needs an account and at least one region")
	}
	for _, id := range s.Identities() {
		if !slices.Contains(s.Regions, id.Region) {
			return fmt.Errorf("identity %s: region %q is not a scenario region", id.Name, id.Region)
		}
		for _, c := range id.Calls {
			if c.Weight <= 0 {
				return fmt.Errorf("identity %s: call %s:%s has weight %d", id.Name, c.Service, c.Event, c.Weight)
			}
		}
	}
	return nil
}

// AWSCredentialsRequests returns the AWS CredentialsRequests of an OpenShift
// release (4.20-era manifests of ingress, cluster-api, machine-api,
// image-registry, cloud-network-config-controller, EBS CSI driver and
// cloud-credential-operator) as far as naming is concerned, in release order.
func AWSCredentialsRequests() []CredReq {
	return []CredReq{
		{"openshift-ingress", "openshift-ingress-operator", "cloud-credentials", []string{"ingress-operator"}},
		{"openshift-cluster-api-aws", "openshift-cluster-api", "capa-manager-bootstrap-credentials", []string{"capa-controller-manager"}},
		{"openshift-machine-api-aws", "openshift-machine-api", "aws-cloud-credentials", []string{"machine-api-controllers"}},
		{"openshift-image-registry", "openshift-image-registry", "installer-cloud-credentials", []string{"cluster-image-registry-operator", "registry"}},
		{"openshift-cloud-network-config-controller-aws", "openshift-cloud-network-config-controller", "cloud-credentials", []string{"cloud-network-config-controller"}},
		{"aws-ebs-csi-driver-operator", "openshift-cluster-csi-drivers", "ebs-cloud-credentials", []string{"aws-ebs-csi-driver-operator", "aws-ebs-csi-driver-controller-sa"}},
		{"cloud-credential-operator-iam-ro", "openshift-cloud-credential-operator", "cloud-credential-operator-iam-ro-creds", []string{"cloud-credential-operator"}},
	}
}

func credReq(name string) CredReq {
	for _, cr := range AWSCredentialsRequests() {
		if cr.Name == name {
			return cr
		}
	}
	panic("trailgen: unknown CredentialsRequest " + name)
}

// The sample account, its clusters and callers. Everything below is fixed
// data: the random suffixes are written out so that identity names do not
// depend on the seed and other tests can refer to them.
const (
	SampleAccount  = "123456789012"
	foreignAccount = "210987654321"
	globalRegion   = "us-east-1" // where IAM, Route 53 and console sign-in events are logged
	ciSourceIP     = "34.172.18.9"
	baseDomain     = "ci.devcluster.example.com"
)

// Names of the sample's clusters and of identities tests refer to.
const (
	MintCluster     = "ci-op-abc"
	MintInfraID     = "ci-op-abc-x7k2p"
	LongCluster     = "ci-op-longclustername" // 21 characters: infra suffix cut from user names
	LongInfraID     = "ci-op-longclustername-m4t8z"
	STSCluster      = "ci-sts-def"
	STSInfraID      = "ci-sts-def-q9w4r"
	STSOIDCIssuer   = "https://ci-sts-def-oidc.s3.us-east-1.amazonaws.com"
	MintInstaller   = "ci-op-abc-installer"
	LongInstaller   = "ci-op-longclustername-installer"
	STSInstaller    = "ci-sts-def-installer"
	STSCcoctlUser   = "ci-sts-def-ccoctl"
	FederationUser  = "ci-sso-broker"
	FederatedName   = "jdoe"
	ForeignAccount  = foreignAccount
	stsOIDCBucket   = "ci-sts-def-oidc"
	sharedBucket    = "ci-shared-artifacts-123456789012"
	sampleTrailName = "ci-management-events"
)

// minted pairs a CredentialsRequest with the random suffix of its minted user.
type minted struct {
	credReq string
	suffix  string
}

// DefaultScenario returns the scenario of the committed sample trail and of
// the benchmark trails:
//
//   - ci-op-abc (mint, us-west-2): installer user, one minted user per AWS
//     CredentialsRequest, master and worker instance roles;
//   - ci-op-longclustername (mint, us-east-1): a 21-character name, so its
//     minted users carry only "ci-op-longclusternam"; three minted users;
//   - ci-sts-def (STS, us-east-1): installer and ccoctl users, one role per
//     CredentialsRequest (iam-ro excepted) assumed by web identity;
//   - root, AWS services, a federated user and a foreign account.
func DefaultScenario() *Scenario {
	s := &Scenario{
		Account:     SampleAccount,
		Regions:     []string{"us-east-1", "us-west-2"},
		TrailName:   sampleTrailName,
		TrailBucket: "ci-cloudtrail-logs-" + SampleAccount,
	}
	abc := mintCluster(MintCluster, MintInfraID, "us-west-2", "3.92.14.201", MintInstaller, []minted{
		{"openshift-ingress", "t6wz2"},
		{"openshift-cluster-api-aws", "m5rkb"},
		{"openshift-machine-api-aws", "q8hxd"},
		{"openshift-image-registry", "4vnzs"},
		{"openshift-cloud-network-config-controller-aws", "k9pl2"},
		{"aws-ebs-csi-driver-operator", "jh7cw"},
		{"cloud-credential-operator-iam-ro", "x2gf5"},
	}, true)
	long := mintCluster(LongCluster, LongInfraID, "us-east-1", "54.210.33.17", LongInstaller, []minted{
		{"openshift-ingress", "c7vzn"},
		{"openshift-machine-api-aws", "w2tjb"},
		{"openshift-cloud-network-config-controller-aws", "r5dqg"},
	}, false)
	sts := stsCluster(STSCluster, STSInfraID, "us-east-1", "44.199.7.160", []string{
		"openshift-ingress",
		"openshift-cluster-api-aws",
		"openshift-machine-api-aws",
		"openshift-image-registry",
		"openshift-cloud-network-config-controller-aws",
		"aws-ebs-csi-driver-operator",
	})
	addDenials(&abc, &long, &sts)
	s.Clusters = []Cluster{abc, long, sts}
	s.Others = otherCallers(s.Clusters)
	return s
}

// call is shorthand for a weighted call in the tables below.
func call(service, event string, weight int, targets ...string) Call {
	return Call{Service: service, Event: event, Weight: weight, Targets: targets}
}

// operatorCalls are the calls an operator makes with its credentials: a
// realistic subset of what its CredentialsRequest grants.
func operatorCalls(credReqName string) []Call {
	switch credReqName {
	case "openshift-ingress":
		return []Call{
			call("elasticloadbalancing", "DescribeLoadBalancers", 6),
			call("route53", "ListHostedZones", 3),
			call("route53", "ListTagsForResources", 3),
			call("route53", "ChangeResourceRecordSets", 2),
			call("tagging", "GetResources", 3),
		}
	case "openshift-cluster-api-aws":
		return []Call{
			call("ec2", "DescribeInstances", 6),
			call("ec2", "DescribeImages", 2),
			call("ec2", "DescribeSubnets", 3),
			call("ec2", "DescribeSecurityGroups", 3),
			call("ec2", "DescribeVpcs", 2),
			call("ec2", "DescribeInstanceTypes", 2),
			call("ec2", "DescribeDhcpOptions", 1),
			call("ec2", "DescribeNetworkInterfaces", 2),
			call("ec2", "RunInstances", 1),
			call("ec2", "CreateTags", 1),
			call("ec2", "TerminateInstances", 1),
			call("elasticloadbalancing", "DescribeTargetHealth", 2),
			call("elasticloadbalancing", "RegisterTargets", 1),
			call("kms", "DescribeKey", 1),
			call("kms", "GenerateDataKeyWithoutPlaintext", 1),
			call("kms", "CreateGrant", 1),
		}
	case "openshift-machine-api-aws":
		return []Call{
			call("ec2", "DescribeInstances", 12),
			call("ec2", "DescribeImages", 3),
			call("ec2", "DescribeSubnets", 3),
			call("ec2", "DescribeSecurityGroups", 3),
			call("ec2", "DescribeAvailabilityZones", 2),
			call("ec2", "DescribeVpcs", 2),
			call("ec2", "DescribeDhcpOptions", 1),
			call("ec2", "DescribeInstanceTypes", 2),
			call("ec2", "DescribeRegions", 1),
			call("ec2", "RunInstances", 1),
			call("ec2", "TerminateInstances", 1),
			call("ec2", "CreateTags", 1),
			call("elasticloadbalancing", "DescribeLoadBalancers", 2),
			call("elasticloadbalancing", "DescribeTargetHealth", 2),
			call("elasticloadbalancing", "RegisterTargets", 1),
			call("elasticloadbalancing", "DeregisterTargets", 1),
			call("kms", "DescribeKey", 1),
			call("kms", "GenerateDataKeyWithoutPlaintext", 1),
			call("kms", "Decrypt", 1),
			call("kms", "ReEncrypt", 1),
			call("kms", "CreateGrant", 1),
		}
	case "openshift-image-registry":
		return []Call{
			call("s3", "HeadBucket", 3),
			call("s3", "CreateBucket", 1),
			call("s3", "PutBucketTagging", 1),
			call("s3", "GetBucketTagging", 1),
			call("s3", "PutBucketPublicAccessBlock", 1),
			call("s3", "GetBucketPublicAccessBlock", 1),
			call("s3", "PutBucketEncryption", 1),
			call("s3", "GetBucketEncryption", 1),
			call("s3", "PutBucketLifecycle", 1),
			call("s3", "GetBucketLifecycle", 1),
			call("s3", "GetBucketLocation", 2),
			call("s3", "ListObjectsV2", 6),
			call("s3", "HeadObject", 8),
			call("s3", "GetObject", 10),
			call("s3", "PutObject", 4),
			call("s3", "CreateMultipartUpload", 2),
			call("s3", "UploadPart", 6),
			call("s3", "CompleteMultipartUpload", 2),
			call("s3", "ListMultipartUploads", 1),
			call("s3", "AbortMultipartUpload", 1),
			call("s3", "DeleteObjects", 1),
			call("s3", "DeleteObject", 1),
		}
	case "openshift-cloud-network-config-controller-aws":
		return []Call{
			call("ec2", "DescribeInstances", 5),
			call("ec2", "DescribeInstanceTypes", 2),
			call("ec2", "DescribeInstanceStatus", 1),
			call("ec2", "DescribeSubnets", 2),
			call("ec2", "DescribeNetworkInterfaces", 4),
			call("ec2", "AssignPrivateIpAddresses", 1),
			call("ec2", "UnassignPrivateIpAddresses", 1),
		}
	case "aws-ebs-csi-driver-operator":
		return []Call{
			call("ec2", "DescribeVolumes", 10),
			call("ec2", "DescribeInstances", 4),
			call("ec2", "DescribeAvailabilityZones", 1),
			call("ec2", "DescribeVolumesModifications", 1),
			call("ec2", "DescribeSnapshots", 1),
			call("ec2", "CreateVolume", 2),
			call("ec2", "AttachVolume", 2),
			call("ec2", "DetachVolume", 1),
			call("ec2", "DeleteVolume", 1),
			call("ec2", "ModifyVolume", 1),
			call("ec2", "CreateSnapshot", 1),
			call("ec2", "CreateTags", 1),
			call("kms", "DescribeKey", 1),
			call("kms", "CreateGrant", 1),
			call("kms", "GenerateDataKeyWithoutPlaintext", 1),
			call("kms", "Decrypt", 1),
			call("kms", "ReEncrypt", 1),
		}
	case "cloud-credential-operator-iam-ro":
		// Targets are filled in with the cluster's other minted users.
		return []Call{
			call("iam", "GetUser", 3),
			call("iam", "GetUserPolicy", 2),
			call("iam", "ListAccessKeys", 2),
		}
	}
	panic("trailgen: no calls for CredentialsRequest " + credReqName)
}

// operatorUserAgent is the SDK user agent of the operator that owns a
// CredentialsRequest.
func operatorUserAgent(credReqName string) string {
	switch credReqName {
	case "openshift-ingress":
		return "aws-sdk-go/1.55.7 (go1.24.4; linux; amd64) ingress-operator"
	case "openshift-cluster-api-aws":
		return "aws-sdk-go/1.55.7 (go1.24.4; linux; amd64) aws.cluster.x-k8s.io/v2.8.1"
	case "openshift-machine-api-aws":
		return "aws-sdk-go/1.55.7 (go1.24.4; linux; amd64) openshift.io cluster-api-provider-aws/4.20"
	case "openshift-image-registry":
		return "aws-sdk-go-v2/1.36.3 ua/2.1 os/linux lang/go#1.24.4 md/GOOS#linux md/GOARCH#amd64 api/s3#1.79.2 cluster-image-registry-operator"
	case "openshift-cloud-network-config-controller-aws":
		return "aws-sdk-go/1.55.7 (go1.24.4; linux; amd64) cloud-network-config-controller"
	case "aws-ebs-csi-driver-operator":
		return "aws-sdk-go-v2/1.36.3 ua/2.1 os/linux lang/go#1.24.4 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.210.1 m/E ebs-csi-driver/v1.41.0"
	case "cloud-credential-operator-iam-ro":
		return "aws-sdk-go/1.55.7 (go1.24.4; linux; amd64) cloud-credential-operator"
	}
	return "aws-sdk-go/1.55.7 (go1.24.4; linux; amd64)"
}

const installerUA = "aws-sdk-go-v2/1.36.3 ua/2.1 os/linux lang/go#1.24.4 md/GOOS#linux md/GOARCH#amd64 m/E,e OpenShift/4.20 Installer"

// installerCalls are the calls openshift-install makes while creating a
// cluster. full adds the rarer network plumbing calls.
func installerCalls(infraID string, full bool) []Call {
	calls := []Call{
		call("sts", "GetCallerIdentity", 3),
		call("iam", "GetUser", 2),
		call("iam", "SimulatePrincipalPolicy", 2),
		call("servicequotas", "ListAWSDefaultServiceQuotas", 1),
		call("ec2", "DescribeAvailabilityZones", 6),
		call("ec2", "DescribeRegions", 3),
		call("ec2", "DescribeImages", 3),
		call("ec2", "DescribeInstances", 12),
		call("ec2", "DescribeInstanceTypes", 3),
		call("ec2", "DescribeVpcs", 4),
		call("ec2", "DescribeSubnets", 4),
		call("ec2", "DescribeSecurityGroups", 4),
		call("ec2", "DescribeRouteTables", 3),
		call("ec2", "CreateVpc", 1),
		call("ec2", "CreateSubnet", 2),
		call("ec2", "CreateSecurityGroup", 1),
		call("ec2", "AuthorizeSecurityGroupIngress", 2),
		call("ec2", "RunInstances", 2),
		call("ec2", "CreateTags", 3),
		call("ec2", "TerminateInstances", 1),
		call("elasticloadbalancing", "CreateLoadBalancer", 1),
		call("elasticloadbalancing", "CreateTargetGroup", 1),
		call("elasticloadbalancing", "RegisterTargets", 1),
		call("elasticloadbalancing", "CreateListener", 1),
		call("elasticloadbalancing", "DescribeLoadBalancers", 3),
		call("elasticloadbalancing", "DescribeTargetGroups", 2),
		call("route53", "ListHostedZonesByName", 2),
		call("route53", "CreateHostedZone", 1),
		call("route53", "ChangeResourceRecordSets", 2),
		call("route53", "GetHostedZone", 2),
		call("route53", "GetChange", 2),
		call("s3", "CreateBucket", 1),
		call("s3", "HeadBucket", 1),
		call("s3", "PutObject", 1),
		call("s3", "DeleteObject", 1),
		call("s3", "DeleteBucket", 1),
		call("iam", "CreateRole", 1, infraID+"-master-role"),
		call("iam", "CreateRole", 1, infraID+"-worker-role"),
		call("iam", "PutRolePolicy", 2, infraID+"-master-role", infraID+"-worker-role"),
		call("iam", "CreateInstanceProfile", 1, infraID+"-master-profile", infraID+"-worker-profile"),
		call("iam", "AddRoleToInstanceProfile", 1, infraID+"-master-role", infraID+"-worker-role"),
		call("iam", "GetRole", 2, infraID+"-master-role", infraID+"-worker-role"),
		call("tagging", "GetResources", 2),
	}
	if full {
		calls = append(calls,
			call("ec2", "DescribeNatGateways", 2),
			call("ec2", "DescribeAddresses", 2),
			call("ec2", "DescribeInternetGateways", 2),
			call("ec2", "CreateInternetGateway", 1),
			call("ec2", "AttachInternetGateway", 1),
			call("ec2", "AllocateAddress", 1),
			call("ec2", "CreateNatGateway", 1),
			call("ec2", "CreateRouteTable", 1),
			call("ec2", "CreateRoute", 1),
			call("ec2", "AssociateRouteTable", 1),
			call("ec2", "CreateVpcEndpoint", 1),
			call("ec2", "ModifyInstanceAttribute", 1),
			call("elasticloadbalancing", "ModifyTargetGroupAttributes", 1),
			call("elasticloadbalancing", "AddTags", 1),
			call("route53", "ChangeTagsForResource", 1),
			call("route53", "ListResourceRecordSets", 1),
			call("s3", "PutBucketTagging", 1),
			call("s3", "ListObjects", 1),
		)
	}
	return calls
}

func instanceRoles(c Cluster, natIP string) []Identity {
	master := c.InfraID + "-master-role"
	worker := c.InfraID + "-worker-role"
	ua := "aws-sdk-go/1.55.7 (go1.24.4; linux; amd64) aws-cloud-controller-manager"
	return []Identity{
		{
			Type: AssumedRole, Name: master, Cluster: c.Name, Sessions: instanceIDs(master, 3),
			Region: c.Region, SourceIP: natIP, UserAgent: ua,
			Calls: []Call{
				call("ec2", "DescribeInstances", 20),
				call("ec2", "DescribeSecurityGroups", 3),
				call("ec2", "DescribeSubnets", 3),
				call("ec2", "DescribeRouteTables", 3),
				call("ec2", "DescribeVpcs", 1),
				call("ec2", "DescribeAvailabilityZones", 2),
				call("ec2", "DescribeRegions", 1),
				call("ec2", "CreateSecurityGroup", 1),
				call("ec2", "AuthorizeSecurityGroupIngress", 1),
				call("ec2", "CreateTags", 1),
				call("elasticloadbalancing", "DescribeLoadBalancers", 4),
				call("elasticloadbalancing", "DescribeTargetGroups", 2),
				call("elasticloadbalancing", "DescribeTargetHealth", 3),
				call("elasticloadbalancing", "DescribeLoadBalancerAttributes", 1),
				call("elasticloadbalancing", "CreateLoadBalancer", 1),
				call("elasticloadbalancing", "ConfigureHealthCheck", 1),
				call("elasticloadbalancing", "ModifyLoadBalancerAttributes", 1),
				call("elasticloadbalancing", "RegisterInstancesWithLoadBalancer", 1),
				call("kms", "DescribeKey", 1),
			},
		},
		{
			Type: AssumedRole, Name: worker, Cluster: c.Name, Sessions: instanceIDs(worker, 3),
			Region: c.Region, SourceIP: natIP,
			UserAgent: "aws-sdk-go/1.55.7 (go1.24.4; linux; amd64) kubelet",
			Calls: []Call{
				call("ec2", "DescribeInstances", 8),
				call("ec2", "DescribeRegions", 2),
			},
		},
	}
}

func mintCluster(name, infraID, region, natIP, installer string, users []minted, full bool) Cluster {
	c := Cluster{Name: name, InfraID: infraID, Mode: ModeMint, Region: region, EgressIP: natIP}
	inst := Identity{
		Type: IAMUser, Name: installer, Cluster: name, Region: region,
		SourceIP: ciSourceIP, UserAgent: installerUA, Calls: installerCalls(infraID, full),
	}
	var names []string
	for _, m := range users {
		names = append(names, MintUserName(infraID, m.credReq, m.suffix))
	}
	// In mint mode the installer's credentials become the cluster's root
	// credential: the cloud-credential-operator mints the users with them.
	for _, u := range names {
		inst.Calls = append(inst.Calls, call("iam", "CreateUser", 1, u))
	}
	inst.Calls = append(inst.Calls,
		call("iam", "PutUserPolicy", 1, names...),
		call("iam", "CreateAccessKey", 1, names...),
		call("iam", "GetUserPolicy", 1, names...),
	)
	c.Identities = append(c.Identities, inst)
	for i, m := range users {
		calls := operatorCalls(m.credReq)
		if m.credReq == "cloud-credential-operator-iam-ro" {
			others := slices.Delete(slices.Clone(names), i, i+1)
			for j := range calls {
				calls[j].Targets = others
			}
		}
		// CCO grants every minted user iam:GetUser on itself; the SDKs'
		// credential checks call sts:GetCallerIdentity.
		calls = append(calls, call("iam", "GetUser", 1, names[i]), call("sts", "GetCallerIdentity", 1))
		c.Identities = append(c.Identities, Identity{
			Type: IAMUser, Name: names[i], Cluster: name, CredReq: m.credReq, Region: region,
			SourceIP: natIP, UserAgent: operatorUserAgent(m.credReq), Calls: calls,
		})
	}
	c.Identities = append(c.Identities, instanceRoles(c, natIP)...)
	return c
}

func stsCluster(name, infraID, region, natIP string, credReqs []string) Cluster {
	c := Cluster{Name: name, InfraID: infraID, Mode: ModeSTS, Region: region, EgressIP: natIP, OIDCIssuer: STSOIDCIssuer}
	c.Identities = append(c.Identities, Identity{
		Type: IAMUser, Name: STSInstaller, Cluster: name, Region: region,
		SourceIP: ciSourceIP, UserAgent: installerUA, Calls: installerCalls(infraID, false),
	})
	var roles []string
	for _, n := range credReqs {
		cr := credReq(n)
		roles = append(roles, STSRoleName(name, cr.SecretNamespace, cr.SecretName))
	}
	ccoctl := Identity{
		Type: IAMUser, Name: STSCcoctlUser, Cluster: name, Region: region, SourceIP: ciSourceIP,
		UserAgent: "aws-sdk-go/1.55.7 (go1.24.4; linux; amd64) ccoctl",
		Calls: []Call{
			call("iam", "CreateOpenIDConnectProvider", 1),
			call("iam", "PutRolePolicy", 1, roles...),
			call("iam", "GetRole", 1, roles...),
			call("s3", "CreateBucket", 1),
			call("s3", "PutBucketTagging", 1),
			call("s3", "PutBucketPublicAccessBlock", 1),
			call("s3", "PutObject", 2),
			call("sts", "GetCallerIdentity", 1),
		},
	}
	for _, r := range roles {
		ccoctl.Calls = append(ccoctl.Calls, call("iam", "CreateRole", 1, r))
	}
	c.Identities = append(c.Identities, ccoctl)
	for i, n := range credReqs {
		cr := credReq(n)
		var subjects []string
		for _, sa := range cr.ServiceAccounts {
			subjects = append(subjects, ServiceAccountSubject(cr.SecretNamespace, sa))
		}
		calls := append(operatorCalls(n),
			Call{Service: "sts", Event: "AssumeRoleWithWebIdentity", Weight: 3, Targets: subjects, WebIdentity: true},
			call("sts", "GetCallerIdentity", 1))
		c.Identities = append(c.Identities, Identity{
			Type: AssumedRole, Name: roles[i], Cluster: name, CredReq: n, Subjects: subjects,
			Sessions: sdkSessions(roles[i], 2), Region: region, SourceIP: natIP,
			UserAgent: operatorUserAgent(n), Calls: calls,
		})
	}
	c.Identities = append(c.Identities, instanceRoles(c, natIP)...)
	return c
}

// addDenials gives some identities calls that AWS refuses, one per message
// format DESIGN.md section 5 describes.
func addDenials(abc, long, sts *Cluster) {
	deny := func(c *Cluster, name string, cl Call) {
		for i := range c.Identities {
			if c.Identities[i].Name == name {
				c.Identities[i].Calls = append(c.Identities[i].Calls, cl)
				return
			}
		}
		panic("trailgen: no identity " + name)
	}
	acct := SampleAccount
	deny(abc, MintInstaller, Call{Service: "ec2", Event: "CreateTags", Weight: 1, Deny: &Denial{
		Code: "Client.UnauthorizedOperation", Action: "ec2:CreateTags", Cause: NoAllow,
		Resource: "arn:aws:ec2:us-west-2:" + acct + ":vpc/vpc-0" + hexID(abc.InfraID+"vpc", 16),
	}})
	deny(abc, MintInstaller, Call{Service: "s3", Event: "GetObject", Weight: 1, Deny: &Denial{
		Code: "AccessDenied", Action: "s3:GetObject", Cause: PlainS3,
	}})
	registry := MintUserName(MintInfraID, "openshift-image-registry", "4vnzs")
	deny(abc, registry, Call{Service: "s3", Event: "PutBucketOwnershipControls", Weight: 1, Deny: &Denial{
		Code: "AccessDenied", Action: "s3:PutBucketOwnershipControls", Cause: NoAllow,
		Resource: "arn:aws:s3:::" + registryBucket(MintInfraID, "us-west-2"),
	}})
	deny(abc, MintInfraID+"-worker-role", Call{Service: "ec2", Event: "DescribeSecurityGroups", Weight: 1, Deny: &Denial{
		Code: "Client.UnauthorizedOperation", Action: "ec2:DescribeSecurityGroups", Cause: NoAllow,
	}})
	ingress := MintUserName(LongInfraID, "openshift-ingress", "c7vzn")
	deny(long, ingress, Call{Service: "route53", Event: "ChangeResourceRecordSets", Weight: 1, Deny: &Denial{
		Code: "AccessDenied", Action: "route53:ChangeResourceRecordSets", Cause: Boundary,
		Resource: "arn:aws:route53:::hostedzone/" + hostedZoneID(LongInfraID),
	}})
	machineAPI := MintUserName(LongInfraID, "openshift-machine-api-aws", "w2tjb")
	deny(long, machineAPI, Call{Service: "ec2", Event: "RunInstances", Weight: 1, Deny: &Denial{
		Code: "Client.UnauthorizedOperation", Action: "ec2:RunInstances", Cause: Encoded,
	}})
	capa := STSRoleName(STSCluster, "openshift-cluster-api", "capa-manager-bootstrap-credentials")
	deny(sts, capa, Call{Service: "kms", Event: "CreateGrant", Weight: 1, Deny: &Denial{
		Code: "AccessDeniedException", Action: "kms:CreateGrant", Cause: SCP,
		Resource: kmsKeyARN("us-east-1", STSInfraID),
	}})
	reg := STSRoleName(STSCluster, "openshift-image-registry", "installer-cloud-credentials")
	deny(sts, reg, Call{Service: "sts", Event: "AssumeRoleWithWebIdentity", Weight: 1, WebIdentity: true,
		Targets: []string{ServiceAccountSubject("openshift-image-registry", "registry")},
		Deny:    &Denial{Code: "InvalidIdentityToken", Action: "sts:AssumeRoleWithWebIdentity", Cause: BadToken}})
	cncc := STSRoleName(STSCluster, "openshift-cloud-network-config-controller", "cloud-credentials")
	deny(sts, cncc, Call{Service: "sts", Event: "AssumeRoleWithWebIdentity", Weight: 1, WebIdentity: true,
		Targets: []string{ServiceAccountSubject("openshift-cloud-network-config-controller", "default")},
		Deny:    &Denial{Code: "AccessDenied", Action: "sts:AssumeRoleWithWebIdentity", Cause: Untrusted}})
}

// otherCallers are the account's non-cluster principals.
func otherCallers(clusters []Cluster) []Identity {
	// EC2 assumes the instance roles for the instances, in each cluster's region.
	rolesByRegion := map[string][]string{}
	var regions []string
	for _, c := range clusters {
		if _, ok := rolesByRegion[c.Region]; !ok {
			regions = append(regions, c.Region)
		}
		rolesByRegion[c.Region] = append(rolesByRegion[c.Region], c.InfraID+"-master-role", c.InfraID+"-worker-role")
	}
	var ids []Identity
	for _, r := range regions {
		ids = append(ids, Identity{
			Type: AWSService, Name: "ec2.amazonaws.com", Region: r,
			SourceIP: "ec2.amazonaws.com", UserAgent: "ec2.amazonaws.com",
			Calls: []Call{call("sts", "AssumeRole", 2, rolesByRegion[r]...)},
		})
	}
	return append(ids,
		Identity{
			Type: AWSService, Name: "kms.amazonaws.com", Region: globalRegion,
			SourceIP: "kms.amazonaws.com", UserAgent: "kms.amazonaws.com",
			Calls: []Call{{Service: "kms", Event: "RotateKey", Weight: 1, ServiceEvent: true}},
		},
		Identity{
			Type: Root, Name: "root", Region: globalRegion, SourceIP: "198.51.100.23",
			UserAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
			Calls: []Call{
				call("signin", "ConsoleLogin", 1),
				call("iam", "GetAccountSummary", 1),
				call("iam", "ListUsers", 1),
			},
		},
		Identity{
			Type: FederatedUser, Name: FederationUser, Sessions: []string{FederatedName},
			Region: globalRegion, SourceIP: "203.0.113.45",
			UserAgent: "aws-cli/2.27.31 md/awscrt#0.26.1 ua/2.1 os/linux#6.14.0 md/arch#x86_64 lang/python#3.13.4 md/pyimpl#CPython m/E,b,Z command/lambda.create-function",
			Calls: []Call{
				call("lambda", "CreateFunction20150331", 1),
				call("lambda", "GetFunction20150331v2", 2),
				call("monitoring", "GetMetricData", 3),
				call("monitoring", "PutMetricData", 2),
				call("s3", "ListBuckets", 1),
				call("ec2", "DescribeInstances", 2),
			},
		},
		Identity{
			Type: AWSAccount, Name: foreignAccount, Region: globalRegion, SourceIP: "18.232.77.140",
			UserAgent: "aws-sdk-go-v2/1.36.3 ua/2.1 os/linux lang/go#1.24.4 md/GOOS#linux md/GOARCH#amd64 api/s3#1.79.2",
			Calls: []Call{
				call("s3", "GetObject", 2),
				call("kms", "Decrypt", 1),
			},
		},
	)
}

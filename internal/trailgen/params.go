package trailgen

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// params is what a call's record says besides the envelope.
type params struct {
	req, resp, extra any
	resources        []resource
	serviceDetails   any
	host             string // TLS host header when it is not service.region.amazonaws.com
}

const s3XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"

func (b *builder) params(e *entry, target string, t time.Time) params {
	switch e.call.Service {
	case "ec2":
		return b.ec2(e, t)
	case "elasticloadbalancing":
		return b.elb(e, t)
	case "route53":
		return b.route53(e, t)
	case "s3":
		return b.s3(e, t)
	case "iam":
		return b.iam(e, target, t)
	case "sts":
		return b.sts(e, target, t)
	case "kms":
		return b.kms(e)
	case "tagging":
		return params{req: obj{
			{"resourcesPerPage", 100},
			{"tagFilters", arr{obj{{"key", "kubernetes.io/cluster/" + infraOf(e)}, {"values", []string{"owned"}}}}},
			{"resourceTypeFilters", []string{"route53:hostedzone"}},
		}}
	case "servicequotas":
		return params{req: obj{{"serviceCode", pick(b.rng, []string{"ec2", "vpc", "elasticloadbalancing", "iam"})}}}
	case "lambda":
		return b.lambda(e, t)
	case "monitoring":
		return b.monitoring(e, t)
	case "signin":
		return params{
			resp: obj{{"ConsoleLogin", "Success"}},
			extra: obj{
				{"LoginTo", "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_" + randHex(b.rng, 16)},
				{"MobileVersion", "No"},
				{"MFAIdentifier", "arn:aws:iam::" + b.account + ":mfa/root-account-mfa-device"},
				{"MFAUsed", "Yes"},
			},
		}
	}
	return params{}
}

func infraOf(e *entry) string {
	if e.cluster != nil {
		return e.cluster.InfraID
	}
	return "ci-shared"
}

func clusterTags(infra string) obj {
	return obj{{"items", arr{
		obj{{"key", "kubernetes.io/cluster/" + infra}, {"value", "owned"}},
		obj{{"key", "Name"}, {"value", infra}},
	}}}
}

func tagSpec(resourceType, infra string) obj {
	return obj{{"items", arr{obj{{"resourceType", resourceType}, {"tags", clusterTags(infra)}}}}}
}

func (b *builder) instanceID(e *entry) string {
	return "i-0" + hexID(infraOf(e)+"/instance/"+strconv.Itoa(b.rng.IntN(12)), 16)
}

func (b *builder) volumeID(e *entry) string {
	return "vol-0" + hexID(infraOf(e)+"/volume/"+strconv.Itoa(b.rng.IntN(40)), 16)
}

func (b *builder) subnetID(e *entry) string {
	return "subnet-0" + hexID(infraOf(e)+"/subnet/"+strconv.Itoa(b.rng.IntN(6)), 16)
}

func vpcID(e *entry) string { return "vpc-0" + hexID(infraOf(e)+"vpc", 16) }

func (b *builder) zone(e *entry) string { return e.region + string(rune('a'+b.rng.IntN(3))) }

func ec2Filter(name string, values ...string) obj {
	var vs arr
	for _, v := range values {
		vs = append(vs, obj{{"value", v}})
	}
	return obj{{"name", name}, {"valueSet", obj{{"items", vs}}}}
}

func (b *builder) ec2(e *entry, t time.Time) params {
	infra := infraOf(e)
	ok := obj{{"requestId", randUUID(b.rng)}, {"_return", true}}
	ownedFilter := obj{{"items", arr{ec2Filter("tag:kubernetes.io/cluster/"+infra, "owned", "shared")}}}
	switch ev := e.call.Event; ev {
	case "DescribeInstances":
		if b.rng.IntN(2) == 0 {
			var items arr
			for range 1 + b.rng.IntN(3) {
				items = append(items, obj{{"instanceId", b.instanceID(e)}})
			}
			return params{req: obj{{"instancesSet", obj{{"items", items}}}, {"filterSet", obj{}}}}
		}
		return params{req: obj{{"instancesSet", obj{}}, {"filterSet", obj{{"items", arr{
			ec2Filter("tag:kubernetes.io/cluster/"+infra, "owned"),
			ec2Filter("instance-state-name", "pending", "running", "stopping", "stopped"),
		}}}}}}
	case "DescribeVolumes":
		return params{req: obj{{"volumeSet", obj{{"items", arr{obj{{"volumeId", b.volumeID(e)}}}}}}, {"filterSet", obj{}}}}
	case "DescribeInstanceTypes":
		return params{req: obj{{"DescribeInstanceTypesRequest", obj{{"InstanceType", obj{{"content", pick(b.rng, []string{"m6i.xlarge", "m6i.2xlarge", "c6i.2xlarge"})}, {"tag", 1}}}}}}}
	case "DescribeImages":
		return params{req: obj{{"executableBySet", obj{}}, {"imagesSet", obj{{"items", arr{obj{{"imageId", "ami-0" + hexID(e.region+"rhcos", 16)}}}}}}, {"ownersSet", obj{}}, {"includeDeprecated", true}, {"filterSet", obj{}}}}
	case "DescribeAvailabilityZones":
		return params{req: obj{{"availabilityZoneSet", obj{}}, {"availabilityZoneIdSet", obj{}}, {"filterSet", obj{{"items", arr{ec2Filter("region-name", e.region)}}}}}}
	case "DescribeRegions":
		return params{req: obj{{"regionSet", obj{{"items", arr{obj{{"regionName", e.region}}}}}}, {"allRegions", false}}}
	case "DescribeSubnets":
		return params{req: obj{{"subnetSet", obj{}}, {"filterSet", obj{{"items", arr{ec2Filter("vpc-id", vpcID(e))}}}}}}
	case "DescribeSecurityGroups", "DescribeRouteTables", "DescribeVpcs", "DescribeNatGateways", "DescribeAddresses",
		"DescribeInternetGateways", "DescribeNetworkInterfaces", "DescribeDhcpOptions", "DescribeSnapshots",
		"DescribeVolumesModifications", "DescribeInstanceStatus":
		return params{req: obj{{"maxResults", 1000}, {"filterSet", ownedFilter}}}
	case "RunInstances":
		return b.runInstances(e, t)
	case "TerminateInstances":
		id := b.instanceID(e)
		return params{
			req: obj{{"instancesSet", obj{{"items", arr{obj{{"instanceId", id}}}}}}},
			resp: obj{{"requestId", randUUID(b.rng)}, {"instancesSet", obj{{"items", arr{obj{
				{"instanceId", id}, {"currentState", obj{{"code", 32}, {"name", "shutting-down"}}},
				{"previousState", obj{{"code", 16}, {"name", "running"}}},
			}}}}}},
		}
	case "CreateTags":
		return params{
			req: obj{
				{"resourcesSet", obj{{"items", arr{obj{{"resourceId", b.instanceID(e)}}}}}},
				{"tagSet", clusterTags(infra)},
			},
			resp: ok,
		}
	case "CreateVolume":
		vol := b.volumeID(e)
		return params{
			req: obj{{"size", 100}, {"zone", b.zone(e)}, {"volumeType", "gp3"}, {"encrypted", true},
				{"tagSpecificationSet", tagSpec("volume", infra)}, {"clientToken", "pvc-" + randUUID(b.rng)}},
			resp: obj{{"requestId", randUUID(b.rng)}, {"volumeId", vol}, {"size", 100}, {"zone", b.zone(e)},
				{"status", "creating"}, {"createTime", epochMillis(t)}, {"volumeType", "gp3"}, {"iops", 3000},
				{"encrypted", true}, {"masterEncryptionKeyId", kmsKeyARN(e.region, infra)}, {"tagSet", clusterTags(infra)},
				{"multiAttachEnabled", false}, {"throughput", 125}},
		}
	case "AttachVolume", "DetachVolume":
		vol, inst := b.volumeID(e), b.instanceID(e)
		dev := "/dev/xvd" + string(rune('b'+b.rng.IntN(20))) + string(rune('a'+b.rng.IntN(26)))
		status := "attaching"
		if ev == "DetachVolume" {
			status = "detaching"
		}
		return params{
			req: obj{{"volumeId", vol}, {"instanceId", inst}, {"device", dev}},
			resp: obj{{"requestId", randUUID(b.rng)}, {"volumeId", vol}, {"instanceId", inst}, {"device", dev},
				{"status", status}, {"attachTime", epochMillis(t)}, {"deleteOnTermination", false}},
		}
	case "DeleteVolume":
		return params{req: obj{{"volumeId", b.volumeID(e)}}, resp: ok}
	case "ModifyVolume":
		vol := b.volumeID(e)
		return params{
			req: obj{{"ModifyVolumeRequest", obj{{"VolumeId", vol}, {"Size", 200}}}},
			resp: obj{{"ModifyVolumeResponse", obj{{"xmlns", "http://ec2.amazonaws.com/doc/2016-11-15/"}, {"requestId", randUUID(b.rng)},
				{"volumeModification", obj{{"modificationState", "modifying"}, {"originalSize", 100}, {"targetSize", 200}, {"volumeId", vol}}}}}},
		}
	case "CreateSnapshot":
		vol := b.volumeID(e)
		return params{
			req: obj{{"volumeId", vol}, {"tagSpecificationSet", tagSpec("snapshot", infra)}},
			resp: obj{{"requestId", randUUID(b.rng)}, {"snapshotId", "snap-0" + randHex(b.rng, 16)}, {"volumeId", vol},
				{"status", "pending"}, {"startTime", epochMillis(t)}, {"progress", ""}, {"ownerId", b.account},
				{"volumeSize", 100}, {"encrypted", true}, {"tagSet", clusterTags(infra)}},
		}
	case "AssignPrivateIpAddresses", "UnassignPrivateIpAddresses":
		eni := "eni-0" + hexID(infra+"eni"+strconv.Itoa(b.rng.IntN(6)), 16)
		ip := "10.0." + strconv.Itoa(128+b.rng.IntN(64)) + "." + strconv.Itoa(4+b.rng.IntN(250))
		req := obj{{"networkInterfaceId", eni}, {"privateIpAddressesSet", obj{{"items", arr{obj{{"privateIpAddress", ip}}}}}}}
		if ev == "UnassignPrivateIpAddresses" {
			return params{req: req, resp: ok}
		}
		return params{req: req, resp: obj{{"requestId", randUUID(b.rng)}, {"networkInterfaceId", eni},
			{"assignedPrivateIpAddressesSet", obj{{"assignedPrivateIpAddressSetType", arr{obj{{"privateIpAddress", ip}}}}}}, {"_return", true}}}
	case "CreateVpc":
		return params{
			req: obj{{"cidrBlock", "10.0.0.0/16"}, {"instanceTenancy", "default"}, {"tagSpecificationSet", tagSpec("vpc", infra)}},
			resp: obj{{"requestId", randUUID(b.rng)}, {"vpc", obj{{"vpcId", vpcID(e)}, {"state", "pending"}, {"ownerId", b.account},
				{"cidrBlock", "10.0.0.0/16"}, {"dhcpOptionsId", "dopt-0" + hexID(infra+"dopt", 16)}, {"instanceTenancy", "default"},
				{"tagSet", clusterTags(infra)}, {"isDefault", false}}}},
		}
	case "CreateSubnet":
		sub := b.subnetID(e)
		return params{
			req: obj{{"vpcId", vpcID(e)}, {"cidrBlock", "10.0." + strconv.Itoa(b.rng.IntN(6)*32) + ".0/19"}, {"availabilityZone", b.zone(e)},
				{"tagSpecificationSet", tagSpec("subnet", infra)}},
			resp: obj{{"requestId", randUUID(b.rng)}, {"subnet", obj{{"subnetId", sub}, {"state", "available"}, {"vpcId", vpcID(e)},
				{"availableIpAddressCount", 8187}, {"defaultForAz", false}, {"mapPublicIpOnLaunch", false}, {"tagSet", clusterTags(infra)},
				{"subnetArn", "arn:aws:ec2:" + e.region + ":" + b.account + ":subnet/" + sub}}}},
		}
	case "CreateSecurityGroup":
		return params{
			req:  obj{{"groupName", infra + "-" + pick(b.rng, []string{"node", "controlplane", "lb", "apiserver-lb"})}, {"groupDescription", "Created by the installer"}, {"vpcId", vpcID(e)}, {"tagSpecificationSet", tagSpec("security-group", infra)}},
			resp: obj{{"requestId", randUUID(b.rng)}, {"_return", true}, {"groupId", "sg-0" + randHex(b.rng, 16)}, {"securityGroupArn", "arn:aws:ec2:" + e.region + ":" + b.account + ":security-group/sg-0" + randHex(b.rng, 16)}},
		}
	case "AuthorizeSecurityGroupIngress":
		return params{
			req: obj{{"groupId", "sg-0" + hexID(infra+"sg", 16)}, {"ipPermissions", obj{{"items", arr{obj{
				{"ipProtocol", "tcp"}, {"fromPort", 6443}, {"toPort", 6443}, {"groups", obj{}},
				{"ipRanges", obj{{"items", arr{obj{{"cidrIp", "10.0.0.0/16"}, {"description", "Kubernetes API server"}}}}}},
				{"ipv6Ranges", obj{}}, {"prefixListIds", obj{}}}}}}}},
			resp: obj{{"requestId", randUUID(b.rng)}, {"_return", true}, {"securityGroupRuleSet", obj{{"items", arr{obj{
				{"groupOwnerId", b.account}, {"groupId", "sg-0" + hexID(infra+"sg", 16)}, {"securityGroupRuleId", "sgr-0" + randHex(b.rng, 16)},
				{"isEgress", false}, {"ipProtocol", "tcp"}, {"fromPort", 6443}, {"toPort", 6443}, {"cidrIpv4", "10.0.0.0/16"}}}}}}},
		}
	}
	// Other mutating calls: an idempotency token and a bare success.
	return params{
		req:  obj{{"clientToken", randUUID(b.rng)}, {"tagSpecificationSet", tagSpec(strings.ToLower(strings.TrimPrefix(e.call.Event, "Create")), infra)}},
		resp: ok,
	}
}

// runInstances is the largest record type in real trails: the response
// describes the whole instance.
func (b *builder) runInstances(e *entry, t time.Time) params {
	infra := infraOf(e)
	role := pick(b.rng, []string{"master", "worker"})
	inst := "i-0" + randHex(b.rng, 16)
	sub := b.subnetID(e)
	ip := "10.0." + strconv.Itoa(b.rng.IntN(96)) + "." + strconv.Itoa(4+b.rng.IntN(250))
	ami := "ami-0" + hexID(e.region+"rhcos", 16)
	zone := b.zone(e)
	req := obj{
		{"instancesSet", obj{{"items", arr{obj{{"imageId", ami}, {"minCount", 1}, {"maxCount", 1}}}}}},
		{"instanceType", "m6i.xlarge"},
		{"blockDeviceMapping", obj{{"items", arr{obj{{"deviceName", "/dev/xvda"}, {"ebs", obj{
			{"volumeSize", 120}, {"deleteOnTermination", true}, {"volumeType", "gp3"}, {"encrypted", true}}}}}}}},
		{"monitoring", obj{{"enabled", false}}},
		{"disableApiTermination", false},
		{"disableApiStop", false},
		{"clientToken", randUUID(b.rng)},
		{"networkInterfaceSet", obj{{"items", arr{obj{{"deviceIndex", 0}, {"subnetId", sub},
			{"groupSet", obj{{"items", arr{obj{{"groupId", "sg-0" + hexID(infra+"sg", 16)}}}}}}}}}}},
		{"iamInstanceProfile", obj{{"name", infra + "-" + role + "-profile"}}},
		{"tagSpecificationSet", tagSpec("instance", infra)},
		{"metadataOptions", obj{{"httpTokens", "required"}, {"httpEndpoint", "enabled"}}},
	}
	resp := obj{
		{"requestId", randUUID(b.rng)},
		{"reservationId", "r-0" + randHex(b.rng, 16)},
		{"ownerId", b.account},
		{"groupSet", obj{}},
		{"instancesSet", obj{{"items", arr{obj{
			{"instanceId", inst},
			{"imageId", ami},
			{"currentInstanceBootMode", "legacy-bios"},
			{"instanceState", obj{{"code", 0}, {"name", "pending"}}},
			{"privateDnsName", "ip-" + strings.ReplaceAll(ip, ".", "-") + "." + e.region + ".compute.internal"},
			{"amiLaunchIndex", 0},
			{"productCodes", obj{}},
			{"instanceType", "m6i.xlarge"},
			{"launchTime", epochMillis(t)},
			{"placement", obj{{"availabilityZone", zone}, {"tenancy", "default"}}},
			{"monitoring", obj{{"state", "disabled"}}},
			{"subnetId", sub},
			{"vpcId", vpcID(e)},
			{"privateIpAddress", ip},
			{"stateReason", obj{{"code", "pending"}, {"message", "pending"}}},
			{"architecture", "x86_64"},
			{"rootDeviceType", "ebs"},
			{"rootDeviceName", "/dev/xvda"},
			{"blockDeviceMapping", obj{}},
			{"virtualizationType", "hvm"},
			{"clientToken", randUUID(b.rng)},
			{"tagSet", clusterTags(infra)},
			{"groupSet", obj{{"items", arr{obj{{"groupId", "sg-0" + hexID(infra+"sg", 16)}, {"groupName", infra + "-node"}}}}}},
			{"sourceDestCheck", true},
			{"hypervisor", "xen"},
			{"networkInterfaceSet", obj{{"items", arr{obj{
				{"networkInterfaceId", "eni-0" + randHex(b.rng, 16)},
				{"subnetId", sub},
				{"vpcId", vpcID(e)},
				{"ownerId", b.account},
				{"status", "in-use"},
				{"macAddress", "0a:" + randHex(b.rng, 2) + ":" + randHex(b.rng, 2) + ":" + randHex(b.rng, 2) + ":" + randHex(b.rng, 2) + ":" + randHex(b.rng, 2)},
				{"privateIpAddress", ip},
				{"sourceDestCheck", true},
				{"interfaceType", "interface"},
				{"attachment", obj{{"attachmentId", "eni-attach-0" + randHex(b.rng, 16)}, {"deviceIndex", 0}, {"networkCardIndex", 0},
					{"status", "attaching"}, {"attachTime", epochMillis(t)}, {"deleteOnTermination", true}}},
			}}}}},
			{"iamInstanceProfile", obj{{"arn", "arn:aws:iam::" + b.account + ":instance-profile/" + infra + "-" + role + "-profile"},
				{"id", awsID("AIPA", infra+"-"+role+"-profile")}}},
			{"ebsOptimized", true},
			{"enaSupport", true},
			{"cpuOptions", obj{{"coreCount", 2}, {"threadsPerCore", 2}}},
			{"capacityReservationSpecification", obj{{"capacityReservationPreference", "open"}}},
			{"enclaveOptions", obj{{"enabled", false}}},
			{"metadataOptions", obj{{"state", "pending"}, {"httpTokens", "required"}, {"httpPutResponseHopLimit", 2},
				{"httpEndpoint", "enabled"}, {"httpProtocolIpv4", "enabled"}, {"httpProtocolIpv6", "disabled"}, {"instanceMetadataTags", "disabled"}}},
			{"maintenanceOptions", obj{{"autoRecovery", "default"}}},
			{"privateDnsNameOptions", obj{{"hostnameType", "ip-name"}, {"enableResourceNameDnsARecord", false}, {"enableResourceNameDnsAAAARecord", false}}},
		}}}}},
	}
	return params{req: req, resp: resp}
}

func (b *builder) elb(e *entry, t time.Time) params {
	infra := infraOf(e)
	lbARN := "arn:aws:elasticloadbalancing:" + e.region + ":" + b.account + ":loadbalancer/net/" + infra + "-int/" + hexID(infra+"lb", 16)
	tgARN := "arn:aws:elasticloadbalancing:" + e.region + ":" + b.account + ":targetgroup/" + infra + "-aint/" + hexID(infra+"tg", 16)
	classic := e.id.Type == AssumedRole // the cloud provider manages classic ELBs for Services
	classicName := "a" + hexID(infra+"svc"+strconv.Itoa(b.rng.IntN(3)), 31)
	switch e.call.Event {
	case "DescribeLoadBalancers":
		if classic {
			return params{req: obj{{"loadBalancerNames", []string{classicName}}}}
		}
		return params{req: obj{{"names", []string{infra + "-int", infra + "-ext"}}}}
	case "DescribeTargetGroups":
		return params{req: obj{{"loadBalancerArn", lbARN}}}
	case "DescribeTargetHealth", "ModifyTargetGroupAttributes":
		return params{req: obj{{"targetGroupArn", tgARN}}}
	case "DescribeLoadBalancerAttributes", "ConfigureHealthCheck", "ModifyLoadBalancerAttributes":
		return params{req: obj{{"loadBalancerName", classicName}}}
	case "RegisterTargets", "DeregisterTargets":
		return params{req: obj{{"targetGroupArn", tgARN}, {"targets", arr{obj{{"id", b.instanceID(e)}, {"port", 6443}}}}}}
	case "RegisterInstancesWithLoadBalancer":
		return params{
			req:  obj{{"loadBalancerName", classicName}, {"instances", arr{obj{{"instanceId", b.instanceID(e)}}}}},
			resp: obj{{"instances", arr{obj{{"instanceId", b.instanceID(e)}}, obj{{"instanceId", b.instanceID(e)}}}}},
		}
	case "CreateLoadBalancer":
		if classic {
			return params{
				req: obj{{"loadBalancerName", classicName}, {"listeners", arr{obj{{"protocol", "TCP"}, {"loadBalancerPort", 443},
					{"instanceProtocol", "TCP"}, {"instancePort", 30000 + b.rng.IntN(2000)}}}},
					{"subnets", []string{b.subnetID(e)}}, {"securityGroups", []string{"sg-0" + randHex(b.rng, 16)}},
					{"tags", arr{obj{{"key", "kubernetes.io/cluster/" + infra}, {"value", "owned"}},
						obj{{"key", "kubernetes.io/service-name"}, {"value", "openshift-ingress/router-default"}}}}},
				resp: obj{{"dNSName", classicName + "-" + strconv.Itoa(100000000+b.rng.IntN(900000000)) + "." + e.region + ".elb.amazonaws.com"}},
			}
		}
		return params{
			req: obj{{"name", infra + "-int"}, {"subnets", []string{b.subnetID(e), b.subnetID(e)}}, {"scheme", "internal"},
				{"type", "network"}, {"ipAddressType", "ipv4"}, {"tags", arr{obj{{"key", "kubernetes.io/cluster/" + infra}, {"value", "owned"}}}}},
			resp: obj{{"loadBalancers", arr{obj{{"loadBalancerArn", lbARN},
				{"dNSName", infra + "-int-" + hexID(infra+"dns", 16) + ".elb." + e.region + ".amazonaws.com"},
				{"canonicalHostedZoneId", "Z26RNL4JYFTOTI"}, {"createdTime", awsDate(t)}, {"loadBalancerName", infra + "-int"},
				{"scheme", "internal"}, {"vpcId", vpcID(e)}, {"state", obj{{"code", "provisioning"}}}, {"type", "network"},
				{"ipAddressType", "ipv4"}}}}},
		}
	case "CreateTargetGroup":
		return params{
			req: obj{{"name", infra + "-aint"}, {"protocol", "TCP"}, {"port", 6443}, {"vpcId", vpcID(e)}, {"healthCheckProtocol", "HTTPS"},
				{"healthCheckPath", "/readyz"}, {"targetType", "ip"}},
			resp: obj{{"targetGroups", arr{obj{{"targetGroupArn", tgARN}, {"targetGroupName", infra + "-aint"}, {"protocol", "TCP"},
				{"port", 6443}, {"vpcId", vpcID(e)}, {"targetType", "ip"}}}}},
		}
	case "CreateListener":
		return params{
			req: obj{{"loadBalancerArn", lbARN}, {"protocol", "TCP"}, {"port", 6443},
				{"defaultActions", arr{obj{{"type", "forward"}, {"targetGroupArn", tgARN}}}}},
			resp: obj{{"listeners", arr{obj{{"listenerArn", strings.Replace(lbARN, ":loadbalancer/", ":listener/", 1) + "/" + randHex(b.rng, 16)},
				{"loadBalancerArn", lbARN}, {"port", 6443}, {"protocol", "TCP"}}}}},
		}
	case "AddTags":
		return params{req: obj{{"resourceArns", []string{lbARN}}, {"tags", arr{obj{{"key", "kubernetes.io/cluster/" + infra}, {"value", "owned"}}}}}}
	}
	return params{}
}

func (b *builder) route53(e *entry, t time.Time) params {
	infra := infraOf(e)
	zone := hostedZoneID(infra)
	cluster := "ci-shared"
	if e.cluster != nil {
		cluster = e.cluster.Name
	}
	change := obj{{"id", "/change/C0" + randFrom(b.rng, upperAlnum, 19)}, {"status", "PENDING"}, {"submittedAt", awsDate(t)}}
	switch e.call.Event {
	case "ListHostedZones":
		return params{}
	case "ListHostedZonesByName":
		return params{req: obj{{"dNSName", baseDomain}}}
	case "ListTagsForResources":
		return params{req: obj{{"resourceType", "hostedzone"}, {"resourceIds", []string{zone}}}}
	case "GetHostedZone":
		return params{req: obj{{"id", zone}}}
	case "GetChange":
		return params{req: obj{{"id", "C0" + randFrom(b.rng, upperAlnum, 19)}}}
	case "ListResourceRecordSets":
		return params{req: obj{{"hostedZoneId", zone}}}
	case "ChangeTagsForResource":
		return params{req: obj{{"resourceType", "hostedzone"}, {"resourceId", zone},
			{"addTags", arr{obj{{"key", "kubernetes.io/cluster/" + infra}, {"value", "owned"}}, obj{{"key", "Name"}, {"value", infra + "-int"}}}}}}
	case "CreateHostedZone":
		return params{
			req: obj{{"name", cluster + "." + baseDomain}, {"vPC", obj{{"vPCRegion", e.id.Region}, {"vPCId", vpcID(e)}}},
				{"callerReference", randUUID(b.rng)}, {"hostedZoneConfig", obj{{"comment", "Created by Openshift Installer"}, {"privateZone", true}}}},
			resp: obj{{"hostedZone", obj{{"id", "/hostedzone/" + zone}, {"name", cluster + "." + baseDomain + "."},
				{"callerReference", randUUID(b.rng)}, {"config", obj{{"comment", "Created by Openshift Installer"}, {"privateZone", true}}},
				{"resourceRecordSetCount", 2}}}, {"changeInfo", change},
				{"vPC", obj{{"vPCRegion", e.id.Region}, {"vPCId", vpcID(e)}}},
				{"location", "https://route53.amazonaws.com/2013-04-01/hostedzone/" + zone}},
		}
	case "ChangeResourceRecordSets":
		name := pick(b.rng, []string{"*.apps.", "api.", "api-int."}) + cluster + "." + baseDomain
		return params{
			req: obj{{"hostedZoneId", zone}, {"changeBatch", obj{{"changes", arr{obj{{"action", "UPSERT"}, {"resourceRecordSet", obj{
				{"name", name}, {"type", "A"}, {"aliasTarget", obj{{"hostedZoneId", "Z26RNL4JYFTOTI"},
					{"dNSName", infra + "-int-" + hexID(infra+"dns", 16) + ".elb." + e.id.Region + ".amazonaws.com"},
					{"evaluateTargetHealth", false}}}}}}}}}}},
			resp: obj{{"changeInfo", change}},
		}
	}
	return params{}
}

func s3Extra(r *rand.Rand, auth string, in, out int) obj {
	return obj{
		{"SignatureVersion", "SigV4"},
		{"CipherSuite", "TLS_AES_128_GCM_SHA256"},
		{"bytesTransferredIn", in},
		{"AuthenticationMethod", auth},
		{"x-amz-id-2", randFrom(r, b64[:62], 76)},
		{"bytesTransferredOut", out},
	}
}

// s3Bucket is the bucket an identity works on.
func s3Bucket(e *entry) string {
	switch {
	case e.id.Type == AWSAccount:
		return sharedBucket
	case e.id.Name == STSCcoctlUser:
		return stsOIDCBucket
	case e.id.CredReq == "openshift-image-registry":
		return registryBucket(e.cluster.InfraID, e.id.Region)
	case e.cluster != nil:
		return e.cluster.InfraID + "-bootstrap"
	}
	return sharedBucket
}

func (b *builder) s3Key(e *entry) string {
	switch {
	case e.id.Type == AWSAccount:
		return "ci/artifacts/" + randHex(b.rng, 12) + ".tar.gz"
	case e.id.Name == STSCcoctlUser:
		return pick(b.rng, []string{".well-known/openid-configuration", "keys.json"})
	case e.id.CredReq == "openshift-image-registry":
		if b.rng.IntN(3) == 0 {
			return "docker/registry/v2/repositories/ci-op/" + pick(b.rng, []string{"pipeline", "stable", "release"}) + "/_manifests/tags/latest/current/link"
		}
		d := randHex(b.rng, 64)
		return "docker/registry/v2/blobs/sha256/" + d[:2] + "/" + d + "/data"
	}
	return "bootstrap.ign"
}

func (b *builder) s3(e *entry, t time.Time) params {
	ev := e.call.Event
	if ev == "ListBuckets" {
		return params{
			req:   obj{{"Host", "s3.amazonaws.com"}},
			extra: s3Extra(b.rng, "AuthHeader", 0, 0),
			host:  "s3.amazonaws.com",
		}
	}
	bucket := s3Bucket(e)
	host := bucket + ".s3." + e.region + ".amazonaws.com"
	req := obj{{"bucketName", bucket}, {"Host", host}}
	bucketRes := resource{AccountID: b.account, Type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::" + bucket}
	res := []resource{bucketRes}
	var resp any
	in, out := 0, 0
	if s3DataEvent(ev) && ev != "ListObjects" && ev != "ListObjectsV2" && ev != "DeleteObjects" {
		key := b.s3Key(e)
		req = append(req, kv{"key", key})
		res = []resource{{Type: "AWS::S3::Object", ARN: "arn:aws:s3:::" + bucket + "/" + key}, bucketRes}
	}
	upload := randFrom(b.rng, b64[:62], 86)
	switch ev {
	case "GetObject":
		out = 1024 + b.rng.IntN(8<<20)
	case "PutObject":
		in = 512 + b.rng.IntN(1<<20)
		resp = obj{{"x-amz-server-side-encryption", "AES256"}}
	case "CreateMultipartUpload":
		req = append(req, kv{"uploads", ""})
		resp = obj{{"x-amz-server-side-encryption", "AES256"}}
	case "UploadPart":
		req = append(req, kv{"partNumber", strconv.Itoa(1 + b.rng.IntN(20))}, kv{"uploadId", upload})
		in = 10 << 20
		resp = obj{{"x-amz-server-side-encryption", "AES256"}}
	case "CompleteMultipartUpload":
		req = append(req, kv{"uploadId", upload})
		resp = obj{{"x-amz-server-side-encryption", "AES256"}}
	case "AbortMultipartUpload":
		req = append(req, kv{"uploadId", upload})
	case "ListObjects":
		req = append(req, kv{"prefix", ""})
	case "ListObjectsV2":
		req = append(req, kv{"list-type", "2"}, kv{"prefix", "docker/registry/v2/repositories/"}, kv{"delimiter", "/"})
		res = []resource{{Type: "AWS::S3::Object", ARN: "arn:aws:s3:::" + bucket + "/docker/registry/v2/repositories/"}, bucketRes}
	case "DeleteObjects":
		req = append(req, kv{"delete", ""})
		res = []resource{{Type: "AWS::S3::Object", ARN: "arn:aws:s3:::" + bucket + "/docker/registry/v2/blobs/"}, bucketRes}
	case "ListMultipartUploads":
		req = append(req, kv{"uploads", ""})
	case "CreateBucket":
		req = append(req, kv{"CreateBucketConfiguration", obj{{"LocationConstraint", e.region}, {"xmlns", s3XMLNS}}})
	case "PutBucketEncryption":
		req = append(req, kv{"encryption", ""}, kv{"ServerSideEncryptionConfiguration", obj{{"xmlns", s3XMLNS},
			{"Rule", obj{{"ApplyServerSideEncryptionByDefault", obj{{"SSEAlgorithm", "AES256"}}}, {"BucketKeyEnabled", false}}}}})
	case "PutBucketLifecycle":
		req = append(req, kv{"lifecycle", ""}, kv{"LifecycleConfiguration", obj{{"xmlns", s3XMLNS}, {"Rule", obj{
			{"ID", "cleanup-incomplete-multipart-registry-uploads"}, {"Status", "Enabled"}, {"Filter", obj{{"Prefix", ""}}},
			{"AbortIncompleteMultipartUpload", obj{{"DaysAfterInitiation", 1}}}}}}})
	case "PutBucketPublicAccessBlock":
		req = append(req, kv{"publicAccessBlock", ""}, kv{"PublicAccessBlockConfiguration", obj{{"xmlns", s3XMLNS},
			{"BlockPublicAcls", true}, {"IgnorePublicAcls", true}, {"BlockPublicPolicy", true}, {"RestrictPublicBuckets", true}}})
	case "PutBucketTagging":
		infra := infraOf(e)
		req = append(req, kv{"tagging", ""}, kv{"Tagging", obj{{"xmlns", s3XMLNS}, {"TagSet", obj{{"Tag", arr{
			obj{{"Key", "kubernetes.io/cluster/" + infra}, {"Value", "owned"}}, obj{{"Key", "Name"}, {"Value", bucket}}}}}}}})
	case "PutBucketOwnershipControls":
		req = append(req, kv{"ownershipControls", ""}, kv{"OwnershipControls", obj{{"xmlns", s3XMLNS},
			{"Rule", obj{{"ObjectOwnership", "BucketOwnerEnforced"}}}}})
	case "GetBucketTagging":
		req = append(req, kv{"tagging", ""})
	case "GetBucketPublicAccessBlock":
		req = append(req, kv{"publicAccessBlock", ""})
	case "GetBucketEncryption":
		req = append(req, kv{"encryption", ""})
	case "GetBucketLifecycle":
		req = append(req, kv{"lifecycle", ""})
	case "GetBucketLocation":
		req = append(req, kv{"location", ""})
	}
	return params{req: req, resp: resp, extra: s3Extra(b.rng, "AuthHeader", in, out), resources: res, host: host}
}

// iamAction is the IAM action for a call, good enough for the policy
// documents the generator writes (the extractor has the real mapping).
func iamAction(c *Call) string {
	prefix := c.Service
	switch prefix {
	case "tagging":
		prefix = "tag"
	case "monitoring":
		prefix = "cloudwatch"
	}
	return prefix + ":" + c.Event
}

func policyDocument(actions []string, resource string) string {
	b := []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":`)
	b = appendValue(b, actions)
	b = append(b, `,"Resource":`...)
	b = appendString(b, resource)
	return string(append(b, "}]}"...))
}

func (b *builder) iam(e *entry, target string, t time.Time) params {
	acct := b.account
	infra := infraOf(e)
	switch ev := e.call.Event; ev {
	case "CreateUser":
		tags := arr{obj{{"key", "kubernetes.io/cluster/" + infra}, {"value", "owned"}}}
		return params{
			req: obj{{"userName", target}, {"tags", tags}},
			resp: obj{{"user", obj{{"path", "/"}, {"userName", target}, {"userId", awsID("AIDA", target)},
				{"arn", userARN(acct, target)}, {"createDate", awsDate(t)}, {"tags", tags}}}},
		}
	case "PutUserPolicy":
		return params{req: obj{{"userName", target}, {"policyName", target + "-policy"},
			{"policyDocument", policyDocument(b.actionsOf(target), "*")}}}
	case "CreateAccessKey":
		return params{req: obj{{"userName", target}}, resp: obj{{"accessKey", obj{{"userName", target},
			{"accessKeyId", longTermKey(target)}, {"status", "Active"}, {"createDate", awsDate(t)}}}}}
	case "GetUser":
		if target == "" {
			return params{}
		}
		return params{req: obj{{"userName", target}}}
	case "GetUserPolicy":
		return params{req: obj{{"userName", target}, {"policyName", target + "-policy"}}}
	case "ListAccessKeys":
		return params{req: obj{{"userName", target}}}
	case "SimulatePrincipalPolicy":
		return params{req: obj{{"policySourceArn", userARN(acct, e.id.Name)},
			{"actionNames", []string{"ec2:RunInstances", "ec2:CreateVpc", "elasticloadbalancing:CreateLoadBalancer",
				"iam:CreateRole", "iam:PassRole", "route53:CreateHostedZone", "s3:CreateBucket"}}}}
	case "CreateRole":
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
		if id := b.lookup(target); id != nil && len(id.Subjects) > 0 {
			host := strings.TrimPrefix(STSOIDCIssuer, "https://")
			b2 := []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` +
				oidcProviderARN(acct, STSOIDCIssuer) + `"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + host + `:sub":`)
			b2 = appendValue(b2, id.Subjects)
			trust = string(append(b2, "}}}]}"...))
		}
		tags := arr{obj{{"key", "kubernetes.io/cluster/" + infra}, {"value", "owned"}}}
		return params{
			req: obj{{"roleName", target}, {"assumeRolePolicyDocument", trust}, {"tags", tags}},
			resp: obj{{"role", obj{{"path", "/"}, {"roleName", target}, {"roleId", awsID("AROA", target)},
				{"arn", roleARN(acct, target)}, {"createDate", awsDate(t)}, {"assumeRolePolicyDocument", urlEscape(trust)}, {"tags", tags}}}},
		}
	case "PutRolePolicy":
		actions := b.actionsOf(target)
		if len(actions) == 0 {
			actions = []string{"ec2:Describe*", "elasticloadbalancing:Describe*", "kms:DescribeKey"}
		}
		return params{req: obj{{"roleName", target}, {"policyName", strings.TrimSuffix(target, "-role") + "-policy"},
			{"policyDocument", policyDocument(actions, "*")}}}
	case "GetRole":
		return params{req: obj{{"roleName", target}}}
	case "CreateInstanceProfile":
		return params{req: obj{{"instanceProfileName", target}, {"path", "/"}},
			resp: obj{{"instanceProfile", obj{{"path", "/"}, {"instanceProfileName", target}, {"instanceProfileId", awsID("AIPA", target)},
				{"arn", "arn:aws:iam::" + acct + ":instance-profile/" + target}, {"createDate", awsDate(t)}, {"roles", arr{}}}}}}
	case "AddRoleToInstanceProfile":
		return params{req: obj{{"instanceProfileName", strings.TrimSuffix(target, "-role") + "-profile"}, {"roleName", target}}}
	case "CreateOpenIDConnectProvider":
		return params{
			req: obj{{"url", STSOIDCIssuer}, {"clientIDList", []string{"openshift", "sts.amazonaws.com"}},
				{"thumbprintList", []string{hexID("thumbprint", 40)}}},
			resp: obj{{"openIDConnectProviderArn", oidcProviderARN(acct, STSOIDCIssuer)}},
		}
	}
	return params{}
}

// actionsOf lists the distinct IAM actions an identity's calls need, for
// the inline policies its creator attaches.
func (b *builder) actionsOf(name string) []string {
	id := b.lookup(name)
	if id == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for i := range id.Calls {
		c := &id.Calls[i]
		if c.Deny != nil || c.WebIdentity || c.Service == "sts" {
			continue
		}
		a := iamAction(c)
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

func urlEscape(s string) string {
	r := strings.NewReplacer(`"`, "%22", "{", "%7B", "}", "%7D", ":", "%3A", "/", "%2F", ",", "%2C", "[", "%5B", "]", "%5D", " ", "%20", "*", "%2A")
	return r.Replace(s)
}

func (b *builder) sts(e *entry, target string, t time.Time) params {
	acct := b.account
	switch e.call.Event {
	case "AssumeRoleWithWebIdentity":
		role := e.id.Name
		session := pick(b.rng, e.id.Sessions)
		req := obj{{"roleArn", roleARN(acct, role)}, {"roleSessionName", session}}
		provider := oidcProviderARN(acct, e.cluster.OIDCIssuer)
		return params{
			req: req,
			resp: obj{
				{"credentials", obj{{"accessKeyId", tempKey(b.rng)}, {"sessionToken", randFrom(b.rng, b64, 380)},
					{"expiration", awsDate(t.Add(time.Hour))}}},
				{"subjectFromWebIdentityToken", target},
				{"assumedRoleUser", obj{{"assumedRoleId", awsID("AROA", role) + ":" + session}, {"arn", assumedRoleARN(acct, role, session)}}},
				{"provider", provider},
				{"audience", "openshift"},
			},
			extra:     obj{{"identityProviderConnectionVerificationMethod", "IAMTrustStore"}},
			resources: []resource{{AccountID: acct, Type: "AWS::IAM::Role", ARN: roleARN(acct, role)}},
		}
	case "AssumeRole":
		session := pick(b.rng, instanceIDs(target, 3))
		return params{
			req: obj{{"roleArn", roleARN(acct, target)}, {"roleSessionName", session}, {"durationSeconds", 21600}},
			resp: obj{
				{"credentials", obj{{"accessKeyId", tempKey(b.rng)}, {"sessionToken", randFrom(b.rng, b64, 300)},
					{"expiration", awsDate(t.Add(6 * time.Hour))}}},
				{"assumedRoleUser", obj{{"assumedRoleId", awsID("AROA", target) + ":" + session}, {"arn", assumedRoleARN(acct, target, session)}}},
			},
			resources: []resource{{AccountID: acct, Type: "AWS::IAM::Role", ARN: roleARN(acct, target)}},
		}
	}
	return params{} // GetCallerIdentity takes and logs nothing
}

func (b *builder) kms(e *entry) params {
	key := kmsKeyARN(e.region, infraOf(e))
	if e.id.Type == AWSAccount {
		key = kmsKeyARN(e.region, "shared-artifacts")
	}
	res := []resource{{AccountID: b.account, Type: "AWS::KMS::Key", ARN: key}}
	ctx := obj{{"aws:ebs:id", b.volumeID(e)}}
	switch e.call.Event {
	case "DescribeKey":
		return params{req: obj{{"keyId", key}}, resources: res}
	case "Decrypt":
		if e.id.Type == AWSAccount {
			ctx = obj{{"aws:s3:arn", "arn:aws:s3:::" + sharedBucket}}
		}
		return params{req: obj{{"encryptionContext", ctx}, {"encryptionAlgorithm", "SYMMETRIC_DEFAULT"}}, resources: res}
	case "GenerateDataKeyWithoutPlaintext":
		return params{req: obj{{"keyId", key}, {"encryptionContext", ctx}, {"numberOfBytes", 64}}, resources: res}
	case "ReEncrypt":
		return params{req: obj{{"sourceEncryptionContext", ctx}, {"destinationKeyId", key}, {"destinationEncryptionContext", ctx},
			{"sourceEncryptionAlgorithm", "SYMMETRIC_DEFAULT"}, {"destinationEncryptionAlgorithm", "SYMMETRIC_DEFAULT"}}, resources: res}
	case "CreateGrant":
		return params{
			req: obj{{"keyId", key}, {"granteePrincipal", "ec2." + e.region + ".amazonaws.com"}, {"retiringPrincipal", "ec2." + e.region + ".amazonaws.com"},
				{"constraints", obj{{"encryptionContextSubset", ctx}}}, {"operations", []string{"Decrypt"}}},
			resp:      obj{{"grantId", randHex(b.rng, 64)}, {"keyId", key}},
			resources: res,
		}
	case "RotateKey":
		return params{resources: res, serviceDetails: obj{{"keyId", uuidFor("kms:" + infraOf(e))}}}
	}
	return params{resources: res}
}

func (b *builder) lambda(e *entry, t time.Time) params {
	fn := "ci-resource-reaper"
	arn := "arn:aws:lambda:" + e.region + ":" + b.account + ":function:" + fn
	if e.call.Event == "GetFunction20150331v2" {
		return params{req: obj{{"functionName", fn}}}
	}
	role := roleARN(b.account, fn)
	return params{
		req: obj{{"functionName", fn}, {"runtime", "python3.12"}, {"role", role}, {"handler", "index.handler"}, {"code", obj{}},
			{"timeout", 300}, {"memorySize", 256}, {"publish", false}, {"architectures", []string{"arm64"}}},
		resp: obj{{"functionName", fn}, {"functionArn", arn}, {"runtime", "python3.12"}, {"role", role}, {"handler", "index.handler"},
			{"codeSize", 2048 + b.rng.IntN(4096)}, {"description", ""}, {"timeout", 300}, {"memorySize", 256},
			{"lastModified", t.UTC().Format("2006-01-02T15:04:05.000-0700")}, {"codeSha256", randFrom(b.rng, b64[:62], 43) + "="},
			{"version", "$LATEST"}, {"tracingConfig", obj{{"mode", "PassThrough"}}}, {"revisionId", randUUID(b.rng)},
			{"state", "Pending"}, {"stateReason", "The function is being created."}, {"stateReasonCode", "Creating"},
			{"packageType", "Zip"}, {"architectures", []string{"arm64"}}, {"ephemeralStorage", obj{{"size", 512}}},
			{"loggingConfig", obj{{"logFormat", "Text"}, {"logGroup", "/aws/lambda/" + fn}}}},
	}
}

func (b *builder) monitoring(e *entry, t time.Time) params {
	if e.call.Event == "PutMetricData" {
		return params{req: obj{{"namespace", "CI/Jobs"}, {"metricData", arr{obj{{"metricName", "ClusterInstallSeconds"},
			{"dimensions", arr{obj{{"name", "Cluster"}, {"value", pick(b.rng, []string{MintCluster, LongCluster, STSCluster})}}}},
			{"value", 1800 + b.rng.IntN(1800)}, {"unit", "Seconds"}}}}}}
	}
	return params{req: obj{
		{"metricDataQueries", arr{obj{{"id", "m1"}, {"metricStat", obj{{"metric", obj{{"namespace", "AWS/EC2"},
			{"metricName", "CPUUtilization"}, {"dimensions", arr{obj{{"name", "InstanceId"}, {"value", b.instanceID(e)}}}}}},
			{"period", 300}, {"stat", "Average"}}}}}},
		{"startTime", awsDate(t.Add(-3 * time.Hour))},
		{"endTime", awsDate(t)},
	}}
}

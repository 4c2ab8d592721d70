package policy

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestMapEvent(t *testing.T) {
	tests := []struct {
		source, name   string
		want           []string
		unmapped, free bool
	}{
		{"tagging.amazonaws.com", "GetResources", []string{"tag:GetResources"}, false, false},
		{"s3.amazonaws.com", "PutBucketEncryption", []string{"s3:PutEncryptionConfiguration"}, false, false},
		{"s3.amazonaws.com", "HeadObject", []string{"s3:GetObject"}, false, false},
		{"s3.amazonaws.com", "HeadBucket", []string{"s3:ListBucket"}, false, false},
		{"s3.amazonaws.com", "ListObjectsV2", []string{"s3:ListBucket"}, false, false},
		{"s3.amazonaws.com", "ListBuckets", []string{"s3:ListAllMyBuckets"}, false, false},
		{"s3.amazonaws.com", "PutBucketLifecycle", []string{"s3:PutLifecycleConfiguration"}, false, false},
		{"s3.amazonaws.com", "UploadPart", []string{"s3:PutObject"}, false, false},
		{"s3.amazonaws.com", "DeleteObjects", []string{"s3:DeleteObject"}, false, false},
		{"s3.amazonaws.com", "CopyObject", []string{"s3:PutObject", "s3:GetObject"}, false, false},
		{"s3.amazonaws.com", "GetObject", []string{"s3:GetObject"}, false, false},
		{"lambda.amazonaws.com", "CreateFunction20150331", []string{"lambda:CreateFunction"}, false, false},
		{"lambda.amazonaws.com", "UpdateFunctionCode20150331v2", []string{"lambda:UpdateFunctionCode"}, false, false},
		{"lambda.amazonaws.com", "Invoke", []string{"lambda:InvokeFunction"}, false, false},
		{"cloudfront.amazonaws.com", "CreateDistribution2020_05_31", []string{"cloudfront:CreateDistribution"}, false, false},
		{"monitoring.amazonaws.com", "GetMetricData", []string{"cloudwatch:GetMetricData"}, false, false},
		{"kms.amazonaws.com", "ReEncrypt", []string{"kms:ReEncryptFrom", "kms:ReEncryptTo"}, false, false},
		{"kms.amazonaws.com", "GenerateDataKeyWithoutPlaintext", []string{"kms:GenerateDataKeyWithoutPlaintext"}, false, false},
		{"email.amazonaws.com", "SendEmail", []string{"ses:SendEmail"}, false, false},
		{"ec2.amazonaws.com", "describeinstances", []string{"ec2:DescribeInstances"}, false, false},
		{"kafka.amazonaws.com", "CreateClusterV2", []string{"kafka:CreateClusterV2"}, false, false},
		{"apigateway.amazonaws.com", "GetRestApis", []string{"apigateway:GET"}, false, false},
		{"sts.amazonaws.com", "GetCallerIdentity", []string{"sts:GetCallerIdentity"}, false, true},
		{"sts.amazonaws.com", "AssumeRoleWithWebIdentity", []string{"sts:AssumeRoleWithWebIdentity"}, false, true},
		{"signin.amazonaws.com", "ConsoleLogin", []string{"signin:ConsoleLogin"}, false, true},
		{"ec2.amazonaws.com", "NoSuchCall", []string{"ec2:NoSuchCall"}, true, false},
		{"madeup.amazonaws.com", "Thing", []string{"madeup:Thing"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.source+"/"+tt.name, func(t *testing.T) {
			m := MapEvent(tt.source, tt.name)
			if !slices.Equal(m.Actions, tt.want) || m.Unmapped != tt.unmapped || m.Permissionless != tt.free {
				t.Errorf("MapEvent(%q, %q) = %+v, want actions %v unmapped=%v permissionless=%v",
					tt.source, tt.name, m, tt.want, tt.unmapped, tt.free)
			}
		})
	}
}

// The batch, ...WithTags, ...WithResponseStream and portal calls whose
// prefix:EventName is no IAM action (curated.json in gentables).
func TestMapEventAuditedCalls(t *testing.T) {
	tests := []struct {
		source, name   string
		want           []string
		unmapped, free bool
	}{
		{"sqs.amazonaws.com", "SendMessageBatch", []string{"sqs:SendMessage"}, false, false},
		{"sqs.amazonaws.com", "DeleteMessageBatch", []string{"sqs:DeleteMessage"}, false, false},
		{"sqs.amazonaws.com", "ChangeMessageVisibilityBatch", []string{"sqs:ChangeMessageVisibility"}, false, false},
		{"sns.amazonaws.com", "PublishBatch", []string{"sns:Publish"}, false, false},
		{"lambda.amazonaws.com", "InvokeWithResponseStream", []string{"lambda:InvokeFunction"}, false, false},
		{"cloudfront.amazonaws.com", "CreateDistributionWithTags", []string{"cloudfront:CreateDistribution", "cloudfront:TagResource"}, false, false},
		{"cloudfront.amazonaws.com", "CreateDistributionWithTags2020_05_31", []string{"cloudfront:CreateDistribution", "cloudfront:TagResource"}, false, false},
		{"cloudfront.amazonaws.com", "CreateStreamingDistributionWithTags2020_05_31", []string{"cloudfront:CreateStreamingDistributionWithTags"}, false, false},
		{"s3.amazonaws.com", "CreateSession", []string{"s3express:CreateSession"}, false, false},
		{"s3express.amazonaws.com", "CreateSession", []string{"s3express:CreateSession"}, false, false},
		{"verifiedpermissions.amazonaws.com", "BatchIsAuthorized", []string{"verifiedpermissions:IsAuthorized"}, false, false},
		{"verifiedpermissions.amazonaws.com", "BatchIsAuthorizedWithToken", []string{"verifiedpermissions:IsAuthorizedWithToken"}, false, false},
		{"verifiedpermissions.amazonaws.com", "BatchGetPolicy", []string{"verifiedpermissions:GetPolicy"}, false, false},
		{"vpc-lattice.amazonaws.com", "BatchUpdateRule", []string{"vpc-lattice:UpdateRule"}, false, false},
		{"bcm-pricing-calculator.amazonaws.com", "BatchCreateBillScenarioCommitmentModification", []string{"bcm-pricing-calculator:CreateBillScenarioCommitmentModification"}, false, false},
		{"bcm-pricing-calculator.amazonaws.com", "BatchCreateBillScenarioUsageModification", []string{"bcm-pricing-calculator:CreateBillScenarioUsageModification"}, false, false},
		{"bcm-pricing-calculator.amazonaws.com", "BatchCreateWorkloadEstimateUsage", []string{"bcm-pricing-calculator:CreateWorkloadEstimateUsage"}, false, false},
		{"bcm-pricing-calculator.amazonaws.com", "BatchDeleteBillScenarioCommitmentModification", []string{"bcm-pricing-calculator:DeleteBillScenarioCommitmentModification"}, false, false},
		{"bcm-pricing-calculator.amazonaws.com", "BatchDeleteBillScenarioUsageModification", []string{"bcm-pricing-calculator:DeleteBillScenarioUsageModification"}, false, false},
		{"bcm-pricing-calculator.amazonaws.com", "BatchDeleteWorkloadEstimateUsage", []string{"bcm-pricing-calculator:DeleteWorkloadEstimateUsage"}, false, false},
		{"bcm-pricing-calculator.amazonaws.com", "BatchUpdateBillScenarioCommitmentModification", []string{"bcm-pricing-calculator:UpdateBillScenarioCommitmentModification"}, false, false},
		{"bcm-pricing-calculator.amazonaws.com", "BatchUpdateBillScenarioUsageModification", []string{"bcm-pricing-calculator:UpdateBillScenarioUsageModification"}, false, false},
		{"bcm-pricing-calculator.amazonaws.com", "BatchUpdateWorkloadEstimateUsage", []string{"bcm-pricing-calculator:UpdateWorkloadEstimateUsage"}, false, false},
		{"marketplacecatalog.amazonaws.com", "BatchDescribeEntities", []string{"aws-marketplace:DescribeEntity"}, false, false},
		{"deadline.amazonaws.com", "BatchGetJob", []string{"deadline:GetJob"}, false, false},
		{"glue.amazonaws.com", "BatchGetDataQualityResult", []string{"glue:GetDataQualityResult"}, false, false},
		{"securityhub.amazonaws.com", "BatchUpdateFindingsV2", []string{"securityhub:BatchUpdateFindings"}, false, false},
		{"tax.amazonaws.com", "BatchGetTaxExemptions", []string{"tax:GetExemptions"}, false, false},
		// Need no permission: kept as logged, never unmapped.
		{"signin.amazonaws.com", "GetSigninToken", []string{"signin:GetSigninToken"}, false, true},
		{"sso.amazonaws.com", "GetRoleCredentials", []string{"sso:GetRoleCredentials"}, false, true},
		{"sso.amazonaws.com", "ListAccounts", []string{"sso:ListAccounts"}, false, true},
		{"sso.amazonaws.com", "ListAccountRoles", []string{"sso:ListAccountRoles"}, false, true},
		{"sso.amazonaws.com", "Logout", []string{"sso:Logout"}, false, true},
		{"sso-oauth.amazonaws.com", "CreateToken", []string{"sso-oauth:CreateToken"}, false, true},
		{"sso-oauth.amazonaws.com", "RegisterClient", []string{"sso-oauth:RegisterClient"}, false, true},
		{"sso-oauth.amazonaws.com", "StartDeviceAuthorization", []string{"sso-oauth:StartDeviceAuthorization"}, false, true},
		{"cognito-idp.amazonaws.com", "CompleteWebAuthnRegistration", []string{"cognito-idp:CompleteWebAuthnRegistration"}, false, true},
		{"cognito-idp.amazonaws.com", "DeleteWebAuthnCredential", []string{"cognito-idp:DeleteWebAuthnCredential"}, false, true},
		{"cognito-idp.amazonaws.com", "GetUserAuthFactors", []string{"cognito-idp:GetUserAuthFactors"}, false, true},
		{"cognito-idp.amazonaws.com", "ListWebAuthnCredentials", []string{"cognito-idp:ListWebAuthnCredentials"}, false, true},
		{"cognito-idp.amazonaws.com", "StartWebAuthnRegistration", []string{"cognito-idp:StartWebAuthnRegistration"}, false, true},
		// Real actions of the same shapes stay as they are.
		{"sso-oauth.amazonaws.com", "CreateTokenWithIAM", []string{"sso-oauth:CreateTokenWithIAM"}, false, false},
		{"dynamodb.amazonaws.com", "BatchWriteItem", []string{"dynamodb:BatchWriteItem"}, false, false},
		{"iotevents.amazonaws.com", "BatchPutMessage", []string{"iotevents:BatchPutMessage"}, false, false},
		// Left unmapped on purpose (no 1:1 action, or no documented one).
		{"dynamodb.amazonaws.com", "BatchExecuteStatement", []string{"dynamodb:BatchExecuteStatement"}, true, false},
		{"mediaconnect.amazonaws.com", "BatchGetRouterInput", []string{"mediaconnect:BatchGetRouterInput"}, true, false},
		{"deadline.amazonaws.com", "BatchGetTask", []string{"deadline:BatchGetTask"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.source+"/"+tt.name, func(t *testing.T) {
			m := MapEvent(tt.source, tt.name)
			if !slices.Equal(m.Actions, tt.want) || m.Unmapped != tt.unmapped || m.Permissionless != tt.free {
				t.Errorf("MapEvent(%q, %q) = %+v, want actions %v unmapped=%v permissionless=%v",
					tt.source, tt.name, m, tt.want, tt.unmapped, tt.free)
			}
		})
	}
}

// An override must never hide a call whose own name is an IAM action.
func TestOverridesDoNotShadowActions(t *testing.T) {
	for key := range renamedEvents {
		host, name, _ := strings.Cut(key, " ")
		if c, ok := Canonical(Prefix(host) + ":" + name); ok {
			t.Errorf("renamedEvents[%q] hides the IAM action %s", key, c)
		}
	}
}

func TestNormalizeLegacy(t *testing.T) {
	tests := []struct {
		key  string
		want []string
	}{
		{"tagging:GetResources", []string{"tag:GetResources"}},
		{"s3:PutBucketLifecycle", []string{"s3:PutLifecycleConfiguration"}},
		{"s3:PutBucketEncryption", []string{"s3:PutEncryptionConfiguration"}},
		{"s3:HeadObject", []string{"s3:GetObject"}},
		{"kms:GenerateDataKeyWithoutPlainText", []string{"kms:GenerateDataKeyWithoutPlaintext"}},
		{"monitoring:PutMetricData", []string{"cloudwatch:PutMetricData"}},
		{"ec2:DescribeInstances", []string{"ec2:DescribeInstances"}},
		{"IAM:getuser", []string{"iam:GetUser"}},
	}
	for _, tt := range tests {
		if got := NormalizeLegacy(tt.key); !slices.Equal(got.Actions, tt.want) || got.Unmapped {
			t.Errorf("NormalizeLegacy(%q) = %+v, want %v", tt.key, got, tt.want)
		}
	}
}

// Every action a mapping table can produce must be a real IAM action.
func TestTablesProduceCanonicalActions(t *testing.T) {
	check := func(where string, acts []string) {
		for _, a := range acts {
			if c, ok := Canonical(a); !ok || c != a {
				t.Errorf("%s: %q is not a canonical IAM action (canonical: %q)", where, a, c)
			}
		}
	}
	for ev, acts := range s3EventActions {
		check("s3 "+ev, acts)
	}
	for ev, acts := range renamedEvents {
		check(ev, acts)
	}
	for ev, verb := range apiGatewayVerbs {
		check("apigateway "+ev, []string{"apigateway:" + verb})
	}
	for host, prefix := range sourcePrefixes {
		if !hasPrefix(prefix) && !strings.HasPrefix(host, "execute-api") {
			t.Logf("note: %s -> %s has no actions in the canonical list", host, prefix)
		}
	}
}

func hasPrefix(p string) bool {
	for _, a := range AllActions() {
		if strings.HasPrefix(strings.ToLower(a), p+":") {
			return true
		}
	}
	return false
}

func TestCanonical(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"ec2:describeinstances", "ec2:DescribeInstances"},
		{"KMS:GenerateDataKeyWithoutPlainText", "kms:GenerateDataKeyWithoutPlaintext"},
		{"s3:putobject", "s3:PutObject"},
	} {
		if got, ok := Canonical(tt.in); !ok || got != tt.want {
			t.Errorf("Canonical(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"", "ec2:", "s3:HeadObject", "ec2:DescribeInstances2", "zzz:Nope"} {
		if got, ok := Canonical(bad); ok {
			t.Errorf("Canonical(%q) = %q, want unknown", bad, got)
		}
	}
	all := AllActions()
	if !slices.IsSortedFunc(all, compareFold) {
		t.Error("canonicalActions is not sorted case-insensitively; regenerate with make generate")
	}
	// Canonical searches the list's text by bytes: every action, the first
	// and the last included, is found from its lower-case spelling, and
	// the names around them are not taken for them.
	if len(all) < 1000 {
		t.Fatalf("only %d actions", len(all))
	}
	for _, a := range all {
		if got, ok := Canonical(strings.ToLower(a)); !ok || got != a {
			t.Fatalf("Canonical(%q) = %q, %v; want %q", strings.ToLower(a), got, ok, a)
		}
		if got, ok := Canonical(a + "x"); ok {
			t.Fatalf("Canonical(%q) = %q, want unknown", a+"x", got)
		}
	}
	for _, bad := range []string{"\x00", all[0][:len(all[0])-1], "~", all[len(all)-1] + "~"} {
		if got, ok := Canonical(bad); ok {
			t.Errorf("Canonical(%q) = %q, want unknown", bad, got)
		}
	}
}

func TestParseDenial(t *testing.T) {
	tests := []struct {
		code, msg string
		action    string
		cause     string
		denied    bool
	}{
		{"Client.UnauthorizedOperation", "You are not authorized to perform this operation. User: arn:aws:iam::1:user/u is not authorized to perform: ec2:CreateTags on resource: arn:aws:ec2:us-east-1:1:instance/* because no identity-based policy allows the ec2:CreateTags action. Encoded authorization failure message: abc", "ec2:CreateTags", CauseIdentityPolicy, true},
		{"AccessDenied", "User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: iam:passrole on resource: arn:aws:iam::1:role/x with an explicit deny in a permissions boundary", "iam:PassRole", CauseBoundary, true},
		{"AccessDeniedException", "User: arn:aws:iam::1:user/u is not authorized to perform: kms:Decrypt on resource: k with an explicit deny in a service control policy", "kms:Decrypt", CauseSCP, true},
		{"Client.UnauthorizedOperation", "You are not authorized to perform this operation. Encoded authorization failure message: xyz", "", CauseEncoded, true},
		{"InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider", "", CauseWebIdentityAuth, true},
		{"AccessDenied", "Access Denied", "", "", true},
		// Through authz: implicit denies name their policy type too; a cut
		// encoded message stays "encoded"; a suspected cause is left out;
		// offsets survive letters whose lower case is longer (İ).
		{"AccessDenied", "User: arn:aws:iam::1:user/u is not authorized to perform: s3:GetObject on resource: b because no service control policy allows the s3:GetObject action", "s3:GetObject", CauseSCP, true},
		{"Client.UnauthorizedOperation", "You are not authorized to perform this operation. Encoded authorization failure message: xyz...", "", CauseEncoded, true},
		{"Client.UnauthorizedOperation", "You are not authorized to perform this operation.", "", "", true},
		{"AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", "", "", true},
		{"AccessDenied", "İİİİ User: x is not authorized to perform: ec2:RunInstances because no permissions boundary allows the ec2:RunInstances action", "ec2:RunInstances", CauseBoundary, true},
		{"NoSuchBucket", "The specified bucket does not exist", "", "", false},
	}
	for _, tt := range tests {
		d, ok := ParseDenial(tt.code, tt.msg)
		if ok != tt.denied || d.Action != tt.action || d.Cause != tt.cause {
			t.Errorf("ParseDenial(%q, %q) = %+v, %v; want action %q cause %q denied %v", tt.code, tt.msg, d, ok, tt.action, tt.cause, tt.denied)
		}
	}
}

func FuzzMapEvent(f *testing.F) {
	f.Add("s3.amazonaws.com", "HeadObject")
	f.Add("lambda.amazonaws.com", "CreateFunction20150331")
	f.Add("cloudfront.amazonaws.com", "CreateDistributionWithTags2020_05_31")
	f.Add("sso.amazonaws.com", "Logout")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, source, name string) {
		m := MapEvent(source, name)
		if len(m.Actions) == 0 {
			t.Fatalf("MapEvent(%q, %q) returned no action", source, name)
		}
		for _, a := range m.Actions {
			if _, known := Canonical(a); !known && !m.Unmapped && !m.Permissionless {
				t.Fatalf("MapEvent(%q, %q) = %q: unknown action not flagged unmapped", source, name, a)
			}
		}
		ParseDenial("AccessDenied", name)
	})
}

func BenchmarkMapEvent(b *testing.B) {
	calls := [][2]string{
		{"ec2.amazonaws.com", "DescribeInstances"},
		{"s3.amazonaws.com", "HeadObject"},
		{"lambda.amazonaws.com", "UpdateFunctionCode20150331v2"},
		{"sqs.amazonaws.com", "SendMessageBatch"},
		{"cloudfront.amazonaws.com", "CreateDistributionWithTags2020_05_31"},
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c := calls[i%len(calls)]
		MapEvent(c[0], c[1])
	}
}

func TestExpand(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"kms:ReEncrypt*", "[kms:ReEncryptFrom kms:ReEncryptTo]"},
		{"KMS:decrypt", "[kms:Decrypt]"},
		{"nosuch:Thing", "[nosuch:Thing]"},
		{"nosuch:*", "[]"},
		{"s?s:GetCallerIdentit?", "[sts:GetCallerIdentity]"},
		{"ec2:runinstances", "[ec2:RunInstances]"},
		{"*:GetCallerIdentity", "[sts:GetCallerIdentity]"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := fmt.Sprint(Expand(tt.in)); got != tt.want {
				t.Errorf("Expand(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

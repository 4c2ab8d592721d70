package extract

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/golden"
)

// TestGoldenCauses extracts testdata/causes/trail: a presigned URL refused
// from a bootstrap node, a trust policy refusing a service account, an
// issuer whose keys cannot be read, and RunInstances denials with five
// encoded messages, one cut. Regenerate with
// `go test ./internal/extract -run GoldenCauses -update`.
func TestGoldenCauses(t *testing.T) {
	dir := filepath.Join("testdata", "causes")
	res := runOpts(t, Options{EventsPaths: []string{filepath.Join(dir, "trail")}, Jobs: 2}, filepath.Join(t.TempDir(), "out"))
	if res.err != nil {
		t.Fatalf("Run: %v\n%s", res.err, res.stderr)
	}
	golden.Check(t, filepath.Join(dir, "golden", events.EventsFile), res.raw[events.EventsFile], *update)

	role := "arn:aws:iam::123456789012:role/lab-openshift-image-registry-installer-cloud-credentials"
	wantEnc := []string{"ZqAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-_9", "ZqBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB-_9", "ZqCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC-_9"}
	for _, tc := range []struct {
		id, action string
		want       []events.Denial
	}{
		{"lab-installer", "s3:GetObject", []events.Denial{
			{ErrorCode: "AccessDenied", Count: 1, Resources: []string{"arn:aws:s3:::lab-bootstrap/other.ign"}},
			{ErrorCode: "AccessDenied", Cause: "presigned-url", Count: 2, Resources: []string{"arn:aws:s3:::lab-bootstrap", "arn:aws:s3:::lab-bootstrap/bootstrap.ign"}},
		}},
		{"lab-openshift-image-registry-installer-cloud-credentials", "sts:AssumeRoleWithWebIdentity", []events.Denial{
			{ErrorCode: "AccessDenied", Cause: "trust-policy", Count: 1, Resources: []string{role}},
			{ErrorCode: "InvalidIdentityToken", Cause: "web-identity", Count: 2, Resources: []string{role}},
		}},
		{"lab-openshift-machine-api-aws-cloud-credentials", "ec2:RunInstances", []events.Denial{
			{ErrorCode: "Client.UnauthorizedOperation", Action: "ec2:RunInstances", Cause: "identity-policy", Count: 5,
				Resources:       []string{"arn:aws:ec2:us-east-1:123456789012:instance/*", "arn:aws:ec2:us-east-1:123456789012:volume/*"},
				EncodedMessages: wantEnc},
		}},
	} {
		t.Run(tc.action, func(t *testing.T) {
			got := res.action(t, tc.id, tc.action).Denied
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("denied = %+v\nwant      %+v", got, tc.want)
			}
		})
	}
}

func TestKeepSmallest(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []string
		want []string
	}{
		{"fewer than the bound", []string{"b", "a"}, []string{"a", "b"}},
		{"repeats once", []string{"a", "a", "b", "a"}, []string{"a", "b"}},
		{"bound keeps the smallest", []string{"d", "c", "b", "a", "e"}, []string{"a", "b", "c"}},
		{"a larger value after the bound", []string{"a", "b", "c", "z"}, []string{"a", "b", "c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var l []string
			for _, s := range tc.in {
				l = keepSmallest(l, s, 3)
			}
			if !reflect.DeepEqual(l, tc.want) {
				t.Errorf("got %v, want %v", l, tc.want)
			}
		})
	}
}

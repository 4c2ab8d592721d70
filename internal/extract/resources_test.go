package extract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cloud-credentials-insights/cci/internal/events"
)

// resourceRec is a call by alice naming arns in resources[].
func resourceRec(source, name, errorCode string, arns ...string) map[string]any {
	var res []map[string]any
	for _, a := range arns {
		res = append(res, map[string]any{"accountId": "123456789012", "type": "AWS::S3::Object", "ARN": a})
	}
	r := rec(map[string]any{"eventSource": source, "eventName": name, "resources": res})
	if errorCode != "" {
		r["errorCode"] = errorCode
		r["errorMessage"] = "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: s3:GetObject on resource: x"
	}
	return r
}

// TestResourcesAcrossJobs spreads 30 object ARNs of one action (and 2 of
// another) over shuffled objects and checks that every --jobs keeps the 8
// smallest, computed here, and says more were seen; denied calls add none,
// and a successful call listing none marks the list as not covering it.
func TestResourcesAcrossJobs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var calls []map[string]any
	var used []string
	for range 30 {
		arn := fmt.Sprintf("arn:aws:s3:::bucket/key-%03d", rng.IntN(1000))
		used = append(used, arn)
		calls = append(calls, resourceRec("s3.amazonaws.com", "GetObject", "", arn, "arn:aws:s3:::bucket"))
	}
	// Smaller than every ARN used, but refused or failed: not kept.
	calls = append(calls,
		resourceRec("s3.amazonaws.com", "GetObject", "AccessDenied", "arn:aws:s3:::a-denied"),
		resourceRec("s3.amazonaws.com", "GetObject", "NoSuchKey", "arn:aws:s3:::a-missing"))
	for _, arn := range []string{"arn:aws:ec2:us-east-1:123456789012:instance/i-3", "arn:aws:ec2:us-east-1:123456789012:instance/i-1"} {
		calls = append(calls, resourceRec("ec2.amazonaws.com", "DescribeInstances", "", arn, arn))
	}
	// One successful call listed its resource, one none: the ARN does not
	// cover every call.
	calls = append(calls, resourceRec("ec2.amazonaws.com", "CreateTags", "", "arn:aws:ec2:us-east-1:123456789012:instance/i-1"),
		resourceRec("ec2.amazonaws.com", "CreateTags", ""))
	rng.Shuffle(len(calls), func(i, j int) { calls[i], calls[j] = calls[j], calls[i] })
	files := map[string][]byte{}
	for i := 0; i < len(calls); i += 3 {
		files[fmt.Sprintf("o%02d.json.gz", i)] = gz(t, records(t, calls[i:min(i+3, len(calls))]...))
	}
	used = append(used, "arn:aws:s3:::bucket")
	slices.Sort(used)
	want := slices.Compact(used)[:8]

	in := writeFiles(t, files)
	var first map[string][]byte
	for _, jobs := range []int{1, 8} {
		res := runOpts(t, Options{EventsPaths: []string{in}, Jobs: jobs}, filepath.Join(t.TempDir(), "out"))
		if res.err != nil {
			t.Fatalf("jobs %d: %v", jobs, res.err)
		}
		get := res.action(t, "alice", "s3:GetObject")
		if !slices.Equal(get.Resources, want) || !get.ResourcesTruncated {
			t.Errorf("jobs %d: s3:GetObject resources %v truncated %v, want %v truncated", jobs, get.Resources, get.ResourcesTruncated, want)
		}
		desc := res.action(t, "alice", "ec2:DescribeInstances")
		wantDesc := []string{"arn:aws:ec2:us-east-1:123456789012:instance/i-1", "arn:aws:ec2:us-east-1:123456789012:instance/i-3"}
		if !slices.Equal(desc.Resources, wantDesc) || desc.ResourcesTruncated {
			t.Errorf("jobs %d: ec2:DescribeInstances resources %v truncated %v, want %v", jobs, desc.Resources, desc.ResourcesTruncated, wantDesc)
		}
		if tags := res.action(t, "alice", "ec2:CreateTags"); len(tags.Resources) != 1 || !tags.ResourcesTruncated {
			t.Errorf("jobs %d: ec2:CreateTags resources %v truncated %v, want one, truncated", jobs, tags.Resources, tags.ResourcesTruncated)
		}
		if first == nil {
			first = res.raw
			continue
		}
		sameOutputs(t, fmt.Sprintf("jobs %d against jobs 1", jobs), res.raw, first)
	}
}

// TestNoResourcesUnchanged: records without resources[], with an empty
// one, or whose ARNs were all refused write the same events.json, and it
// names no resources field.
func TestNoResourcesUnchanged(t *testing.T) {
	plain := []map[string]any{rec(nil), rec(map[string]any{"eventName": "CreateTags"})}
	empty := []map[string]any{rec(map[string]any{"resources": []any{}}), rec(map[string]any{"eventName": "CreateTags", "resources": nil})}
	denied := []map[string]any{rec(nil), resourceRec("ec2.amazonaws.com", "CreateTags", "Client.UnauthorizedOperation", "arn:aws:ec2:::x")}
	denied[1]["errorMessage"] = "You are not authorized to perform this operation."
	run := func(rs []map[string]any) []byte {
		res := runFiles(t, map[string][]byte{"a.json": records(t, rs...)}, Options{Jobs: 1})
		if res.err != nil {
			t.Fatal(res.err)
		}
		return res.raw["events.json"]
	}
	base := run(plain)
	if bytes.Contains(base, []byte(`"resources`)) {
		t.Errorf("events.json of records without resources[] names resources:\n%s", base)
	}
	if got := run(empty); !bytes.Equal(got, base) {
		t.Errorf("empty resources[] changed events.json:\n%s\nwant\n%s", got, base)
	}
	// A refused call's ARNs belong to its denial group (what was refused
	// on what), never to the action's resources (what was used).
	var ids map[string]*events.Identity
	if err := json.Unmarshal(run(denied), &ids); err != nil {
		t.Fatal(err)
	}
	act := ids["alice"].Events["ec2:CreateTags"]
	if len(act.Resources) != 0 || act.ResourcesTruncated {
		t.Errorf("a refused call's resources[] reached the action: %+v", act)
	}
	if len(act.Denied) != 1 || !slices.Equal(act.Denied[0].Resources, []string{"arn:aws:ec2:::x"}) {
		t.Errorf("denial groups %+v, want one naming arn:aws:ec2:::x", act.Denied)
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeData lays out a minimal shared/data/iam with the given SDK methods.
func writeData(t *testing.T, dir, sdkMethods string) {
	t.Helper()
	files := map[string]string{
		"iam_actions_by_service.json": `{"actions": {
			"sqs": {"SendMessage": "Write", "DeleteMessage": "Write", "SendMessageBatchX": "Write"},
			"cloudfront": {"CreateDistribution": "Write", "TagResource": "Tagging"}}}`,
		"cloudtrail_service_mappings.json":            `{"cloudtrail_service_mappings": {}}`,
		"cloudtrail_eventname_overrides.curated.json": `{"s3_eventname_to_actions": {"map": {}}, "version_suffix": {"regex": "(\\d{8})$"}, "renamed_events": {}, "no_permission_needed": {}}`,
		"sdk_method_iam_actions-2022-08-19.json":      `{"sdk_method_iam_actions": {` + sdkMethods + `}, "sdk_service_mappings": {"CloudFront": "cloudfront"}}`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRunCuration(t *testing.T) {
	const sdk = `"SQS.SendMessageBatch": ["sqs:SendMessage"], "SQS.DeleteMessageBatch": ["sqs:DeleteMessageBatch"],
		"CloudFront.CreateDistributionWithTags": ["cloudfront:CreateDistributionWithTags"], "SQS.SendMessage": ["sqs:SendMessage"]`
	const decided = `"sqs.amazonaws.com SendMessageBatch": {"actions": ["sqs:sendmessage"], "evidence": "e"},
		"sqs.amazonaws.com DeleteMessageBatch": {"actions": ["sqs:DeleteMessage"], "evidence": "e"}`
	tests := []struct {
		name, sdk, curated string
		wantErr            string   // empty: success
		wantOut            []string // lines the generated file must hold
	}{
		{
			name: "all decided",
			sdk:  sdk,
			curated: `{"renamed_events": {` + decided + `},
				"left_unmapped": {"cloudfront.amazonaws.com CreateDistributionWithTags": "r"},
				"no_permission_needed": {"signin.amazonaws.com GetSigninToken": "e"}}`,
			wantOut: []string{
				`"sqs.amazonaws.com SendMessageBatch": {"sqs:SendMessage"}`,
				`"sqs.amazonaws.com DeleteMessageBatch": {"sqs:DeleteMessage"}`,
				`"signin.amazonaws.com GetSigninToken": true`,
			},
		},
		{
			name:    "undecided SDK method of the class",
			sdk:     sdk,
			curated: `{"renamed_events": {` + decided + `}}`,
			wantErr: "CloudFront.CreateDistributionWithTags (cloudfront:CreateDistributionWithTags is not an action)",
		},
		{
			name:    "entry hides a real action",
			sdk:     `"SQS.SendMessage": ["sqs:SendMessage"]`,
			curated: `{"renamed_events": {"sqs.amazonaws.com SendMessage": {"actions": ["sqs:SendMessage"], "evidence": "e"}}}`,
			wantErr: "sqs:SendMessage is an IAM action; the entry would hide it",
		},
		{
			name:    "action not canonical",
			sdk:     `"SQS.SendMessage": ["sqs:SendMessage"]`,
			curated: `{"renamed_events": {"sqs.amazonaws.com DeleteMessageBatch": {"actions": ["sqs:DeleteMessageBatch"], "evidence": "e"}}}`,
			wantErr: "sqs:DeleteMessageBatch is not in the canonical action list",
		},
		{
			name:    "no evidence",
			sdk:     `"SQS.SendMessage": ["sqs:SendMessage"]`,
			curated: `{"no_permission_needed": {"signin.amazonaws.com GetSigninToken": ""}}`,
			wantErr: "want evidence",
		},
		{
			name:    "decided twice",
			sdk:     `"SQS.SendMessage": ["sqs:SendMessage"]`,
			curated: `{"no_permission_needed": {"sso.amazonaws.com Logout": "e"}, "left_unmapped": {"sso.amazonaws.com Logout": "r"}}`,
			wantErr: "already decided",
		},
		{
			name:    "key without a host",
			sdk:     `"SQS.SendMessage": ["sqs:SendMessage"]`,
			curated: `{"left_unmapped": {"BatchThing": "r"}}`,
			wantErr: `want "host EventName"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeData(t, dir, tt.sdk)
			cur := filepath.Join(dir, "curated.json")
			if err := os.WriteFile(cur, []byte(tt.curated), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "tables_gen.go")
			err := run(dir, cur, out)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("run() error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("run() error = %v", err)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			// gofmt aligns the values; compare with runs of spaces squeezed.
			got := strings.Join(strings.Fields(string(b)), " ")
			for _, w := range tt.wantOut {
				if !strings.Contains(got, strings.Join(strings.Fields(w), " ")) {
					t.Errorf("generated file lacks %s", w)
				}
			}
		})
	}
}

package main

import (
	"bytes"
	"compress/gzip"
	"io"
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
			err := run(dir, cur, "", out)
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

func TestAuditModels(t *testing.T) {
	dir := t.TempDir()
	write := func(path, body string, gz bool) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if gz {
			zw := gzip.NewWriter(&buf)
			zw.Write([]byte(body))
			zw.Close()
		} else {
			buf.WriteString(body)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The newest version directory wins; an old one is ignored.
	write(filepath.Join(dir, "sqs", "2011-01-01", "service-2.json"), `{"metadata": {"signingName": "sqs"}, "operations": {"OldBatch": {}}}`, false)
	write(filepath.Join(dir, "sqs", "2012-11-05", "service-2.json.gz"), `{"metadata": {"signingName": "sqs"},
		"operations": {"SendMessageBatch": {}, "SendMessage": {}, "PurgeQueueBatch": {}}}`, true)
	write(filepath.Join(dir, "sso", "2019-06-10", "service-2.json"), `{"metadata": {"signingName": "awsssoportal"},
		"operations": {"Logout": {"authtype": "none"}}}`, false)
	actions := []string{"sqs:SendMessage", "sso:ListInstances"}

	decided := map[string]string{"sqs:sendmessagebatch": "renamed_events", "sso:logout": "no_permission_needed"}
	var report bytes.Buffer
	err := auditModels(&report, dir, "curated.json", actions, decided)
	if err == nil || !strings.Contains(err.Error(), "1 operations left undecided") {
		t.Fatalf("auditModels() = %v, want sqs:PurgeQueueBatch undecided", err)
	}
	want := "sqs:PurgeQueueBatch\tUNDECIDED\nsqs:SendMessageBatch\trenamed_events\nsso:Logout\tno_permission_needed\n3 audited operations, 1 undecided\n"
	if report.String() != want {
		t.Errorf("report:\n%s\nwant:\n%s", report.String(), want)
	}
	decided["sqs:purgequeuebatch"] = "left_unmapped"
	if err := auditModels(io.Discard, dir, "curated.json", actions, decided); err != nil {
		t.Fatalf("auditModels() = %v, want every operation decided", err)
	}
}

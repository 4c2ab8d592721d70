package policy

import (
	"slices"
	"testing"
)

func TestEventSources(t *testing.T) {
	tests := []struct {
		prefix string
		want   []string
	}{
		{"ec2", []string{"ec2.amazonaws.com"}},
		{"cloudwatch", []string{"cloudwatch.amazonaws.com", "monitoring.amazonaws.com"}},
		{"tag", []string{"tag.amazonaws.com", "tagging.amazonaws.com"}},
		{"s3", []string{"s3-control.amazonaws.com", "s3.amazonaws.com"}},
		{"S3", []string{"s3-control.amazonaws.com", "s3.amazonaws.com"}},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			got := EventSources(tt.prefix)
			if !slices.Equal(got, tt.want) {
				t.Errorf("EventSources(%q) = %q, want %q", tt.prefix, got, tt.want)
			}
			for _, h := range got {
				if p := Prefix(h); p != lowerASCII(tt.prefix) {
					t.Errorf("Prefix(%q) = %q, not %q: not the reverse", h, p, tt.prefix)
				}
			}
		})
	}
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = lower(c)
	}
	return string(b)
}

func TestDataEventSourcesOf(t *testing.T) {
	tests := []struct {
		action string
		want   []string
	}{
		{"s3:GetObject", []string{"s3.amazonaws.com"}},
		{"S3:getobject", []string{"s3.amazonaws.com"}},
		{"dynamodb:Query", []string{"dynamodb.amazonaws.com"}},
		{"cloudwatch:GetMetricData", []string{"cloudwatch.amazonaws.com", "monitoring.amazonaws.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			if got := DataEventSourcesOf(tt.action); !slices.Equal(got, tt.want) {
				t.Errorf("DataEventSourcesOf(%q) = %q, want %q", tt.action, got, tt.want)
			}
		})
	}
}

func TestTagsAtCreate(t *testing.T) {
	tests := []struct {
		tag, action string
		want        bool
	}{
		{"ec2:CreateTags", "ec2:RunInstances", true},
		{"ec2:CreateTags", "ec2:CreateVolume", true},
		{"ec2:CreateTags", "ec2:CreateTags", false},
		{"ec2:CreateTags", "ec2:DescribeInstances", false},
		{"ec2:CreateTags", "elasticloadbalancing:CreateLoadBalancer", false},
		{"elasticloadbalancing:AddTags", "elasticloadbalancing:CreateLoadBalancer", true},
		{"elasticloadbalancing:AddTags", "elasticloadbalancing:DeleteLoadBalancer", false},
		{"iam:TagRole", "iam:CreateRole", false},
	}
	for _, tt := range tests {
		if got := TagsAtCreate(tt.tag, tt.action); got != tt.want {
			t.Errorf("TagsAtCreate(%q, %q) = %v, want %v", tt.tag, tt.action, got, tt.want)
		}
	}
	if got := CreateTimeTaggingActions(); !slices.Equal(got, []string{"ec2:CreateTags", "elasticloadbalancing:AddTags"}) {
		t.Errorf("CreateTimeTaggingActions() = %q", got)
	}
}

func TestDataEventActions(t *testing.T) {
	for _, src := range DataEventSources() {
		acts := DataEventActions(src)
		if len(acts) == 0 {
			t.Errorf("%s: no actions", src)
		}
		for _, a := range acts {
			if c, ok := Canonical(a); !ok || c != a {
				t.Errorf("%s: %q is not a canonical IAM action (%q, %v)", src, a, c, ok)
			}
		}
	}
	if DataEventActions("ec2.amazonaws.com") != nil {
		t.Error("ec2 has data-event actions")
	}
}

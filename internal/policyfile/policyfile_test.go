package policyfile

import (
	"fmt"
	"strings"
	"testing"
)

func TestShorthand(t *testing.T) {
	tests := []struct {
		in      string
		want    ContextEntry
		wantErr string
	}{
		{in: "ContextKeyName=kms:GrantIsForAWSResource,ContextKeyValues=true,ContextKeyType=boolean",
			want: ContextEntry{Name: "kms:GrantIsForAWSResource", Values: []string{"true"}, Type: "boolean"}},
		{in: "ContextKeyName=aws:TagKeys,ContextKeyValues=a,b,c,ContextKeyType=stringList",
			want: ContextEntry{Name: "aws:TagKeys", Values: []string{"a", "b", "c"}, Type: "stringList"}},
		{in: "ContextKeyName=aws:TagKeys,ContextKeyValues=[a,b],ContextKeyType=stringList",
			want: ContextEntry{Name: "aws:TagKeys", Values: []string{"a", "b"}, Type: "stringList"}},
		{in: `ContextKeyName=k,ContextKeyValues="x,y",ContextKeyType=string`,
			want: ContextEntry{Name: "k", Values: []string{"x,y"}, Type: "string"}},
		{in: "ContextKeyType=binary,ContextKeyName=b,ContextKeyValues=QQ==",
			want: ContextEntry{Name: "b", Values: []string{"QQ=="}, Type: "binary"}},
		{in: "ContextKeyName=k,ContextKeyValues=",
			want: ContextEntry{Name: "k"}},
		{in: "ContextKeyName=k", wantErr: "no ContextKeyValues"},
		{in: "ContextKeyValues=v", wantErr: "no ContextKeyName"},
		{in: "ContextKeyName=k,extra,ContextKeyValues=v", wantErr: "unexpected"},
		{in: `ContextKeyName=k,ContextKeyValues="v`, wantErr: "unterminated quote"},
		{in: "ContextKeyName=k,ContextKeyName=j,ContextKeyValues=v", wantErr: "given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseShorthand(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("%+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestContextTypes(t *testing.T) {
	tests := []struct {
		e  ContextEntry
		ok bool
	}{
		{ContextEntry{Name: "k", Values: []string{"1.5"}, Type: "numeric"}, true},
		{ContextEntry{Name: "k", Values: []string{"x"}, Type: "numeric"}, false},
		{ContextEntry{Name: "k", Values: []string{"1", "2"}, Type: "numeric"}, false},
		{ContextEntry{Name: "k", Values: []string{"1", "2"}, Type: "numericList"}, true},
		{ContextEntry{Name: "k", Values: []string{"TRUE"}, Type: "boolean"}, true},
		{ContextEntry{Name: "k", Values: []string{"yes"}, Type: "boolean"}, false},
		{ContextEntry{Name: "k", Values: []string{"true", "false"}, Type: "booleanList"}, true},
		{ContextEntry{Name: "k", Values: []string{"10.0.0.1"}, Type: "ip"}, true},
		{ContextEntry{Name: "k", Values: []string{"2001:db8::1", "10.0.0.0/8"}, Type: "ipList"}, true},
		{ContextEntry{Name: "k", Values: []string{"10.0.0.300"}, Type: "ip"}, false},
		{ContextEntry{Name: "k", Values: []string{"QQ=="}, Type: "binary"}, true},
		{ContextEntry{Name: "k", Values: []string{"%%"}, Type: "binaryList"}, false},
		{ContextEntry{Name: "k", Values: []string{"2024-01-01T00:00:00Z"}, Type: "date"}, true},
		{ContextEntry{Name: "k", Values: []string{"1700000000", "2024-01-01"}, Type: "dateList"}, true},
		{ContextEntry{Name: "k", Values: []string{"soon"}, Type: "date"}, false},
		{ContextEntry{Name: "k", Values: []string{"a", "b"}, Type: "string"}, false},
		{ContextEntry{Name: "k", Values: []string{"a", "b"}, Type: "stringList"}, true},
		{ContextEntry{Name: "k", Values: []string{"a", "b"}}, true},
		{ContextEntry{Name: "k", Values: []string{"a"}, Type: "text"}, false},
		{ContextEntry{Values: []string{"a"}, Type: "string"}, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.e), func(t *testing.T) {
			if err := tt.e.Check(); (err == nil) != tt.ok {
				t.Fatalf("check: %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

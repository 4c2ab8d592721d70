package extract

import (
	"testing"
	"unsafe"

	"github.com/cloud-credentials-insights/cci/internal/policy"
)

// TestParseDenialCached: the cache answers as policy.ParseDenialMessage
// does, and what it keeps does not change when the decoder's buffer, which
// the record's strings point into, is overwritten.
func TestParseDenialCached(t *testing.T) {
	const msg = "User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: " +
		"ec2:RunInstances on resource: arn:aws:ec2:us-east-1:123456789012:instance/* because no " +
		"identity-based policy allows the ec2:RunInstances action"
	a := newAggregate()
	buf := []byte(msg)
	view := unsafe.String(unsafe.SliceData(buf), len(buf)) // as the decoder hands strings out
	wantD, wantM, wantOK := policy.ParseDenialMessage("AccessDenied", msg)
	for i := range 2 { // a miss, then a hit
		d, m, ok := a.parseDenial("AccessDenied", view)
		if d != wantD || m != wantM || ok != wantOK {
			t.Fatalf("call %d: %+v %+v %v, want %+v %+v %v", i, d, m, ok, wantD, wantM, wantOK)
		}
	}
	for i := range buf {
		buf[i] = 'x'
	}
	if d, m, _ := a.parseDenial("AccessDenied", msg); d != wantD || m != wantM {
		t.Errorf("after the buffer changed: %+v %+v, want %+v %+v", d, m, wantD, wantM)
	}
	if _, _, ok := a.parseDenial("ThrottlingException", msg); ok {
		t.Error("a throttled call parsed as a denial")
	}
	if len(a.denials) != 1 {
		t.Errorf("%d cache entries, want 1", len(a.denials))
	}
}

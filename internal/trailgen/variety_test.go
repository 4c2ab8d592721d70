package trailgen

import (
	"crypto/sha256"
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestBenchConfigUnchanged pins the bytes of a BenchConfig trail: the
// benchmark figures of docs/performance.md compare runs on these bytes,
// and the shapes of issue 14 must not move them.
func TestBenchConfigUnchanged(t *testing.T) {
	objs, _ := generate(t, BenchConfig(20000))
	h := sha256.New()
	for _, o := range objs {
		h.Write([]byte(o.name))
		h.Write(o.gz)
	}
	const want = "612782b14167aef3eff6af1ca27f8acf8748dda2a340d855cf7aeaed1e255ecb"
	if got := fmt.Sprintf("%x", h.Sum(nil)); got != want {
		t.Errorf("BenchConfig(20000) hashes to %s, want %s", got, want)
	}
}

// shapeCounts tallies what the shapes vary, over the records of a trail.
type shapeCounts struct {
	records, fromIP, roleRecords int
	ips, sessions                map[string]int
	principals                   map[string]int // identity name -> records (sessionIssuer or userName)
}

func countShape(t *testing.T, cfg Config) shapeCounts {
	t.Helper()
	objs, _ := generate(t, cfg)
	_, recs := decodeRecords(t, objs)
	c := shapeCounts{ips: map[string]int{}, sessions: map[string]int{}, principals: map[string]int{}}
	for _, r := range recs {
		c.records++
		ip := str(r, "sourceIPAddress")
		if strings.Trim(ip, "0123456789.") == "" {
			c.fromIP++
			c.ips[ip]++
		}
		ui, _ := r["userIdentity"].(map[string]any)
		name, _ := ui["userName"].(string)
		if ui["type"] == "AssumedRole" {
			c.roleRecords++
			arn, _ := ui["arn"].(string)
			c.sessions[arn[strings.LastIndexByte(arn, '/')+1:]]++
			sc, _ := ui["sessionContext"].(map[string]any)
			si, _ := sc["sessionIssuer"].(map[string]any)
			name, _ = si["userName"].(string)
			if pid, _ := ui["principalId"].(string); !strings.HasSuffix(pid, ":"+arn[strings.LastIndexByte(arn, '/')+1:]) {
				t.Errorf("principalId %s does not end with the session of %s", pid, arn)
			}
		}
		c.principals[name]++
	}
	return c
}

func TestShapes(t *testing.T) {
	const n = 8000
	base := countShape(t, BenchConfig(n))
	if len(base.ips) > 20 || len(base.sessions) > 40 {
		t.Fatalf("the bench trail has %d addresses and %d sessions: not the few per identity expected", len(base.ips), len(base.sessions))
	}
	tests := []struct {
		shape            string
		ipsMin, ipsMax   int // distinct source IPs; -1: one per record from an IP
		sessMin, sessMax int // distinct sessions; -1: one per assumed-role record
	}{
		{"unique", -1, -1, -1, -1},
		{"mixed", 0, 10000, 0, 50000}, // lower bounds: what draws from 10k and 50k values give
		{"ips4", 4, 4, -1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.shape, func(t *testing.T) {
			sh, ok := ShapeByName(tt.shape)
			if !ok {
				t.Fatalf("no shape %s", tt.shape)
			}
			c := countShape(t, sh.Config(n))
			if c.records != n || c.fromIP != base.fromIP || c.roleRecords != base.roleRecords {
				t.Errorf("records %d, from an IP %d, assumed-role %d; want %d, %d, %d as in the bench trail",
					c.records, c.fromIP, c.roleRecords, n, base.fromIP, base.roleRecords)
			}
			check := func(what string, got, lo, hi, all int) {
				switch {
				case lo < 0:
					lo, hi = all, all
				case lo == 0:
					// all draws from hi values: hi(1-e^(-all/hi)) distinct expected.
					exp := float64(hi) * (1 - math.Exp(-float64(all)/float64(hi)))
					lo, hi = int(0.97*exp), int(1.03*exp)
				}
				if got < lo || got > hi {
					t.Errorf("%d distinct %s, want %d-%d", got, what, lo, hi)
				}
			}
			check("source IPs", len(c.ips), tt.ipsMin, tt.ipsMax, c.fromIP)
			check("sessions", len(c.sessions), tt.sessMin, tt.sessMax, c.roleRecords)
			t.Logf("%d records: %d from an IP (%d distinct), %d assumed-role (%d distinct sessions)",
				c.records, c.fromIP, len(c.ips), c.roleRecords, len(c.sessions))
		})
	}
	t.Run("filtered", func(t *testing.T) {
		sh, _ := ShapeByName("filtered")
		c := countShape(t, sh.Config(n))
		kept := 0
		for name, k := range c.principals {
			if strings.HasPrefix(name, sh.PrincipalPrefixes[0]) {
				kept += k
			}
		}
		share := float64(kept) / float64(c.records)
		if share < 0.03 || share > 0.07 {
			t.Errorf("the prefix %s keeps %.1f%% of the records, want about 5%%", sh.PrincipalPrefixes[0], 100*share)
		}
		t.Logf("prefix %s keeps %d of %d records (%.1f%%)", sh.PrincipalPrefixes[0], kept, c.records, 100*share)
	})
}

func TestVarietyErrors(t *testing.T) {
	cfg := BenchConfig(10)
	cfg.Variety.SourceIPs = -2
	if _, err := Generate(t.Context(), cfg, func(string, []byte) error { return nil }); err == nil {
		t.Error("a negative SourceIPs other than Unique was accepted")
	}
}

package source

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestParseCloudTrailKey(t *testing.T) {
	tests := []struct {
		key  string
		ok   bool
		want ctKey
	}{
		{
			key: "AWSLogs/123456789012/CloudTrail/us-east-1/2024/09/20/123456789012_CloudTrail_us-east-1_20240920T0245Z_abcDEF123.json.gz",
			ok:  true,
			want: ctKey{Account: "123456789012", Kind: "CloudTrail", Region: "us-east-1",
				Day: time.Date(2024, 9, 20, 0, 0, 0, 0, time.UTC), Time: time.Date(2024, 9, 20, 2, 45, 0, 0, time.UTC),
				File: "123456789012_CloudTrail_us-east-1_20240920T0245Z_abcDEF123.json.gz"},
		},
		{
			key: "trails/x/AWSLogs/o-abcdef1234/123456789012/CloudTrail/eu-west-3/2023/12/31/123456789012_CloudTrail_eu-west-3_20240101T0001Z_x.json.gz",
			ok:  true,
			want: ctKey{Prefix: "trails/x/", Org: "o-abcdef1234", Account: "123456789012", Kind: "CloudTrail", Region: "eu-west-3",
				Day: time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC), Time: time.Date(2024, 1, 1, 0, 1, 0, 0, time.UTC),
				File: "123456789012_CloudTrail_eu-west-3_20240101T0001Z_x.json.gz"},
		},
		{
			key: "AWSLogs/123456789012/CloudTrail-Digest/us-gov-west-1/2024/02/29/123456789012_CloudTrail-Digest_us-gov-west-1_mytrail_us-east-1_20240229T235959Z.json.gz",
			ok:  true,
			want: ctKey{Account: "123456789012", Kind: "CloudTrail-Digest", Region: "us-gov-west-1",
				Day: time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), Time: time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC),
				File: "123456789012_CloudTrail-Digest_us-gov-west-1_mytrail_us-east-1_20240229T235959Z.json.gz"},
		},
		{
			// A file name without a timestamp still parses; Time stays zero.
			key: "AWSLogs/123456789012/CloudTrail/us-east-1/2024/09/20/events.json",
			ok:  true,
			want: ctKey{Account: "123456789012", Kind: "CloudTrail", Region: "us-east-1",
				Day: time.Date(2024, 9, 20, 0, 0, 0, 0, time.UTC), File: "events.json"},
		},
		{key: "AWSLogs/123456789012/CloudTrail/us-east-1/2024/09/20/", ok: false},                       // directory
		{key: "AWSLogs/123456789012/CloudTrail/us-east-1/2024/9/20/f.json.gz", ok: false},               // short month
		{key: "AWSLogs/123456789012/CloudTrail/us-east-1/2024/02/30/f.json.gz", ok: false},              // no such day
		{key: "AWSLogs/12345678901/CloudTrail/us-east-1/2024/09/20/f.json.gz", ok: false},               // 11 digits
		{key: "AWSLogs/123456789012/Config/us-east-1/2024/09/20/f.json.gz", ok: false},                  // another service
		{key: "AWSLogs/123456789012/CloudTrail/US-EAST-1/2024/09/20/f.json.gz", ok: false},              // not a region
		{key: "MyAWSLogs/123456789012/CloudTrail/us-east-1/2024/09/20/f.json.gz", ok: false},            // not the segment
		{key: "AWSLogs/123456789012/CloudTrail/us-east-1/2024/09/20/extra/f.json.gz", ok: false},        // too deep
		{key: "AWSLogs/O-ABCDEF1234/123456789012/CloudTrail/us-east-1/2024/09/20/f.json.gz", ok: false}, // org IDs are lowercase
		{key: "logs/123456789012_CloudTrail_us-east-1_20240920T0245Z_abc.json.gz", ok: false},           // no layout
		{key: "", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, ok := parseCloudTrailKey(tt.key)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v (%+v)", ok, tt.ok, got)
			}
			if ok && got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if ok && IsDigest(tt.key) != (tt.want.Kind == "CloudTrail-Digest") {
				t.Errorf("IsDigest(%q) = %v for kind %s", tt.key, IsDigest(tt.key), tt.want.Kind)
			}
		})
	}
}

func TestNameTime(t *testing.T) {
	tests := []struct {
		name string
		want string // RFC 3339, or "" for none
	}{
		{"123456789012_CloudTrail_us-east-1_20240920T0245Z_abc.json.gz", "2024-09-20T02:45:00Z"},
		{"s3://b/AWSLogs/123456789012/CloudTrail/us-east-1/2024/09/20/123456789012_CloudTrail_us-east-1_20240920T0245Z_abc.json.gz", "2024-09-20T02:45:00Z"},
		{"/tmp/t/123456789012_CloudTrail_us-east-1_20240920T0245Z_abc.json", "2024-09-20T02:45:00Z"},
		{`C:\t\123456789012_CloudTrail_us-east-1_20240920T0245Z_abc.json`, "2024-09-20T02:45:00Z"},
		{"123456789012_CloudTrail-Digest_us-east-1_trail_us-east-1_20240920T024512Z.json.gz", "2024-09-20T02:45:12Z"},
		// The directory part never counts.
		{"x_20240920T0245Z_y/plain.json.gz", ""},
		{"events.json.gz", ""},
		{"123456789012_CloudTrail_us-east-1_20241340T0245Z_abc.json.gz", ""}, // month 13
		{"123456789012_CloudTrail_us-east-1_20240920X0245Z_abc.json.gz", ""},
		{"123456789012_CloudTrail_us-east-1_2024092aT0245Z_abc.json.gz", ""},
		{"a_20240920T0245Z", "2024-09-20T02:45:00Z"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := nameTime(tt.name)
			if tt.want == "" {
				if ok {
					t.Fatalf("nameTime = %v, want none", got)
				}
				return
			}
			if !ok || !got.Equal(mustTime(t, tt.want)) {
				t.Fatalf("nameTime = %v %v, want %s", got, ok, tt.want)
			}
		})
	}
}

func TestInWindow(t *testing.T) {
	since := mustTime(t, "2024-09-20T02:00:00Z")
	until := mustTime(t, "2024-09-20T03:00:00Z")
	name := func(ts string) string {
		return "AWSLogs/123456789012/CloudTrail/us-east-1/2024/09/20/123456789012_CloudTrail_us-east-1_" + ts + "_abc.json.gz"
	}
	tests := []struct {
		name string
		o    ListOptions
		want bool
	}{
		{name("20240920T0230Z"), ListOptions{Since: since, Until: until}, true},
		{name("20240920T0155Z"), ListOptions{Since: since, Until: until}, true},  // within the margin
		{name("20240920T0154Z"), ListOptions{Since: since, Until: until}, false}, // before it
		{name("20240919T0230Z"), ListOptions{Since: since, Until: until}, false},
		{name("20240920T0315Z"), ListOptions{Since: since, Until: until, DeliverySlack: DefaultDeliverySlack}, true},  // delivery slack + margin
		{name("20240920T0320Z"), ListOptions{Since: since, Until: until, DeliverySlack: DefaultDeliverySlack}, true},  // the margin's edge
		{name("20240920T0321Z"), ListOptions{Since: since, Until: until, DeliverySlack: DefaultDeliverySlack}, false}, // past it
		{name("20240920T0305Z"), ListOptions{Since: since, Until: until}, true},                                       // no slack: the margin only
		{name("20240920T0306Z"), ListOptions{Since: since, Until: until}, false},                                      // past it
		{name("20240920T0350Z"), ListOptions{Since: since, Until: until, DeliverySlack: time.Hour}, true},             // a longer slack
		{name("20240920T0406Z"), ListOptions{Since: since, Until: until, DeliverySlack: time.Hour}, false},            // past that
		{name("20240101T0000Z"), ListOptions{Until: until}, true},                                                     // no lower bound
		{name("20300101T0000Z"), ListOptions{Since: since}, true},                                                     // no upper bound
		{name("20300101T0000Z"), ListOptions{}, true},                                                                 // no window
		{"AWSLogs/123456789012/CloudTrail/us-east-1/2019/01/01/old.json.gz", ListOptions{Since: since}, true},         // no timestamp
		{"s3://b/" + name("20240920T0230Z"), ListOptions{Since: since, Until: until}, true},                           // a URL
		{"s3://b/" + name("20240921T0230Z"), ListOptions{Since: since, Until: until}, false},                          // a URL, out
		{name("20240920T0230Z"), ListOptions{Since: since.In(time.FixedZone("x", 5*3600)), Until: until}, true},       // zones do not matter
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%v-%v", tt.name[strings.LastIndex(tt.name, "/")+1:], tt.o.Since.Format(time.Kitchen), tt.o.Until.Format(time.Kitchen)), func(t *testing.T) {
			if got := InWindow(tt.name, tt.o); got != tt.want {
				t.Errorf("InWindow = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestKeyMatches(t *testing.T) {
	key := "AWSLogs/123456789012/CloudTrail/us-east-1/2024/09/20/123456789012_CloudTrail_us-east-1_20240920T0245Z_abc.json.gz"
	tests := []struct {
		key  string
		o    ListOptions
		want bool
	}{
		{key, ListOptions{}, true},
		{key, ListOptions{Regions: []string{"eu-west-1", "US-EAST-1"}}, true},
		{key, ListOptions{Regions: []string{"eu-west-1"}}, false},
		{key, ListOptions{Accounts: []string{"123456789012"}}, true},
		{key, ListOptions{Accounts: []string{"210987654321"}}, false},
		{"other/file.json", ListOptions{Accounts: []string{"210987654321"}, Regions: []string{"eu-west-1"}}, true},
	}
	for i, tt := range tests {
		if got := KeyMatches(tt.key, tt.o); got != tt.want {
			t.Errorf("%d: KeyMatches(%q, %+v) = %v, want %v", i, tt.key, tt.o, got, tt.want)
		}
	}
}

func TestClassifyPrefix(t *testing.T) {
	tests := []struct {
		p     string
		level prefixLevel
		norm  string
		acct  string
		reg   string
		base  string
	}{
		{"", levelUnknown, "", "", "", ""},
		{"trails/", levelUnknown, "trails/", "", "", ""},
		{"AWSLogs/", levelLogs, "AWSLogs/", "", "", ""},
		{"AWSLogs", levelLogs, "AWSLogs/", "", "", ""},
		{"x/AWSLogs/", levelLogs, "x/AWSLogs/", "", "", ""},
		{"AWSLog", levelUnknown, "AWSLog", "", "", ""},
		{"AWSLogs/o-abcdef1234/", levelOrg, "AWSLogs/o-abcdef1234/", "", "", ""},
		{"AWSLogs/o-abcdef1234", levelOrg, "AWSLogs/o-abcdef1234/", "", "", ""},
		{"AWSLogs/1234", levelUnknown, "AWSLogs/1234", "", "", ""},
		{"AWSLogs/123456789012/", levelAccount, "AWSLogs/123456789012/", "123456789012", "", ""},
		{"AWSLogs/o-abcdef1234/123456789012", levelAccount, "AWSLogs/o-abcdef1234/123456789012/", "123456789012", "", ""},
		{"AWSLogs/123456789012/CloudTrail/", levelTrail, "AWSLogs/123456789012/CloudTrail/", "123456789012", "", ""},
		{"AWSLogs/123456789012/CloudTrail", levelTrail, "AWSLogs/123456789012/CloudTrail/", "123456789012", "", ""},
		{"AWSLogs/123456789012/CloudTrail-Digest/", levelUnknown, "AWSLogs/123456789012/CloudTrail-Digest/", "", "", ""},
		{"AWSLogs/123456789012/CloudTrail/us-east-1/", levelRegion, "AWSLogs/123456789012/CloudTrail/us-east-1/", "123456789012", "us-east-1", "AWSLogs/123456789012/CloudTrail/us-east-1/"},
		{"AWSLogs/123456789012/CloudTrail/us-east-1", levelRegion, "AWSLogs/123456789012/CloudTrail/us-east-1/", "123456789012", "us-east-1", "AWSLogs/123456789012/CloudTrail/us-east-1/"},
		{"AWSLogs/123456789012/CloudTrail/us-east-", levelUnknown, "AWSLogs/123456789012/CloudTrail/us-east-", "", "", ""},
		{"AWSLogs/123456789012/CloudTrail/us-east-1/2024/", levelDate, "AWSLogs/123456789012/CloudTrail/us-east-1/2024/", "123456789012", "us-east-1", "AWSLogs/123456789012/CloudTrail/us-east-1/"},
		{"AWSLogs/123456789012/CloudTrail/us-east-1/2024/0", levelDate, "AWSLogs/123456789012/CloudTrail/us-east-1/2024/0", "123456789012", "us-east-1", "AWSLogs/123456789012/CloudTrail/us-east-1/"},
		{"AWSLogs/123456789012/CloudTrail/us-east-1/2", levelDate, "AWSLogs/123456789012/CloudTrail/us-east-1/2", "123456789012", "us-east-1", "AWSLogs/123456789012/CloudTrail/us-east-1/"},
		{"AWSLogs/123456789012/CloudTrail/us-east-1/2024/09/20/123", levelDate, "AWSLogs/123456789012/CloudTrail/us-east-1/2024/09/20/123", "123456789012", "us-east-1", "AWSLogs/123456789012/CloudTrail/us-east-1/"},
		{"AWSLogs/123456789012/Config/", levelUnknown, "AWSLogs/123456789012/Config/", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.p, func(t *testing.T) {
			got := classifyPrefix(tt.p)
			want := prefixInfo{Level: tt.level, Prefix: tt.norm, Account: tt.acct, Region: tt.reg, Base: tt.base}
			if got != want {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestExpandPrefix(t *testing.T) {
	now := mustTime(t, "2024-09-25T12:00:00Z")
	window := ListOptions{Since: mustTime(t, "2024-09-20T00:03:00Z"), Until: mustTime(t, "2024-09-21T23:30:00Z")}
	const reg = "AWSLogs/123456789012/CloudTrail/us-east-1/"
	tests := []struct {
		name string
		p    string
		o    ListOptions
		root bool
		want listPlan
	}{
		{"no window lists as given", "AWSLogs/", ListOptions{}, true, listPlan{Full: []string{"AWSLogs/"}}},
		{"no window keeps a partial prefix", "AWSLogs", ListOptions{}, true, listPlan{Full: []string{"AWSLogs"}}},
		{"until alone does not expand days", reg, ListOptions{Until: window.Until}, true, listPlan{Full: []string{reg}}},
		{"logs root explores accounts", "AWSLogs/", window, true, listPlan{Explore: []string{"AWSLogs/"}}},
		{"bucket root explores once", "", window, true, listPlan{Explore: []string{""}}},
		{"an unknown child is listed whole", "other/", window, false, listPlan{Full: []string{"other/"}}},
		{"an unknown prefix without slash is listed whole", "trail", window, true, listPlan{Full: []string{"trail"}}},
		{"account goes straight to regions", "AWSLogs/123456789012/", window, false,
			listPlan{Explore: []string{"AWSLogs/123456789012/CloudTrail/"}}},
		{"account without slash", "AWSLogs/123456789012", window, true,
			listPlan{Explore: []string{"AWSLogs/123456789012/CloudTrail/"}}},
		{"region gives days: 5 minutes before since reaches the previous day", reg, window, true, listPlan{Full: []string{
			reg + "2024/09/19/", reg + "2024/09/20/", reg + "2024/09/21/"}}},
		{"regions filter names regions without listing", "AWSLogs/123456789012/CloudTrail/",
			ListOptions{Since: mustTime(t, "2024-09-20T12:00:00Z"), Until: mustTime(t, "2024-09-20T13:00:00Z"), Regions: []string{"us-west-2", "eu-west-1", "us-west-2"}}, true,
			listPlan{Full: []string{"AWSLogs/123456789012/CloudTrail/eu-west-1/2024/09/20/", "AWSLogs/123456789012/CloudTrail/us-west-2/2024/09/20/"}}},
		{"a value that is no region makes it look", "AWSLogs/123456789012/CloudTrail/", ListOptions{Regions: []string{"eu-west-1", "bogus"}}, true,
			listPlan{Explore: []string{"AWSLogs/123456789012/CloudTrail/"}}},
		{"a value that is no account makes it look", "AWSLogs/o-abcdef1234/", ListOptions{Accounts: []string{"123456789012", "acme"}}, true,
			listPlan{Explore: []string{"AWSLogs/o-abcdef1234/"}}},
		{"regions filter without window", "AWSLogs/123456789012/CloudTrail/", ListOptions{Regions: []string{"eu-west-1"}}, true,
			listPlan{Full: []string{"AWSLogs/123456789012/CloudTrail/eu-west-1/"}}},
		{"a region outside the filter is dropped", reg, ListOptions{Regions: []string{"eu-west-1"}}, true, listPlan{}},
		{"an account outside the filter is dropped", "AWSLogs/123456789012/", ListOptions{Accounts: []string{"210987654321"}}, false, listPlan{}},
		{"an account outside the filter is dropped at the region", reg, ListOptions{Accounts: []string{"210987654321"}}, true, listPlan{}},
		{"org with accounts", "AWSLogs/o-abcdef1234/", ListOptions{Accounts: []string{"210987654321", "123456789012"}, Regions: []string{"us-east-1"}}, true,
			listPlan{Full: []string{"AWSLogs/o-abcdef1234/123456789012/CloudTrail/us-east-1/", "AWSLogs/o-abcdef1234/210987654321/CloudTrail/us-east-1/"}}},
		{"org without accounts explores", "AWSLogs/o-abcdef1234/", window, true, listPlan{Explore: []string{"AWSLogs/o-abcdef1234/"}}},
		{"year prefix keeps its days", reg + "2024/", window, true, listPlan{Full: []string{
			reg + "2024/09/19/", reg + "2024/09/20/", reg + "2024/09/21/"}}},
		{"partial date prefix", reg + "2024/09/2", window, true, listPlan{Full: []string{
			reg + "2024/09/20/", reg + "2024/09/21/"}}},
		{"a day outside the window lists nothing", reg + "2024/08/", window, true, listPlan{}},
		{"a day in the window is listed as given", reg + "2024/09/20/", window, true, listPlan{Full: []string{reg + "2024/09/20/"}}},
		{"a prefix inside a day is listed as given", reg + "2024/09/20/1234", window, true, listPlan{Full: []string{reg + "2024/09/20/1234"}}},
		{"digests are listed as given", "AWSLogs/123456789012/CloudTrail-Digest/", window, false, listPlan{Full: []string{"AWSLogs/123456789012/CloudTrail-Digest/"}}},
		{"since alone runs to now plus a day", reg, ListOptions{Since: mustTime(t, "2024-09-24T12:00:00Z")}, true, listPlan{Full: []string{
			reg + "2024/09/24/", reg + "2024/09/25/", reg + "2024/09/26/"}}},
		{"a very long window lists the region whole", reg, ListOptions{Since: mustTime(t, "2020-01-01T00:00:00Z")}, true, listPlan{Full: []string{reg}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := expandPrefix(tt.p, tt.o, now, tt.root)
			if !slices.Equal(got.Full, tt.want.Full) || !slices.Equal(got.Explore, tt.want.Explore) {
				t.Errorf("expandPrefix(%q)\ngot  %+v\nwant %+v", tt.p, got, tt.want)
			}
		})
	}
}

// fakeTree answers children the way a delimiter listing would, from a set of
// keys, and records which prefixes were explored.
type fakeTree struct {
	keys []string

	mu       sync.Mutex
	explored []string
	fail     map[string]bool // children of these prefixes fail
}

func (f *fakeTree) children(ctx context.Context, prefix string) ([]string, error) {
	f.mu.Lock()
	f.explored = append(f.explored, prefix)
	f.mu.Unlock()
	if f.fail[prefix] {
		return nil, errors.New("listing failed")
	}
	seen := map[string]bool{}
	var dirs []string
	for _, k := range f.keys {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		if i := strings.IndexByte(rest, '/'); i >= 0 && !seen[rest[:i]] {
			seen[rest[:i]] = true
			dirs = append(dirs, prefix+rest[:i+1])
		}
	}
	return dirs, nil
}

func TestResolvePrefixes(t *testing.T) {
	now := mustTime(t, "2024-09-25T12:00:00Z")
	file := func(acct, region, day string) string {
		return fmt.Sprintf("%s/CloudTrail/%s/%s/x.json.gz", acct, region, day)
	}
	keys := []string{
		"AWSLogs/" + file("111111111111", "us-east-1", "2024/09/20"),
		"AWSLogs/" + file("111111111111", "eu-west-1", "2024/09/20"),
		"AWSLogs/111111111111/CloudTrail-Digest/us-east-1/2024/09/20/d.json.gz",
		"AWSLogs/" + file("222222222222", "us-east-1", "2024/09/20"),
		"AWSLogs/o-abcdef1234/" + file("333333333333", "ap-south-1", "2024/09/20"),
		"AWSLogs/junk/file.txt",
		"README",
		"other/AWSLogs/" + file("444444444444", "us-east-1", "2024/09/20"),
	}
	window := ListOptions{Since: mustTime(t, "2024-09-20T10:00:00Z"), Until: mustTime(t, "2024-09-20T11:00:00Z")}
	day := "/2024/09/20/"
	tests := []struct {
		name     string
		root     string
		o        ListOptions
		want     []string
		explored []string
	}{
		{"bucket root", "", window, []string{
			"AWSLogs/111111111111/CloudTrail/eu-west-1" + day,
			"AWSLogs/111111111111/CloudTrail/us-east-1" + day,
			"AWSLogs/222222222222/CloudTrail/us-east-1" + day,
			"AWSLogs/junk/",
			"AWSLogs/o-abcdef1234/333333333333/CloudTrail/ap-south-1" + day,
			"other/",
		}, []string{
			"",
			"AWSLogs/",
			"AWSLogs/111111111111/CloudTrail/",
			"AWSLogs/222222222222/CloudTrail/",
			"AWSLogs/o-abcdef1234/",
			"AWSLogs/o-abcdef1234/333333333333/CloudTrail/",
		}},
		{"accounts and regions narrow", "AWSLogs/", ListOptions{Since: window.Since, Until: window.Until, Accounts: []string{"111111111111", "333333333333"}, Regions: []string{"us-east-1", "ap-south-1"}}, []string{
			"AWSLogs/111111111111/CloudTrail/ap-south-1" + day,
			"AWSLogs/111111111111/CloudTrail/us-east-1" + day,
			"AWSLogs/junk/",
			"AWSLogs/o-abcdef1234/111111111111/CloudTrail/ap-south-1" + day,
			"AWSLogs/o-abcdef1234/111111111111/CloudTrail/us-east-1" + day,
			"AWSLogs/o-abcdef1234/333333333333/CloudTrail/ap-south-1" + day,
			"AWSLogs/o-abcdef1234/333333333333/CloudTrail/us-east-1" + day,
		}, []string{"AWSLogs/"}},
		{"no window lists the root", "AWSLogs/", ListOptions{}, []string{"AWSLogs/"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree := &fakeTree{keys: keys}
			var mu sync.Mutex
			var got []string
			err := ResolvePrefixes(context.Background(), tt.root, tt.o, now, 4, tree.children, func(p string) error {
				mu.Lock()
				defer mu.Unlock()
				got = append(got, p)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			sort.Strings(got)
			sort.Strings(tree.explored)
			if !slices.Equal(got, tt.want) {
				t.Errorf("full prefixes\ngot  %q\nwant %q", got, tt.want)
			}
			if !slices.Equal(tree.explored, tt.explored) {
				t.Errorf("explored\ngot  %q\nwant %q", tree.explored, tt.explored)
			}
		})
	}
}

func TestResolvePrefixesErrors(t *testing.T) {
	now := mustTime(t, "2024-09-25T12:00:00Z")
	o := ListOptions{Since: mustTime(t, "2024-09-20T10:00:00Z")}
	tree := &fakeTree{keys: []string{"AWSLogs/111111111111/CloudTrail/us-east-1/2024/09/20/x"}, fail: map[string]bool{"AWSLogs/111111111111/CloudTrail/": true}}
	err := ResolvePrefixes(context.Background(), "AWSLogs/", o, now, 2, tree.children, func(string) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "listing failed") {
		t.Fatalf("err = %v, want the children error", err)
	}
	stop := errors.New("stop")
	err = ResolvePrefixes(context.Background(), "AWSLogs/111111111111/CloudTrail/us-east-1/", o, now, 2, tree.children, func(string) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v, want the full callback's error", err)
	}
	// A store that answers with the prefix itself must not loop.
	self := func(ctx context.Context, p string) ([]string, error) { return []string{p, p + "AWSLogs/"}, nil }
	var n int
	err = ResolvePrefixes(context.Background(), "", o, now, 2, self, func(string) error { n++; return nil })
	if err != nil || n == 0 {
		t.Fatalf("err = %v, %d prefixes", err, n)
	}
}

func FuzzLayout(f *testing.F) {
	f.Add("AWSLogs/123456789012/CloudTrail/us-east-1/2024/09/20/123456789012_CloudTrail_us-east-1_20240920T0245Z_abc.json.gz")
	f.Add("AWSLogs/o-abcdef1234/123456789012/CloudTrail/")
	f.Add("x/AWSLogs/123456789012/CloudTrail/us-east-1/2024/0")
	f.Add("123456789012_CloudTrail-Digest_us-east-1_t_us-east-1_20240920T024512Z.json.gz")
	f.Add("")
	now := time.Date(2024, 9, 25, 0, 0, 0, 0, time.UTC)
	o := ListOptions{Since: time.Date(2024, 9, 20, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 9, 21, 0, 0, 0, 0, time.UTC),
		Regions: []string{"us-east-1"}}
	f.Fuzz(func(t *testing.T, s string) {
		if k, ok := parseCloudTrailKey(s); ok {
			if !isAccountID(k.Account) || !isRegion(k.Region) || k.Day.IsZero() || !strings.HasSuffix(s, k.File) {
				t.Fatalf("parse %q: %+v", s, k)
			}
		}
		if tm, ok := nameTime(s); ok && tm.Location() != time.UTC {
			t.Fatalf("nameTime %q: not UTC", s)
		}
		InWindow(s, o)
		KeyMatches(s, o)
		info := classifyPrefix(s)
		if !strings.HasPrefix(info.Prefix, s) || len(info.Prefix) > len(s)+1 {
			t.Fatalf("classify %q: prefix %q", s, info.Prefix)
		}
		for _, root := range []bool{false, true} {
			plan := expandPrefix(s, o, now, root)
			// Every prefix of the plan must lie within what was asked.
			for _, p := range append(plan.Full, plan.Explore...) {
				if !strings.HasPrefix(p, s) && !strings.HasPrefix(p, info.Prefix) {
					t.Fatalf("expand %q: %q is outside it", s, p)
				}
			}
		}
	})
}

func TestIsDigest(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"AWSLogs/1/CloudTrail-Digest/us-east-1/2024/09/20/1_CloudTrail-Digest_us-east-1_t_us-east-1_20240920T120000Z.json.gz", true},
		{"s3://b/AWSLogs/1/CloudTrail-Digest/us-east-1/2024/09/20/x.json.gz", true},
		{"/tmp/copy/1_CloudTrail-Digest_us-east-1_t_us-east-1_20240920T120000Z.json.gz", true},
		{"AWSLogs/1/CloudTrail/us-east-1/2024/09/20/1_CloudTrail_us-east-1_20240920T0245Z_abc.json.gz", false},
		{"my-CloudTrail-Digest-notes.txt", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsDigest(tt.name); got != tt.want {
			t.Errorf("IsDigest(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

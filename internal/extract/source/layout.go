package source

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// This file knows CloudTrail's S3 key layout:
//
//	[<trail-prefix>/]AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/
//	    <account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<random>.json.gz
//	[<trail-prefix>/]AWSLogs/[<org-id>/]<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/
//	    <account>_CloudTrail-Digest_<region>_<trail>_<region>_<YYYYMMDDTHHMMSSZ>.json.gz
//
// The time in a delivery file's name is when CloudTrail wrote it, so it is
// never earlier than the records inside (to the minute), and the date
// directories are that time's UTC date. That lets a listing skip whole days
// and whole files outside --since/--until. Everything here is pure except
// ResolvePrefixes, which takes the one S3 call it needs as a function.

const (
	// nameTimeMargin absorbs the minute truncation of the name's time and a
	// little clock skew on the early side of the window.
	nameTimeMargin = 5 * time.Minute
	// DefaultDeliverySlack is how late CloudTrail may deliver a file: the
	// default of --delivery-slack. A zero ListOptions.DeliverySlack is none.
	DefaultDeliverySlack = 15 * time.Minute
	// maxDayPrefixes bounds the per-region day prefixes of one window; a
	// longer window lists the region whole (pruned by name) instead.
	maxDayPrefixes = 1000
)

// ctKey is a CloudTrail object key split into its parts.
type ctKey struct {
	Prefix  string    // anything before AWSLogs/, with its trailing slash
	Org     string    // o-xxxxxxxxxx for organization trails, else empty
	Account string    // 12 digits
	Kind    string    // "CloudTrail", "CloudTrail-Digest", "CloudTrail-Insight", ...
	Region  string    // e.g. us-east-1
	Day     time.Time // the YYYY/MM/DD directory, UTC midnight
	Time    time.Time // the time in the file name; zero if it has none
	File    string    // the base name
}

// digestKind is the key layout's kind of digest files.
const digestKind = "CloudTrail-Digest"

// IsDigest reports whether an object name (a key, a path or an s3:// URL)
// is a CloudTrail digest file: in a CloudTrail-Digest directory, or named
// like one. Digests hold hashes of delivery files, no records. It is the
// one test by name; a digest found by content is told by the decoder.
func IsDigest(name string) bool {
	return strings.Contains(name, digestKind+"/") || strings.Contains(name, "_"+digestKind+"_")
}

// LooksLikeCloudTrail reports whether an object name promises CloudTrail
// content: a .json, .json.gz or .jsonl name, or a CloudTrail key. Such an
// object that is neither gzip nor JSON is corrupt, not someone else's file.
func LooksLikeCloudTrail(name string) bool {
	lower := strings.ToLower(name)
	for _, ext := range []string{".json", ".json.gz", ".jsonl", ".jsonl.gz"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	if rest, ok := strings.CutPrefix(name, "s3://"); ok {
		_, name, _ = strings.Cut(rest, "/")
	}
	_, ok := parseCloudTrailKey(filepath.ToSlash(name))
	return ok
}

// parseCloudTrailKey splits a complete CloudTrail object key. ok is false
// for anything that does not follow the layout to the file name.
func parseCloudTrailKey(key string) (k ctKey, ok bool) {
	pre, rest, found := cutAWSLogs(key)
	if !found {
		return ctKey{}, false
	}
	parts := strings.Split(rest, "/")
	if len(parts) > 0 && isOrgID(parts[0]) {
		k.Org, parts = parts[0], parts[1:]
	}
	// account, kind, region, YYYY, MM, DD, file
	if len(parts) != 7 || !isAccountID(parts[0]) || !strings.HasPrefix(parts[1], "CloudTrail") ||
		!isRegion(parts[2]) || parts[6] == "" {
		return ctKey{}, false
	}
	day, err := time.Parse("2006/01/02", strings.Join(parts[3:6], "/"))
	if err != nil || len(parts[3]) != 4 || len(parts[4]) != 2 || len(parts[5]) != 2 {
		return ctKey{}, false
	}
	k.Prefix, k.Account, k.Kind, k.Region, k.Day, k.File = pre, parts[0], parts[1], parts[2], day, parts[6]
	k.Time, _ = nameTime(k.File)
	return k, true
}

// cutAWSLogs finds the AWSLogs/ path segment in key and returns what comes
// before it (with its slash) and after it.
func cutAWSLogs(key string) (before, after string, found bool) {
	const seg = "AWSLogs/"
	if strings.HasPrefix(key, seg) {
		return "", key[len(seg):], true
	}
	if i := strings.LastIndex(key, "/"+seg); i >= 0 {
		return key[:i+1], key[i+1+len(seg):], true
	}
	return "", "", false
}

// nameTime returns the UTC time embedded in an object name's base name:
// an underscore-separated field YYYYMMDDTHHMMZ (delivery files) or
// YYYYMMDDTHHMMSSZ (digest files). The last such field wins. name may be
// a key, a local path or an s3:// URL.
func nameTime(name string) (time.Time, bool) {
	base := name[strings.LastIndexAny(name, `/\`)+1:]
	if i := strings.IndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	fields := strings.Split(base, "_")
	for i := len(fields) - 1; i >= 0; i-- {
		f := fields[i]
		var layout string
		switch len(f) {
		case len("20060102T1504Z"):
			layout = "20060102T1504Z"
		case len("20060102T150405Z"):
			layout = "20060102T150405Z"
		default:
			continue
		}
		if f[8] != 'T' || f[len(f)-1] != 'Z' || !allDigits(f[:8]) || !allDigits(f[9:len(f)-1]) {
			continue
		}
		if t, err := time.Parse(layout, f); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// InWindow reports whether an object whose name is name may hold records in
// o's time window. It is false only when the name carries a CloudTrail
// timestamp that is clearly outside [Since - margin, Until + DeliverySlack];
// a name without one is always in.
func InWindow(name string, o ListOptions) bool {
	t, ok := nameTime(name)
	if !ok {
		return true
	}
	lo, hi := fileTimeBounds(o)
	if !lo.IsZero() && t.Before(lo) {
		return false
	}
	if !hi.IsZero() && t.After(hi) {
		return false
	}
	return true
}

// fileTimeBounds turns a record time window into the window of file-name
// times that may hold such records. Zero bounds stay unbounded.
func fileTimeBounds(o ListOptions) (lo, hi time.Time) {
	if !o.Since.IsZero() {
		lo = o.Since.UTC().Add(-nameTimeMargin)
	}
	if !o.Until.IsZero() {
		hi = o.Until.UTC().Add(max(o.DeliverySlack, 0) + nameTimeMargin)
	}
	return lo, hi
}

// KeyMatches reports whether a listed key may hold records for o's
// regions and accounts, judged from its CloudTrail directories (the
// recipient account and the event's region). Keys outside the layout match.
func KeyMatches(key string, o ListOptions) bool {
	k, ok := parseCloudTrailKey(key)
	if !ok {
		return true
	}
	return accountWanted(k.Account, o) && regionWanted(k.Region, o)
}

func accountWanted(acct string, o ListOptions) bool {
	return len(o.Accounts) == 0 || slices.Contains(o.Accounts, acct)
}

func regionWanted(region string, o ListOptions) bool {
	return len(o.Regions) == 0 || slices.ContainsFunc(o.Regions, func(r string) bool { return strings.EqualFold(r, region) })
}

// listPlan is what one prefix expands to.
type listPlan struct {
	// Full prefixes are listed object by object.
	Full []string
	// Explore prefixes are listed one level deep (delimiter "/"); each child
	// "directory" is expanded in turn and objects directly at that level are
	// taken as they are.
	Explore []string
}

func (p *listPlan) add(q listPlan) {
	p.Full = append(p.Full, q.Full...)
	p.Explore = append(p.Explore, q.Explore...)
}

// prefixLevel is how deep into the CloudTrail layout a prefix reaches.
type prefixLevel int

const (
	levelUnknown prefixLevel = iota // not (yet) CloudTrail
	levelLogs                       // .../AWSLogs/
	levelOrg                        // .../AWSLogs/<org-id>/
	levelAccount                    // .../AWSLogs/[<org-id>/]<account>/
	levelTrail                      // .../<account>/CloudTrail/
	levelRegion                     // .../CloudTrail/<region>/
	levelDate                       // .../CloudTrail/<region>/YYYY[/MM[/DD[/...]]]
)

// prefixInfo is a prefix placed in the layout.
type prefixInfo struct {
	Level   prefixLevel
	Prefix  string // the prefix, with a slash added when that made it a level
	Account string // from levelAccount down
	Region  string // from levelRegion down
	Base    string // from levelRegion down: the prefix up to <region>/
}

// classifyPrefix places a listing prefix in the CloudTrail layout. A prefix
// that names a level without its trailing slash ("AWSLogs", ".../CloudTrail")
// is taken as that level; below a region any prefix of a date path is kept.
func classifyPrefix(p string) prefixInfo {
	if info := classifyComplete(p); info.Level != levelUnknown || p == "" || strings.HasSuffix(p, "/") {
		return info
	}
	// p ends inside a segment.
	if info := classifyComplete(p + "/"); info.Level != levelUnknown && info.Level != levelDate {
		return info
	}
	dir := p[:strings.LastIndex(p, "/")+1]
	if info := classifyComplete(dir); info.Level >= levelRegion {
		info.Level, info.Prefix = levelDate, p
		return info
	}
	return prefixInfo{Level: levelUnknown, Prefix: p}
}

// classifyComplete classifies a prefix that ends with a slash (or "").
func classifyComplete(p string) prefixInfo {
	unknown := prefixInfo{Level: levelUnknown, Prefix: p}
	if p != "" && !strings.HasSuffix(p, "/") {
		return unknown
	}
	_, rest, found := cutAWSLogs(p)
	if !found {
		return unknown
	}
	var segs []string
	if rest != "" {
		segs = strings.Split(strings.TrimSuffix(rest, "/"), "/")
	}
	info := prefixInfo{Prefix: p}
	switch {
	case len(segs) == 0:
		info.Level = levelLogs
		return info
	case isOrgID(segs[0]):
		if len(segs) == 1 {
			info.Level = levelOrg
			return info
		}
		segs = segs[1:]
	}
	if !isAccountID(segs[0]) {
		return unknown
	}
	info.Account = segs[0]
	if len(segs) == 1 {
		info.Level = levelAccount
		return info
	}
	if segs[1] != "CloudTrail" {
		return unknown // digests, insights, or something else: list as given
	}
	if len(segs) == 2 {
		info.Level = levelTrail
		return info
	}
	if !isRegion(segs[2]) {
		return unknown
	}
	info.Region = segs[2]
	info.Base, info.Level = p, levelRegion
	if len(segs) > 3 {
		below := strings.Join(segs[3:], "/") + "/"
		info.Base, info.Level = p[:len(p)-len(below)], levelDate
	}
	return info
}

// expandPrefix returns how to list prefix p for o. now bounds an open-ended
// window. root is true for the prefix the user gave, which may be explored
// one level even when it is not CloudTrail (a bucket whose AWSLogs/ is at the
// top); children found by exploring are not explored again unless they are
// CloudTrail levels.
func expandPrefix(p string, o ListOptions, now time.Time, root bool) listPlan {
	narrowing := !o.Since.IsZero() || len(o.Regions) > 0 || len(o.Accounts) > 0
	if !narrowing {
		return listPlan{Full: []string{p}}
	}
	info := classifyPrefix(p)
	switch info.Level {
	case levelLogs:
		return listPlan{Explore: []string{info.Prefix}}
	case levelOrg:
		if len(o.Accounts) == 0 || !all(o.Accounts, isAccountID) {
			// A value that is no account ID cannot name a folder; look.
			return listPlan{Explore: []string{info.Prefix}}
		}
		var plan listPlan
		for _, a := range sortedUnique(o.Accounts) {
			plan.add(expandPrefix(info.Prefix+a+"/", o, now, false))
		}
		return plan
	case levelAccount:
		if !accountWanted(info.Account, o) {
			return listPlan{}
		}
		return expandPrefix(info.Prefix+"CloudTrail/", o, now, false)
	case levelTrail:
		if !accountWanted(info.Account, o) {
			return listPlan{}
		}
		if len(o.Regions) == 0 || !all(o.Regions, isRegion) {
			// A value that does not look like a region (a new naming
			// scheme?) cannot be trusted to name a folder; look.
			return listPlan{Explore: []string{info.Prefix}}
		}
		var plan listPlan
		for _, r := range sortedUnique(o.Regions) {
			plan.add(expandPrefix(info.Prefix+r+"/", o, now, false))
		}
		return plan
	case levelRegion, levelDate:
		if !accountWanted(info.Account, o) || !regionWanted(info.Region, o) {
			return listPlan{}
		}
		days, ok := dayPrefixes(info.Base, o, now)
		if !ok {
			return listPlan{Full: []string{info.Prefix}}
		}
		var plan listPlan
		for _, d := range days {
			switch {
			case strings.HasPrefix(d, info.Prefix):
				plan.Full = append(plan.Full, d) // a day inside the given prefix
			case strings.HasPrefix(info.Prefix, d):
				return listPlan{Full: []string{info.Prefix}} // the prefix is inside a wanted day
			}
		}
		return plan
	}
	if root && (p == "" || strings.HasSuffix(p, "/")) {
		return listPlan{Explore: []string{p}}
	}
	return listPlan{Full: []string{p}}
}

// dayPrefixes lists base+"YYYY/MM/DD/" for every UTC day whose files may
// hold records in o's window. ok is false when the window has no lower bound
// or spans too many days to be worth listing day by day.
func dayPrefixes(base string, o ListOptions, now time.Time) (days []string, ok bool) {
	lo, hi := fileTimeBounds(o)
	if lo.IsZero() {
		return nil, false
	}
	if hi.IsZero() {
		// Nothing is delivered in the future; a day of allowance covers a
		// clock that runs behind S3's.
		hi = now.UTC().Add(24 * time.Hour)
	}
	first := time.Date(lo.Year(), lo.Month(), lo.Day(), 0, 0, 0, 0, time.UTC)
	for d := first; !d.After(hi); d = d.AddDate(0, 0, 1) {
		if len(days) == maxDayPrefixes {
			return nil, false
		}
		days = append(days, base+d.Format("2006/01/02/"))
	}
	return days, true
}

// ResolvePrefixes expands root for o into the prefixes to list in full and
// calls full for each (possibly concurrently, up to limit at once). Levels
// that cannot be known without looking (accounts of an organization, regions
// of an account) are listed with children, which returns the child
// "directories" of a prefix, each ending with "/".
func ResolvePrefixes(ctx context.Context, root string, o ListOptions, now time.Time, limit int,
	children func(ctx context.Context, prefix string) ([]string, error), full func(prefix string) error) error {
	plan := expandPrefix(root, o, now, true)
	var mu sync.Mutex
	for depth := 0; ; depth++ {
		for _, p := range plan.Full {
			if err := full(p); err != nil {
				return err
			}
		}
		if len(plan.Explore) == 0 {
			return nil
		}
		if depth >= 16 {
			// The layout is at most 6 levels deep; a loop here means a store
			// that answers children with its own prefix. List it whole.
			for _, p := range plan.Explore {
				if err := full(p); err != nil {
					return err
				}
			}
			return nil
		}
		var next listPlan
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(max(limit, 1))
		for _, p := range plan.Explore {
			g.Go(func() error {
				dirs, err := children(gctx, p)
				if err != nil {
					return err
				}
				for _, d := range dirs {
					if !strings.HasPrefix(d, p) || len(d) <= len(p) {
						continue // not below p: ignore rather than loop
					}
					q := expandPrefix(d, o, now, false)
					mu.Lock()
					next.add(q)
					mu.Unlock()
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		slices.Sort(next.Full)
		slices.Sort(next.Explore)
		plan = next
	}
}

func all(s []string, ok func(string) bool) bool {
	for _, v := range s {
		if !ok(v) {
			return false
		}
	}
	return true
}

func sortedUnique(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isAccountID reports whether s is a 12-digit AWS account ID.
func isAccountID(s string) bool { return len(s) == 12 && allDigits(s) }

// isOrgID reports whether s is an AWS Organizations ID: "o-" and 10 to 32
// lowercase letters or digits.
func isOrgID(s string) bool {
	if len(s) < 12 || len(s) > 34 || !strings.HasPrefix(s, "o-") {
		return false
	}
	for i := 2; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// isRegion reports whether s looks like an AWS region name: lowercase
// dash-separated words ending in a number (us-east-1, us-gov-west-1,
// ap-southeast-5, us-isob-east-1).
func isRegion(s string) bool {
	words := strings.Split(s, "-")
	if len(words) < 3 || !allDigits(words[len(words)-1]) {
		return false
	}
	for _, w := range words[:len(words)-1] {
		if w == "" {
			return false
		}
		for i := 0; i < len(w); i++ {
			if w[i] < 'a' || w[i] > 'z' {
				return false
			}
		}
	}
	return true
}

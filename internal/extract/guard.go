package extract

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/cloud-credentials-insights/cci/internal/events"
	"github.com/cloud-credentials-insights/cci/internal/textdist"
)

// checkOutput creates dir if needed and proves it writable by creating and
// removing a file in it, before any listing or waiting.
func checkOutput(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating output directory: %w", err)
	}
	f, err := os.CreateTemp(dir, ".cci-write-check-*")
	if err != nil {
		return fmt.Errorf("checking output directory %s: not writable: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("checking output directory %s: %w", dir, err)
	}
	return nil
}

// rejects counts, per worker then merged, the valid records each filter
// dropped, so that a run that kept nothing can say why. It holds a bounded
// sample of the identity names the principal filter dropped.
type rejects struct {
	window, region, account, principal, noIdentity int64
	windowFirst, windowLast                        int64 // eventTimes dropped by the window
	names                                          map[string]struct{}
}

// maxSampleNames bounds the identity names a worker, and the run, keeps
// for the "identities seen" warning.
const maxSampleNames = 256

func (rj *rejects) name(n string) {
	if len(rj.names) >= maxSampleNames {
		return
	}
	if rj.names == nil {
		rj.names = map[string]struct{}{}
	}
	if _, ok := rj.names[n]; !ok {
		rj.names[strings.Clone(n)] = struct{}{} // n aliases the decoder's buffer
	}
}

func (rj *rejects) windowTime(t int64) {
	rj.window++
	if t != 0 {
		span(&rj.windowFirst, &rj.windowLast, t)
	}
}

func (rj *rejects) merge(b *rejects) {
	rj.region += b.region
	rj.account += b.account
	rj.principal += b.principal
	rj.noIdentity += b.noIdentity
	rj.window += b.window
	if b.windowFirst != 0 {
		span(&rj.windowFirst, &rj.windowLast, b.windowFirst)
		span(&rj.windowFirst, &rj.windowLast, b.windowLast)
	}
	for n := range b.names {
		rj.name(n)
	}
}

// emptyReason says why a run kept no record: no object, no CloudTrail
// object, or the filters that dropped every record.
func (r *runner) emptyReason(sum *events.Summary) string {
	paths := strings.Join(r.opts.EventsPaths, ", ")
	o := &r.opts
	switch {
	case sum.Objects == 0:
		why := "no object found in " + paths
		if !o.Since.IsZero() || !o.Until.IsZero() || len(o.Regions) > 0 || len(o.Accounts) > 0 {
			why += " whose name fits " + r.filterFlags(true)
		}
		return why
	case sum.Records == 0:
		var reasons []string
		for reason, n := range r.status.tally.skipReasons {
			reasons = append(reasons, fmt.Sprintf("%d %s", n, reason))
		}
		for _, res := range []string{events.ResultError, events.ResultPartial} {
			if n := sum.ObjectsByResult[res]; n > 0 {
				reasons = append(reasons, fmt.Sprintf("%d %s", n, res))
			}
		}
		slices.Sort(reasons)
		if sum.Objects == 1 && len(r.status.tally.problems) == 0 {
			return fmt.Sprintf("%s holds no CloudTrail record (%s)", paths, strings.Join(reasons, ", "))
		}
		return fmt.Sprintf("none of the %d objects in %s holds a CloudTrail record (%s)", sum.Objects, paths, strings.Join(reasons, ", "))
	}
	rj := &r.rejects
	var why []string
	if rj.window > 0 {
		s := fmt.Sprintf("%d records outside %s", rj.window, r.window())
		if rj.windowFirst != 0 {
			s += fmt.Sprintf(" (records seen from %s to %s)", formatTime(rj.windowFirst), formatTime(rj.windowLast))
		}
		why = append(why, s)
	}
	if rj.region > 0 {
		why = append(why, fmt.Sprintf("%d records of other regions than --region %s", rj.region, strings.Join(o.Regions, " ")))
	}
	if rj.account > 0 {
		why = append(why, fmt.Sprintf("%d records of other accounts than --account %s", rj.account, strings.Join(o.Accounts, " ")))
	}
	if rj.principal > 0 {
		s := fmt.Sprintf("no record matched %s", r.principalFlags())
		if seen := closestNames(rj.names, append(slices.Clone(o.PrincipalPrefixes), o.PrincipalNames...), 5); len(seen) > 0 {
			s += "; identities seen: " + strings.Join(seen, ", ")
		}
		why = append(why, s)
	}
	if sum.ServiceRecords > 0 && !o.IncludeServicePrincipals {
		why = append(why, fmt.Sprintf("%d records by AWS services (--include-service-principals keeps them)", sum.ServiceRecords))
	}
	if rj.noIdentity > 0 {
		why = append(why, fmt.Sprintf("%d records with no identity", rj.noIdentity))
	}
	if sum.DuplicateRecords > 0 {
		why = append(why, fmt.Sprintf("%d duplicate records", sum.DuplicateRecords))
	}
	if len(why) == 0 {
		return fmt.Sprintf("none of the %d records was kept", sum.Records)
	}
	return fmt.Sprintf("%d records read, none kept: %s", sum.Records, strings.Join(why, "; "))
}

func (r *runner) window() string {
	var parts []string
	if !r.opts.Since.IsZero() {
		parts = append(parts, "--since "+r.opts.Since.UTC().Format(time.RFC3339))
	}
	if !r.opts.Until.IsZero() {
		parts = append(parts, "--until "+r.opts.Until.UTC().Format(time.RFC3339))
	}
	return strings.Join(parts, " ")
}

func (r *runner) filterFlags(listing bool) string {
	parts := []string{}
	if w := r.window(); w != "" {
		parts = append(parts, w)
	}
	for _, x := range r.opts.Regions {
		parts = append(parts, "--region "+x)
	}
	for _, x := range r.opts.Accounts {
		parts = append(parts, "--account "+x)
	}
	if listing && r.opts.DeliverySlack > 0 {
		parts = append(parts, fmt.Sprintf("(--delivery-slack %s)", r.opts.DeliverySlack))
	}
	return strings.Join(parts, " ")
}

func (r *runner) principalFlags() string {
	var parts []string
	for _, p := range r.opts.PrincipalPrefixes {
		parts = append(parts, "--principal-prefix "+p)
	}
	for _, n := range r.opts.PrincipalNames {
		parts = append(parts, "--principal-name "+n)
	}
	return strings.Join(parts, " or ")
}

// closestNames picks the n names of seen closest to any of wanted: the
// smallest edit distance between a wanted value and the name's start of the
// same length (a prefix filter compares with the start), then the longest
// common prefix, then by name.
func closestNames(seen map[string]struct{}, wanted []string, n int) []string {
	type scored struct {
		name         string
		dist, common int
	}
	var all []scored
	for name := range seen {
		best := scored{name: name, dist: 1 << 30}
		for _, w := range wanted {
			start := name
			if len(start) > len(w) {
				start = start[:len(w)]
			}
			d := textdist.Distance(w, start)
			c := commonPrefix(w, name)
			if d < best.dist || (d == best.dist && c > best.common) {
				best.dist, best.common = d, c
			}
		}
		all = append(all, best)
	}
	slices.SortFunc(all, func(a, b scored) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(b.common, a.common), cmp.Compare(a.name, b.name))
	})
	var out []string
	for _, s := range all[:min(n, len(all))] {
		out = append(out, s.name)
	}
	if len(seen) > n {
		out = append(out, "...")
	}
	return out
}

func commonPrefix(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

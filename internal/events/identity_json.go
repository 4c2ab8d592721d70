package events

import (
	"maps"
	"slices"
	"strconv"

	"github.com/cloud-credentials-insights/cci/internal/jsonout"
)

// AppendIndentJSON writes id as encoding/json would as a value of
// events.json's top-level map (jsonout.IndentAppender): encoding/json's
// reflection and its second, indenting pass were most of the time a run
// spends writing its outputs, on a single core at the end of the run.
// FuzzIdentityJSON holds the bytes to encoding/json's.
func (id *Identity) AppendIndentJSON(b []byte, prefix string) []byte {
	o := object{b: b, indent: prefix}
	o.open()
	o.str("provider", id.Provider, false)
	o.str("name", id.Name, false)
	o.str("type", id.Type, false)
	o.strs("types", id.Types)
	o.key("events")
	if id.Events == nil {
		o.b = append(o.b, "null"...)
	} else {
		ev := object{b: o.b, indent: o.indent + "  "}
		ev.open()
		for _, name := range slices.Sorted(maps.Keys(id.Events)) {
			ev.key(name)
			ev.b = id.Events[name].appendJSON(ev.b, ev.indent+"  ")
		}
		o.b = ev.close()
	}
	o.strs("creates", id.Creates)
	o.str("created_by", id.CreatedBy, true)
	o.strs("arns", id.ARNs)
	o.strs("accounts", id.Accounts)
	o.strs("regions", id.Regions)
	o.counts("sourceIPs", id.SourceIPs)
	o.counts("userAgents", id.UserAgents)
	o.flag("sourceIPsApproximate", id.SourceIPsApproximate)
	o.flag("userAgentsApproximate", id.UserAgentsApproximate)
	o.strs("subjects", id.Subjects)
	o.str("firstSeen", id.FirstSeen, true)
	o.str("lastSeen", id.LastSeen, true)
	return o.close()
}

// appendJSON writes a as an indented value at prefix; nil is null.
func (a *Action) appendJSON(b []byte, prefix string) []byte {
	if a == nil {
		return append(b, "null"...)
	}
	o := object{b: b, indent: prefix}
	o.open()
	o.int("count", a.Count)
	o.str("firstSeen", a.FirstSeen, true)
	o.str("lastSeen", a.LastSeen, true)
	o.strs("eventNames", a.EventNames)
	if len(a.Errors) > 0 {
		o.key("errors")
		errs := object{b: o.b, indent: o.indent + "  "}
		errs.open()
		for _, code := range slices.Sorted(maps.Keys(a.Errors)) {
			errs.int(code, a.Errors[code])
		}
		o.b = errs.close()
	}
	if len(a.Denied) > 0 {
		o.key("denied")
		o.list(len(a.Denied), func(b []byte, i int, in string) []byte {
			d := &a.Denied[i]
			do := object{b: b, indent: in}
			do.open()
			do.str("errorCode", d.ErrorCode, false)
			do.str("action", d.Action, true)
			do.str("cause", d.Cause, true)
			do.int("count", d.Count)
			do.strs("resources", d.Resources)
			do.strs("encodedMessages", d.EncodedMessages)
			return do.close()
		})
	}
	o.flag("unmapped", a.Unmapped)
	o.flag("permissionless", a.Permissionless)
	o.flag("dataEvent", a.DataEvent)
	o.strs("resources", a.Resources)
	o.flag("resourcesTruncated", a.ResourcesTruncated)
	return o.close()
}

// object writes one JSON object as an indented json.Encoder does: its
// members one a line at indent plus two spaces, "{}" when it has none.
type object struct {
	b      []byte
	indent string // of the line the object opens on
	n      int    // members written
}

func (o *object) open() { o.b = append(o.b, '{') }

func (o *object) key(k string) {
	if o.n > 0 {
		o.b = append(o.b, ',')
	}
	o.n++
	o.b = append(o.b, '\n')
	o.b = append(o.b, o.indent...)
	o.b = append(o.b, "  "...)
	o.b = jsonout.AppendString(o.b, k)
	o.b = append(o.b, ": "...)
}

func (o *object) close() []byte {
	if o.n > 0 {
		o.b = append(o.b, '\n')
		o.b = append(o.b, o.indent...)
	}
	return append(o.b, '}')
}

// str writes a string member; omitEmpty leaves out "".
func (o *object) str(k, v string, omitEmpty bool) {
	if omitEmpty && v == "" {
		return
	}
	o.key(k)
	o.b = jsonout.AppendString(o.b, v)
}

func (o *object) int(k string, v int64) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, v, 10)
}

// flag writes a bool member that is omitted when false.
func (o *object) flag(k string, v bool) {
	if v {
		o.key(k)
		o.b = append(o.b, "true"...)
	}
}

// strs writes a list of strings that is omitted when empty.
func (o *object) strs(k string, vs []string) {
	if len(vs) == 0 {
		return
	}
	o.key(k)
	o.list(len(vs), func(b []byte, i int, _ string) []byte { return jsonout.AppendString(b, vs[i]) })
}

// counts writes a top list that is omitted when empty.
func (o *object) counts(k string, cs []Count) {
	if len(cs) == 0 {
		return
	}
	o.key(k)
	o.list(len(cs), func(b []byte, i int, in string) []byte {
		c := object{b: b, indent: in}
		c.open()
		c.str("value", cs[i].Value, false)
		c.int("count", cs[i].Count)
		return c.close()
	})
}

// list writes n elements after a key, one a line; elem appends element i,
// whose own lines are indented at in.
func (o *object) list(n int, elem func(b []byte, i int, in string) []byte) {
	in := o.indent + "    "
	o.b = append(o.b, '[')
	for i := range n {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = append(o.b, '\n')
		o.b = append(o.b, in...)
		o.b = elem(o.b, i, in)
	}
	o.b = append(o.b, '\n')
	o.b = append(o.b, o.indent...)
	o.b = append(o.b, "  ]"...)
}

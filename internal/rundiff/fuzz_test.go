package rundiff

import "testing"

// FuzzParseRun reads arbitrary bytes as a run: errors, never panics, and
// a run read diffs against itself with no change.
func FuzzParseRun(f *testing.F) {
	f.Add([]byte(`{"ci-op-abc-x7k2p-master-role":{"provider":"AWS","name":"n","type":"AssumedRole","events":{"ec2:DescribeInstances":{"count":2,"denied":[{"errorCode":"AccessDenied","count":1}]},"sts:GetCallerIdentity":{"count":1,"permissionless":true}}}}`))
	f.Add([]byte(`{"cluster":{"name":"c","infraID":"c-x7k2p"},"users":{"u":{"target":"credentials-request","credRequestRef":"a.yaml","required":["a:B"],"diff":{"missing":["a:B"],"extra":[]},"denied":[{"action":"a:B","errorCode":"AccessDenied","count":1}]},"unknown":["v"],"notFound":["v"],"ambiguous":[]}}`))
	f.Add([]byte(`{"x":null}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRun(data)
		if err != nil {
			return
		}
		r.Path = "a"
		rep := DiffRuns(r, r, true, func(string) {})
		if len(rep.Changed)+len(rep.Appeared)+len(rep.Disappeared) > 0 {
			t.Fatalf("a run differs from itself: %+v", rep)
		}
	})
}

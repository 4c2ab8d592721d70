package s3test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestLatencyProxy(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	var requests int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	const latency = 30 * time.Millisecond
	p := NewLatencyProxy(t, srv.URL, latency)
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	// Twice: the second request reuses the connection and pays the
	// latency again.
	for i := range 2 {
		resp, err := client.Get(p.URL + "/object")
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Delays.Load(); got != int64(i+1) {
			t.Errorf("after request %d: %d requests delayed, want %d", i, got, i+1)
		}
		if !bytes.Equal(got, body) {
			t.Errorf("request %d: body of %d bytes differs from the server's %d", i, len(got), len(body))
		}
	}
	if requests != 2 {
		t.Errorf("server saw %d requests, want 2", requests)
	}
}

func TestLatencyProxyBadTarget(t *testing.T) {
	ft := &fatalRecorder{TB: t}
	func() {
		defer func() { _ = recover() }()
		NewLatencyProxy(ft, "not a url", time.Millisecond)
	}()
	if !ft.failed {
		t.Error("a target without a host was accepted")
	}
}

// fatalRecorder records Fatalf instead of ending the test.
type fatalRecorder struct {
	testing.TB
	failed bool
}

func (f *fatalRecorder) Fatalf(string, ...any) { f.failed = true; panic("fatal") }
func (f *fatalRecorder) Helper()               {}

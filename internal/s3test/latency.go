package s3test

import (
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// LatencyProxy is a TCP proxy that delays every chunk a client sends by a
// fixed latency and passes the server's answers straight through. An HTTP
// request without a body reaches it as one chunk, so each GET or List pays
// the latency once, like a round trip to a distant S3 region. Unlike Proxy
// it does not parse HTTP, and the server-to-client copy is a splice on
// Linux: it costs almost no CPU, so a benchmark on a small machine measures
// the client and the server rather than the harness. It injects no faults.
type LatencyProxy struct {
	// URL is the proxy's endpoint.
	URL string
	// Delays counts the chunks delayed so far.
	Delays atomic.Int64

	ln      net.Listener
	target  string
	latency time.Duration

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// NewLatencyProxy starts a latency proxy in front of target
// (http://host:port) and stops it when t ends.
func NewLatencyProxy(t testing.TB, target string, latency time.Duration) *LatencyProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		t.Fatalf("latency proxy target %q: not a URL with a host", target)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("latency proxy: %v", err)
	}
	p := &LatencyProxy{URL: "http://" + ln.Addr().String(), ln: ln, target: u.Host, latency: latency,
		conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

func (p *LatencyProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		if !p.track(c) {
			return
		}
		p.wg.Add(1)
		go p.serve(c)
	}
}

// track registers c so that close can end it; false once closing.
func (p *LatencyProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conns == nil {
		_ = c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *LatencyProxy) serve(client net.Conn) {
	defer p.wg.Done()
	server, err := net.Dial("tcp", p.target)
	if err != nil || !p.track(server) {
		_ = client.Close()
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(client, server) // a splice between TCP connections
		_ = client.Close()
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := client.Read(buf)
		if n > 0 {
			p.Delays.Add(1)
			time.Sleep(p.latency)
			if _, werr := server.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	_ = server.Close()
	<-done
	p.mu.Lock()
	if p.conns != nil {
		delete(p.conns, client)
		delete(p.conns, server)
	}
	p.mu.Unlock()
}

func (p *LatencyProxy) close() {
	_ = p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
	p.wg.Wait()
}

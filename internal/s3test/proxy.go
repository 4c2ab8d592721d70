package s3test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Fault is what the proxy does to a request a Rule matches.
type Fault int

const (
	// Pass forwards the request (after the rule's latency, if any).
	Pass Fault = iota
	// SlowDown answers 503 with S3's SlowDown error body, as S3 does when
	// a prefix is asked too much.
	SlowDown
	// InternalError answers 500 with S3's InternalError body.
	InternalError
	// Reset closes the connection with a TCP reset before any response.
	Reset
	// ResetMidBody forwards the request, sends the response headers and
	// half of the body, then resets the connection.
	ResetMidBody
)

func (f Fault) String() string {
	switch f {
	case Pass:
		return "pass"
	case SlowDown:
		return "SlowDown"
	case InternalError:
		return "InternalError"
	case Reset:
		return "reset"
	case ResetMidBody:
		return "reset-mid-body"
	}
	return "fault(" + strconv.Itoa(int(f)) + ")"
}

// Rule applies Fault to the requests Match selects, at most Times times
// (0 means every time), after Latency.
type Rule struct {
	Match   func(Request) bool // nil matches every request
	Fault   Fault
	Times   int
	Latency time.Duration

	applied atomic.Int64
}

// Applied is how often the rule has acted.
func (r *Rule) Applied() int { return int(r.applied.Load()) }

// Request is what the proxy records of one request.
type Request struct {
	Method string
	Bucket string     // from the path (path-style addressing)
	Key    string     // from the path, unescaped; "" for bucket requests
	Query  url.Values // e.g. list-type=2, prefix, delimiter
	Range  string     // the Range header
	Agent  string     // the User-Agent header
	Fault  Fault      // what the proxy did with it
}

// IsGetObject reports whether r fetched an object (GET of a key).
func IsGetObject(r Request) bool { return r.Method == http.MethodGet && r.Key != "" }

// IsList reports whether r listed a bucket (ListObjects or ListObjectsV2).
func IsList(r Request) bool {
	return r.Method == http.MethodGet && r.Key == "" && r.Bucket != "" && !r.Query.Has("location")
}

// KeyIs returns a matcher for requests of exactly key.
func KeyIs(key string) func(Request) bool { return func(r Request) bool { return r.Key == key } }

// Proxy is a loopback reverse proxy in front of an S3 endpoint that injects
// faults and latency and records every request.
type Proxy struct {
	// URL is the proxy's endpoint.
	URL string

	// MaxRequests bounds what the proxy serves: past it every request gets
	// 503 SlowDown, so a client retrying without end fails instead of
	// spinning. 0 means 100,000.
	MaxRequests int

	srv     *httptest.Server
	rp      *httputil.ReverseProxy
	latency atomic.Int64 // added to every request, nanoseconds

	mu       sync.Mutex
	rules    []*Rule
	requests []Request
}

// NewProxy starts a proxy in front of target (http://host:port) and closes
// it when t ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatalf("proxy target: %v", err)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns = 512
	transport.MaxIdleConnsPerHost = 512
	p := &Proxy{}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			// The client signed the Host it sent (SigV4); keep it.
			pr.Out.Host = pr.In.Host
		},
		Transport:     transport,
		FlushInterval: -1,
		ErrorLog:      nil,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if r.Context().Err() == nil {
				w.WriteHeader(http.StatusBadGateway)
			}
		},
	}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = p.srv.URL
	t.Cleanup(func() {
		p.srv.CloseClientConnections()
		p.srv.Close()
		transport.CloseIdleConnections()
	})
	return p
}

// AddRule adds a rule; the first matching rule that still has uses acts.
func (p *Proxy) AddRule(r *Rule) *Rule {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules = append(p.rules, r)
	return r
}

// SetLatency delays every request by d before it is forwarded.
func (p *Proxy) SetLatency(d time.Duration) { p.latency.Store(int64(d)) }

// Requests returns what the proxy has seen so far.
func (p *Proxy) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Request(nil), p.requests...)
}

// Count is how many requests so far match.
func (p *Proxy) Count(match func(Request) bool) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, r := range p.requests {
		if match == nil || match(r) {
			n++
		}
	}
	return n
}

// Reset forgets the recorded requests (not the rules).
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests = nil
}

func parseRequest(r *http.Request) Request {
	req := Request{Method: r.Method, Query: r.URL.Query(), Range: r.Header.Get("Range"), Agent: r.Header.Get("User-Agent")}
	path := strings.TrimPrefix(r.URL.Path, "/")
	req.Bucket, req.Key, _ = strings.Cut(path, "/")
	return req
}

// pick records req and returns the rule that acts on it, if any.
func (p *Proxy) pick(req Request) (Fault, time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	limit := p.MaxRequests
	if limit <= 0 {
		limit = 100_000
	}
	if len(p.requests) >= limit {
		req.Fault = SlowDown
		p.requests = append(p.requests, req)
		return SlowDown, 0, true
	}
	fault, latency := Pass, time.Duration(0)
	for _, rule := range p.rules {
		if rule.Match != nil && !rule.Match(req) {
			continue
		}
		if rule.Times > 0 && rule.applied.Load() >= int64(rule.Times) {
			continue
		}
		rule.applied.Add(1)
		fault, latency = rule.Fault, rule.Latency
		break
	}
	req.Fault = fault
	p.requests = append(p.requests, req)
	return fault, latency, false
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	req := parseRequest(r)
	fault, latency, overLimit := p.pick(req)
	if !overLimit {
		if d := time.Duration(p.latency.Load()) + latency; d > 0 {
			t := time.NewTimer(d)
			select {
			case <-r.Context().Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
	}
	switch fault {
	case Pass:
		p.rp.ServeHTTP(w, r)
	case SlowDown:
		writeS3Error(w, r, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
	case InternalError:
		writeS3Error(w, r, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
	case Reset:
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			resetConn(conn)
		}
	case ResetMidBody:
		p.resetMidBody(w, r)
	}
}

// writeS3Error answers like S3 does: an XML Error document.
func writeS3Error(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	body := fmt.Sprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"+
		"<Error><Code>%s</Code><Message>%s</Message><Resource>%s</Resource><RequestId>s3test</RequestId></Error>",
		code, msg, r.URL.Path)
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("x-amz-request-id", "s3test")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = io.WriteString(w, body)
	}
}

// resetMidBody forwards r, then writes the upstream status, headers and
// the first half of the body on the raw connection and resets it.
func (p *Proxy) resetMidBody(w http.ResponseWriter, r *http.Request) {
	out := r.Clone(r.Context())
	out.RequestURI = ""
	pr := &httputil.ProxyRequest{In: r, Out: out}
	p.rp.Rewrite(pr)
	resp, err := p.rp.Transport.RoundTrip(pr.Out)
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	conn, bw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer resetConn(conn)
	fmt.Fprintf(bw, "HTTP/1.1 %s\r\n", resp.Status)
	for _, h := range []string{"Connection", "Content-Length", "Transfer-Encoding"} {
		resp.Header.Del(h)
	}
	_ = resp.Header.Write(bw)
	if resp.ContentLength >= 0 {
		fmt.Fprintf(bw, "Content-Length: %d\r\n", resp.ContentLength)
	}
	_, _ = bw.WriteString("\r\n")
	if resp.ContentLength > 1 {
		_, _ = io.CopyN(bw, resp.Body, resp.ContentLength/2)
	}
	_ = bw.Flush()
}

// resetConn closes conn with a TCP RST rather than a FIN, so the peer sees
// "connection reset by peer".
func resetConn(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

package client

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// fakeServer is an httptest server that counts requests and remembers
// their headers and bodies.
type fakeServer struct {
	*httptest.Server
	hits atomic.Int64

	mu   sync.Mutex
	seen []seenRequest
}

type seenRequest struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   string
}

// newFakeServer serves handler; n is the 1-based number of the request.
func newFakeServer(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, n int)) *fakeServer {
	t.Helper()
	f := &fakeServer{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(f.hits.Add(1))
		var body strings.Builder
		if r.Body != nil {
			buf := make([]byte, 1<<16)
			for {
				k, err := r.Body.Read(buf)
				body.Write(buf[:k])
				if err != nil {
					break
				}
			}
		}
		f.mu.Lock()
		f.seen = append(f.seen, seenRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body.String()})
		f.mu.Unlock()
		handler(w, r, n)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeServer) count() int { return int(f.hits.Load()) }

func (f *fakeServer) last(t *testing.T) seenRequest {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.seen) == 0 {
		t.Fatal("the server saw no request")
	}
	return f.seen[len(f.seen)-1]
}

// testConfig points every API at url with shrunken retry waits.
func testConfig(url string) Config {
	return Config{
		Endpoints:    endpointsAt(url),
		AccessToken:  "test-access-token",
		PartnerToken: "test-partner-token",
		MaxRetries:   3,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
		Version:      "1.2.3",
	}
}

// endpointsAt points every API at url.
func endpointsAt(url string) Endpoints {
	return Endpoints{Billing: url, Partners: url, Accounts: url, DeveloperConsole: url}
}

// startSandbox serves a sandbox, behind wrap unless it is nil, until the
// test ends, and returns it with its URL.
func startSandbox(t *testing.T, opts sandbox.Options, wrap func(http.Handler) http.Handler) (*sandbox.Server, string) {
	t.Helper()
	sbx, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = sbx
	if wrap != nil {
		h = wrap(sbx)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(func() { ts.Close(); _ = sbx.Close() })
	return sbx, ts.URL
}

// newSandboxClient serves a sandbox and returns a client pointed at it.
func newSandboxClient(t *testing.T, opts sandbox.Options) (*Client, *sandbox.Server, string) {
	t.Helper()
	srv, url := startSandbox(t, opts, nil)
	c := newTestClient(t, Config{
		Endpoints:    endpointsAt(url),
		AccessToken:  sandbox.DefaultAccessToken,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
	})
	return c, srv, url
}

func newTestClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func writeJSONBody(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// hangUp closes the connection without an answer: a network error for the
// client, after the server has read the request.
func hangUp(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("the test server cannot hijack connections")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

// closedAddress returns http://127.0.0.1:<port> where nothing listens.
func closedAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}

// captureLogger records every log line as text.
type captureLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *captureLogger) add(level, msg string, fields map[string]any) {
	js, _ := json.Marshal(fields)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s %s %v %s", level, msg, fields, js))
}

func (l *captureLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.add("DEBUG", msg, fields)
}

func (l *captureLogger) Trace(_ context.Context, msg string, fields map[string]any) {
	l.add("TRACE", msg, fields)
}

func (l *captureLogger) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func (l *captureLogger) countContaining(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			n++
		}
	}
	return n
}

// What only the tests ask of the client: the product never needs it, so it
// lives beside the tests instead of in the package's API.

// IsRateLimited reports a 429 answer.
func IsRateLimited(err error) bool { return statusOf(err) == http.StatusTooManyRequests }

// IsUnauthorized reports a 401 answer.
func IsUnauthorized(err error) bool { return statusOf(err) == http.StatusUnauthorized }

// DollarsFromCents builds an amount from cents.
func DollarsFromCents(cents int64) Dollars {
	return Dollars{r: big.NewRat(cents, 100)}
}

// TokenInfo describes an access token (GET /v2/info).
type TokenInfo struct {
	Scope          string `json:"scope"`
	ClientID       string `json:"client_id"`
	AccountID      string `json:"account_id"`
	OrganizationID string `json:"organization_id"`
	ExpiresIn      int64  `json:"expires_in"`
}

// GetTokenInfo asks the accounts service about the client's current access
// token, sent as the Billing API would send it: the accounts API itself
// takes no credentials, so the product's requests carry none there.
func (c *Client) GetTokenInfo(ctx context.Context) (*TokenInfo, error) {
	auth, err := c.authorization(APIBilling)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.endpoints[APIAccounts].String()+"/v2/info", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", auth)
	resp, err := c.retry.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /v2/info: HTTP %d", resp.StatusCode)
	}
	var info TokenInfo
	return &info, json.NewDecoder(resp.Body).Decode(&info)
}

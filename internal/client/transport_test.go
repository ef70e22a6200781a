package client

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A redirect is never followed: neither the Authorization header nor a body
// (a partner password, a creating call's payload) reaches the address it
// points to, whatever the method, on another port or on the same origin.
// The error names the API, the configured endpoint and the Location, with
// the Location's user info and secret query parameters removed, and the
// redirect is not retried.
func TestRedirectsAreNotFollowed(t *testing.T) {
	t.Parallel()
	elsewhere := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSONBody(w, 200, map[string]any{"balance": 1})
	})
	crossTarget := strings.Replace(elsewhere.URL, "http://", "http://mallory:loc-pw-secret@", 1) +
		"/v2/elsewhere?access_token=loc-token-secret&page=2"
	for _, tc := range []struct {
		name, location string
		status         int
		call           func(*Client) error
	}{
		{"creating POST to another port", crossTarget, http.StatusTemporaryRedirect, func(c *Client) error {
			return c.do(context.Background(), request{api: APIBilling, method: "POST", path: "/v2/direct_charges/livechat",
				body: map[string]any{"name": "Seats", "card_token": "card-tok-secret"}, retry: retryIfNotActed})
		}},
		{"partner DELETE with the password to another port", crossTarget, http.StatusPermanentRedirect, func(c *Client) error {
			return c.do(context.Background(), request{api: APIPartners, method: "DELETE", path: "/v2/partners/x",
				body: map[string]any{"password": c.PartnerPassword()}})
		}},
		{"bodiless GET to another port", crossTarget, http.StatusFound, func(c *Client) error {
			_, err := c.GetLedgerBalance(context.Background())
			return err
		}},
		{"bodiless GET on the same origin", "/v2/moved?page=2", http.StatusMovedPermanently, func(c *Client) error {
			_, err := c.GetLedgerBalance(context.Background())
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := elsewhere.count()
			origin := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				w.Header().Set("Location", tc.location)
				w.WriteHeader(tc.status)
			})
			cfg := testConfig(origin.URL)
			cfg.Endpoints.Partners = origin.URL + "/partners-api"
			cfg.PartnerPassword = "partner-pw-secret"
			c := newTestClient(t, cfg)

			err := tc.call(c)
			var rerr *RedirectError
			if !errors.As(err, &rerr) {
				t.Fatalf("want a RedirectError, got %v", err)
			}
			if n := elsewhere.count() - before; n != 0 {
				t.Fatalf("the redirect target received %d requests", n)
			}
			if n := origin.count(); n != 1 {
				t.Fatalf("the endpoint received %d requests; a redirect is answered once and not retried (max retries 3)", n)
			}
			msg := err.Error()
			for _, leak := range []string{"loc-pw-secret", "mallory", "loc-token-secret", "card-tok-secret", "partner-pw-secret"} {
				if strings.Contains(msg, leak) {
					t.Errorf("the error leaks %q: %s", leak, msg)
				}
			}
			for _, want := range []string{"Location", "page=2", http.StatusText(tc.status), "redirects are not followed"} {
				if !strings.Contains(msg, want) {
					t.Errorf("the error does not say %q: %s", want, msg)
				}
			}
			if rerr.Status != tc.status || !strings.Contains(rerr.Location, "page=2") {
				t.Errorf("RedirectError = %+v", rerr)
			}
		})
	}
}

// The error names the API and the endpoint the request was sent to, and the
// full target of a cross-origin Location with its secret parameter masked.
func TestRedirectErrorNamesAPIAndEndpoint(t *testing.T) {
	t.Parallel()
	origin := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Location", "https://u:pw-loc-secret@other.example:8443/cb?refresh_token=rt-loc-secret&x=1")
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	cfg := testConfig("")
	cfg.Endpoints = Endpoints{Billing: origin.URL + "/billing", Partners: origin.URL + "/partners"}
	c := newTestClient(t, cfg)
	_, err := c.GetLedgerBalance(context.Background())
	var rerr *RedirectError
	if !errors.As(err, &rerr) {
		t.Fatalf("want a RedirectError, got %v", err)
	}
	if len(rerr.APIs) != 1 || rerr.APIs[0] != APIBilling || rerr.Endpoint != origin.URL+"/billing" {
		t.Errorf("APIs %v, endpoint %q; want Billing at %s/billing", rerr.APIs, rerr.Endpoint, origin.URL)
	}
	want := "https://other.example:8443/cb?refresh_token=" + Redacted + "&x=1"
	if rerr.Location != want {
		t.Errorf("Location = %q, want %q", rerr.Location, want)
	}
	if msg := err.Error(); !strings.Contains(msg, "LiveChat Billing API endpoint "+origin.URL+"/billing") || !strings.Contains(msg, want) {
		t.Errorf("the error does not name the API, the endpoint and the Location: %s", msg)
	}
}

// getBodyRecorder records, for each request that reaches the caller's
// transport, whether net/http could replay it (GetBody set).
type getBodyRecorder struct {
	next http.RoundTripper
	// idempotencyKey makes the request replayable by net/http's own
	// connection retry, as a POST carrying an Idempotency-Key header is.
	idempotencyKey bool

	mu         sync.Mutex
	hasGetBody map[string]bool
}

func (g *getBodyRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	g.mu.Lock()
	g.hasGetBody[r.Method+" "+r.URL.Path] = r.GetBody != nil
	g.mu.Unlock()
	if g.idempotencyKey {
		clone := r.Clone(r.Context())
		clone.GetBody = r.GetBody
		clone.Header.Set("Idempotency-Key", "key-1")
		r = clone
	}
	return g.next.RoundTrip(r)
}

// A creating request reaches the transport without GetBody, so no layer
// below the retry policy can send it again; a safe request keeps it.
func TestCreatingRequestsCarryNoGetBody(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSONBody(w, 200, map[string]any{"id": "x"})
	})
	rec := &getBodyRecorder{next: http.DefaultTransport, hasGetBody: map[string]bool{}}
	cfg := testConfig(srv.URL)
	cfg.Transport = rec
	c := newTestClient(t, cfg)
	ctx := context.Background()
	if err := c.do(ctx, request{api: APIBilling, method: "POST", path: "/v2/create", body: map[string]any{"a": 1}, retry: retryIfNotActed}); err != nil {
		t.Fatal(err)
	}
	if err := c.do(ctx, request{api: APIBilling, method: "PUT", path: "/v2/update", body: map[string]any{"a": 1}}); err != nil {
		t.Fatal(err)
	}
	if rec.hasGetBody["POST /v2/create"] {
		t.Error("the creating POST reached the transport with GetBody set: net/http may replay it")
	}
	if !rec.hasGetBody["PUT /v2/update"] {
		t.Error("the safe PUT lost its GetBody; only creating requests should")
	}
}

// net/http itself resends a replayable request when a reused connection
// fails before the answer. A creating POST (made replayable here by an
// Idempotency-Key header) whose connection the server closes after reading
// it must reach the server once and fail, not be sent again silently.
func TestCreatingRequestsAreNotReplayedByNetHTTP(t *testing.T) {
	t.Parallel()
	var posts atomic.Int64
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.Method == http.MethodPost && posts.Add(1) == 1 {
			hangUp(t, w) // the server read the request and may have acted
			return
		}
		writeJSONBody(w, 200, map[string]any{"balance": 1})
	})
	rec := &getBodyRecorder{next: http.DefaultTransport, idempotencyKey: true, hasGetBody: map[string]bool{}}
	cfg := testConfig(srv.URL)
	cfg.Transport = rec
	c := newTestClient(t, cfg)
	ctx := context.Background()
	if _, err := c.GetLedgerBalance(ctx); err != nil { // opens the connection the POST reuses
		t.Fatal(err)
	}
	err := c.do(ctx, request{api: APIBilling, method: "POST", path: "/v2/create", body: map[string]any{"a": 1}, retry: retryIfNotActed})
	if n := posts.Load(); n != 1 {
		t.Fatalf("the server received the creating POST %d times", n)
	}
	if err == nil {
		t.Fatal("a creating POST whose answer was lost must fail, not succeed on a silent resend")
	}
}

// builtTransport is the *http.Transport at the bottom of c's chain.
func builtTransport(t *testing.T, c *Client) http.RoundTripper {
	t.Helper()
	guard, ok := c.retry.HTTPClient.Transport.(*guardTransport)
	if !ok {
		t.Fatalf("the HTTP client's transport is %T, not the guard", c.retry.HTTPClient.Transport)
	}
	limited, ok := guard.next.(*limitedTransport)
	if !ok {
		t.Fatalf("the guard wraps %T, not the rate limiter", guard.next)
	}
	return limited.next
}

// The transport New builds states TLS 1.2 as its floor; a caller's own
// transport is used as it is.
func TestTransportTLSMinimum(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, Config{})
	tr, ok := builtTransport(t, c).(*http.Transport)
	if !ok {
		t.Fatalf("built transport is %T", builtTransport(t, c))
	}
	if tr.TLSClientConfig == nil || tr.TLSClientConfig.MinVersion != tls.VersionTLS12 {
		t.Fatalf("TLSClientConfig = %+v, want MinVersion TLS 1.2", tr.TLSClientConfig)
	}

	own := &http.Transport{}
	c = newTestClient(t, Config{Transport: own})
	if got := builtTransport(t, c); got != own || own.TLSClientConfig != nil {
		t.Fatalf("the caller's transport was replaced or changed: %T %+v", got, own.TLSClientConfig)
	}
}

// A server that speaks at most TLS 1.1 is refused during the handshake,
// before any request (and its Authorization header) is sent.
func TestTransportRefusesOldTLS(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		writeJSONBody(w, 200, map[string]any{"balance": 1})
	}))
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	cfg := testConfig(srv.URL)
	c := newTestClient(t, cfg)
	_, err := c.GetLedgerBalance(context.Background())
	if err == nil || !strings.Contains(err.Error(), "protocol version") {
		t.Fatalf("want a TLS protocol version error, got %v", err)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the TLS 1.1 server answered %d requests", n)
	}
}

// Terraform runs ten operations at once by default. The pool keeps a
// connection idle for each of them, so a run reuses its connections instead
// of opening (and, against the platform, handshaking TLS for) new ones.
func TestDefaultTransportKeepsAConnectionPerParallelCaller(t *testing.T) {
	t.Parallel()
	var opened atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(2 * time.Millisecond) // keep the callers overlapping
		writeJSONBody(w, http.StatusOK, map[string]any{"balance": 1})
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c := newTestClient(t, testConfig(srv.URL))
	const callers, rounds = 10, 20
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			for range rounds {
				if _, err := c.GetLedgerBalance(context.Background()); err != nil {
					t.Error(err)
					return
				}
				// Terraform works between one call and the next, so
				// that many connections are idle at once.
				time.Sleep(3 * time.Millisecond)
			}
		})
	}
	wg.Wait()
	if n := opened.Load(); n > 2*callers {
		t.Errorf("%d callers making %d calls each opened %d connections, want at most %d", callers, rounds, n, 2*callers)
	}
}

package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// The guide's receiver, driven the way its "Testing against the sandbox"
// section does: a sandbox delivers real, signed webhooks to it when the
// control API plays the customer (platform-api.md §3.3, §5.4).
func TestReceiverAgainstTheSandbox(t *testing.T) {
	const secret = "0123456789abcdef0123456789abcdef"
	sbx := startSandbox(t)
	rc := newReceiver(secret)
	tap := &lastDelivery{next: rc}
	hook := httptest.NewServer(tap)
	t.Cleanup(hook.Close)

	seats := sbx.createUpgrade(t, "quantity", hook.URL+"/livechat/upgrades", secret)

	t.Run("a signed ENABLE is accepted and counted", func(t *testing.T) {
		out := sbx.act(t, seats, "enable", 2)
		if out.Status != http.StatusOK || !out.Recorded {
			t.Fatalf("enable: the receiver answered %d (%q), recorded %v; want 200 and recorded", out.Status, out.Reason, out.Recorded)
		}
		sbx.act(t, seats, "enable", 1)
		if got := rc.quantity(delivery{ID: seats, Organization: "Starz", License: "123456"}); got != 3 {
			t.Fatalf("after enabling 2 and 1 the receiver counts %d, want 3", got)
		}
	})

	t.Run("a DISABLE ends the enable it mirrors", func(t *testing.T) {
		if out := sbx.act(t, seats, "disable", 2); out.Status != http.StatusOK {
			t.Fatalf("disable 2: the receiver answered %d (%q)", out.Status, out.Reason)
		}
		if got := rc.quantity(delivery{ID: seats, Organization: "Starz", License: "123456"}); got != 1 {
			t.Fatalf("after disabling 2 the receiver counts %d, want 1", got)
		}
	})

	t.Run("a tampered delivery is refused", func(t *testing.T) {
		body, sig := tap.get()
		if !verify(secret, body, sig) {
			t.Fatalf("the sandbox's own delivery does not verify: %s (signature %s)", body, sig)
		}
		tampered := bytes.Replace(body, []byte(`"quantity":2`), []byte(`"quantity":200`), 1)
		if bytes.Equal(tampered, body) {
			t.Fatalf("the last delivery has no quantity 2 to tamper with: %s", body)
		}
		if status, reason := post(t, hook.URL+"/livechat/upgrades", tampered, sig); status != http.StatusUnauthorized {
			t.Fatalf("a tampered body with the original signature got %d (%q), want 401", status, reason)
		}
		if status, _ := post(t, hook.URL+"/livechat/upgrades", body, ""); status != http.StatusUnauthorized {
			t.Fatalf("an unsigned delivery got %d, want 401", status)
		}
	})

	t.Run("a delivery signed with another secret is refused and not recorded", func(t *testing.T) {
		other := sbx.createUpgrade(t, "once", hook.URL+"/livechat/upgrades", "not-the-receivers-secret")
		out := sbx.act(t, other, "enable", 1)
		if out.Status != http.StatusUnauthorized || out.Recorded || out.Reason != "invalid signature" {
			t.Fatalf("got status %d, reason %q, recorded %v; want 401 \"invalid signature\", not recorded", out.Status, out.Reason, out.Recorded)
		}
	})

	t.Run("a disable without a matching enable is refused with a reason", func(t *testing.T) {
		body, sig := signed(t, secret, delivery{
			ID: seats, Organization: "Starz", License: "123456", Name: "Extra Seats", Type: "DISABLE", Quantity: 5,
		})
		status, reason := post(t, hook.URL+"/livechat/upgrades", body, sig)
		if status != http.StatusConflict || !strings.Contains(reason, "no enabled quantity of 5") {
			t.Fatalf("got %d %q, want 409 naming the quantity", status, reason)
		}
	})
}

// testSandbox is a sandbox served on a loopback port.
type testSandbox struct{ url string }

func startSandbox(t *testing.T) *testSandbox {
	t.Helper()
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); _ = srv.Close() })
	return &testSandbox{url: hs.URL}
}

// createUpgrade creates an upgrade of the sandbox's app through the
// Developer Console API (platform-api.md §3.2) and returns its id.
func (s *testSandbox) createUpgrade(t *testing.T, typ, webhookURL, secret string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"name": "Extra Seats", "description": "Five more agent seats.", "webhook_url": webhookURL,
		"webhook_secret": secret, "type": typ, "price": 1500, "payment_type": "organization",
	})
	req, _ := http.NewRequest(http.MethodPost, s.url+"/v2/applications/sandbox-app/in-app-upgrades", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+sandbox.DefaultAccessToken)
	req.Header.Set("Content-Type", "application/json")
	var out struct{ ID string }
	s.do(t, req, http.StatusCreated, &out)
	return out.ID
}

// actionResult is the control API's answer to a customer's action.
type actionResult struct {
	Delivered bool   `json:"delivered"`
	Status    int    `json:"status"`
	Reason    string `json:"reason"`
	Recorded  bool   `json:"recorded"`
}

// act plays the customer Starz on license 123456.
func (s *testSandbox) act(t *testing.T, upgrade, action string, quantity int) actionResult {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"organization": "Starz", "license": "123456", "quantity": quantity})
	req, _ := http.NewRequest(http.MethodPost, s.url+"/_sandbox/upgrades/"+upgrade+"/"+action, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	var out actionResult
	s.do(t, req, http.StatusOK, &out)
	if !out.Delivered {
		t.Fatalf("%s %s: the sandbox did not deliver the webhook", action, upgrade)
	}
	return out
}

func (s *testSandbox) do(t *testing.T, req *http.Request, want int, out any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", req.Method, req.URL.Path, resp.StatusCode, raw, want)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("%s %s: %v in %s", req.Method, req.URL.Path, err, raw)
	}
}

// lastDelivery keeps the body and signature of the last request it passes on.
type lastDelivery struct {
	next      http.Handler
	mu        sync.Mutex
	body      []byte
	signature string
}

func (l *lastDelivery) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	l.mu.Lock()
	l.body, l.signature = body, r.Header.Get(signatureHeader)
	l.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	l.next.ServeHTTP(w, r)
}

func (l *lastDelivery) get() ([]byte, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.body, l.signature
}

// signed is a delivery with a correct signature, for cases the sandbox
// refuses before it delivers anything.
func signed(t *testing.T, secret string, d delivery) ([]byte, string) {
	t.Helper()
	body, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return body, hmacHex(secret, string(body))
}

func post(t *testing.T, url string, body []byte, signature string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set(signatureHeader, signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(raw))
}

// verify against the scheme of platform-api.md §3.3 computed by hand, not
// by the sandbox's signer: a known HMAC-SHA256 test vector, and malformed
// signatures that must all be refused.
func TestVerify(t *testing.T) {
	const (
		key  = "key"
		body = "The quick brown fox jumps over the lazy dog"
		// HMAC-SHA256(key, body), the vector published with HMAC's
		// description (e.g. on Wikipedia).
		mac = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
	)
	for _, c := range []struct {
		name, secret, body, signature string
		want                          bool
	}{
		{"the published vector", key, body, mac, true},
		{"upper-case hex", key, body, strings.ToUpper(mac), true},
		{"another secret", "kez", body, mac, false},
		{"another body", key, body + ".", mac, false},
		{"no signature", key, body, "", false},
		{"one byte short", key, body, mac[:62], false},
		{"one byte more", key, body, mac + "00", false},
		{"odd length", key, body, mac[:63], false},
		{"not hex", key, body, "zz" + mac[2:], false},
		{"a scheme prefix", key, body, "sha256=" + mac, false},
		{"surrounding space", key, body, " " + mac, false},
		{"the MAC of an empty body", key, "", mac, false},
		{"an empty secret, signed with it", "", body, hmacHex("", body), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := verify(c.secret, []byte(c.body), c.signature); got != c.want {
				t.Errorf("verify(%q, %q, %q) = %v, want %v", c.secret, c.body, c.signature, got, c.want)
			}
		})
	}
}

// hmacHex is the signature of §3.3, computed here with the standard library
// and nothing of the receiver's or the sandbox's.
func hmacHex(secret, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(body))
	return hex.EncodeToString(m.Sum(nil))
}

// FuzzVerify: whatever arrives, verify does not panic, and it accepts
// exactly the signature §3.3 defines (in either case of hex).
func FuzzVerify(f *testing.F) {
	f.Add("secret", []byte(`{"id":"stsmuqjb"}`), "")
	f.Add("secret", []byte(`{"id":"stsmuqjb"}`), hmacHex("secret", `{"id":"stsmuqjb"}`))
	f.Add("", []byte{}, "zz")
	f.Fuzz(func(t *testing.T, secret string, body []byte, signature string) {
		want := secret != "" && strings.EqualFold(signature, hmacHex(secret, string(body)))
		if got := verify(secret, body, signature); got != want {
			t.Errorf("verify(%q, %q, %q) = %v, want %v", secret, body, signature, got, want)
		}
	})
}

// The handler on its own, with what a careless or hostile client sends:
// each is refused before the body is decoded or counted, and nothing
// panics.
func TestReceiverRefusesMalformedRequests(t *testing.T) {
	const secret = "0123456789abcdef0123456789abcdef"
	good := `{"id":"stsmuqjb","transaction":"DLcvjaYGR","organization":"Starz","license":"123456","name":"Extra Seats","type":"ENABLE","quantity":2}`
	huge := `{"id":"stsmuqjb","name":"` + strings.Repeat("x", maxBody) + `"}`
	for _, c := range []struct {
		name, method, body string
		headers            map[string]string
		want               int
	}{
		{"a GET", http.MethodGet, "", nil, http.StatusMethodNotAllowed},
		{"a signed PUT", http.MethodPut, good, map[string]string{signatureHeader: hmacHex(secret, good)}, http.StatusMethodNotAllowed},
		{"no signature header", http.MethodPost, good, nil, http.StatusUnauthorized},
		{"an empty signature header", http.MethodPost, good, map[string]string{signatureHeader: ""}, http.StatusUnauthorized},
		{"a garbled signature header", http.MethodPost, good, map[string]string{signatureHeader: "\x00%%not hex"}, http.StatusUnauthorized},
		{"a body over the limit", http.MethodPost, huge, map[string]string{signatureHeader: hmacHex(secret, huge)}, http.StatusRequestEntityTooLarge},
		{"signed garbage", http.MethodPost, "{not json", map[string]string{signatureHeader: hmacHex(secret, "{not json")}, http.StatusBadRequest},
		{"a signed delivery of an unknown type", http.MethodPost, strings.Replace(good, "ENABLE", "REFUND", 1),
			map[string]string{signatureHeader: hmacHex(secret, strings.Replace(good, "ENABLE", "REFUND", 1))}, http.StatusBadRequest},
		{"a signed delivery", http.MethodPost, good, map[string]string{signatureHeader: hmacHex(secret, good)}, http.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := newReceiver(secret)
			req := httptest.NewRequest(c.method, "/livechat/upgrades", strings.NewReader(c.body))
			for k, v := range c.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			rc.ServeHTTP(rec, req)
			if rec.Code != c.want {
				t.Fatalf("answered %d (%q), want %d", rec.Code, strings.TrimSpace(rec.Body.String()), c.want)
			}
			if c.want == http.StatusMethodNotAllowed && rec.Header().Get("Allow") != http.MethodPost {
				t.Errorf("a 405 without Allow: POST (got %q)", rec.Header().Get("Allow"))
			}
			counted := rc.quantity(delivery{ID: "stsmuqjb", Organization: "Starz", License: "123456"})
			if want := map[bool]int64{true: 2, false: 0}[c.want == http.StatusOK]; counted != want {
				t.Errorf("the receiver counts %d, want %d", counted, want)
			}
		})
	}
}

// The server main starts bounds every phase of a connection, so that
// slow or stalled clients cannot exhaust it.
func TestServerHasDeadlines(t *testing.T) {
	srv := newServer("127.0.0.1:0", newReceiver("secret"))
	for name, d := range map[string]time.Duration{
		"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
		"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout,
	} {
		if d <= 0 || d > time.Minute {
			t.Errorf("%s is %v, want a deadline of at most a minute", name, d)
		}
	}
	if srv.MaxHeaderBytes <= 0 || srv.MaxHeaderBytes > 64<<10 {
		t.Errorf("MaxHeaderBytes is %d, want a bound well below net/http's 1 MB default", srv.MaxHeaderBytes)
	}
}

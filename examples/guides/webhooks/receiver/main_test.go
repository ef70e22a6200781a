package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

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
	return body, sandbox.SignWebhook(secret, body)
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

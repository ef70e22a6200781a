package client

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// upgRecorder keeps the method, path and body of every request the client sends.
type upgRecorder struct {
	mu   sync.Mutex
	reqs []upgRequest
	next http.RoundTripper
}

type upgRequest struct {
	method, path string
	body         []byte
}

func (r *upgRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, upgRequest{req.Method, req.URL.Path, body})
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func (r *upgRecorder) all() []upgRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]upgRequest(nil), r.reqs...)
}

// upgClient returns a client pointed at a sandbox (behind wrap unless
// nil) and the upgRecorder of its requests.
func upgClient(t *testing.T, wrap func(http.Handler) http.Handler) (*Client, *upgRecorder) {
	t.Helper()
	_, url := startSandbox(t, sandbox.Options{}, wrap)
	rec := &upgRecorder{next: http.DefaultTransport}
	c := newTestClient(t, Config{
		Endpoints:    endpointsAt(url),
		AccessToken:  sandbox.DefaultAccessToken,
		MaxRetries:   2,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
		Transport:    rec,
	})
	return c, rec
}

func upgCreateBody() InAppUpgradeCreate {
	return InAppUpgradeCreate{
		Name:        "Extra Accounts",
		Description: "Adds five more agent accounts.",
		WebhookURL:  "https://example.com/hooks/upgrades",
		Type:        UpgradeTypeQuantity,
		Price:       1500,
		PaymentType: UpgradePaymentOrganization,
	}
}

func TestInAppUpgrades_crud(t *testing.T) {
	ctx := context.Background()
	c, rec := upgClient(t, nil)

	u, secret, err := c.CreateInAppUpgrade(ctx, sandbox.SandboxAppID, upgCreateBody())
	if err != nil {
		t.Fatal(err)
	}
	if len(u.ID) != 8 || u.AppID != sandbox.SandboxAppID || u.Status != "draft" || u.Price != 1500 ||
		u.Type != UpgradeTypeQuantity || u.CreatedAt.IsZero() || u.UpdatedAt.IsZero() {
		t.Fatalf("created: %+v", u)
	}
	if len(secret) < 16 {
		t.Fatalf("generated secret %q", secret)
	}
	// An omitted secret is not sent at all.
	if body := string(rec.all()[0].body); strings.Contains(body, "webhook_secret") {
		t.Fatalf("create sent %s", body)
	}

	in := upgCreateBody()
	in.WebhookSecret = "my-secret"
	_, given, err := c.CreateInAppUpgrade(ctx, sandbox.SandboxAppID, in)
	if err != nil || given != "my-secret" {
		t.Fatalf("create with a secret: %q, %v", given, err)
	}

	got, err := c.GetInAppUpgrade(ctx, sandbox.SandboxAppID, u.ID)
	if err != nil || *got != *u {
		t.Fatalf("get: %+v, %v (want %+v)", got, err, u)
	}
	list, err := c.ListInAppUpgrades(ctx, sandbox.SandboxAppID)
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %v, %v", list, err)
	}

	name, price := "More Accounts", int64(0)
	before := len(rec.all())
	up, err := c.UpdateInAppUpgrade(ctx, sandbox.SandboxAppID, u.ID, InAppUpgradeUpdate{Name: &name, Price: &price})
	if err != nil {
		t.Fatal(err)
	}
	if up.Name != name || up.Price != 0 || up.Description != u.Description {
		t.Fatalf("update: %+v", up)
	}
	var sent map[string]any
	if err := json.Unmarshal(rec.all()[before].body, &sent); err != nil {
		t.Fatal(err)
	}
	if len(sent) != 2 || sent["name"] != name || sent["price"] != float64(0) {
		t.Fatalf("PATCH must send only the set fields (a zero price included), sent %v", sent)
	}

	if err := c.DeleteInAppUpgrade(ctx, sandbox.SandboxAppID, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetInAppUpgrade(ctx, sandbox.SandboxAppID, u.ID); !IsNotFound(err) {
		t.Fatalf("get after delete: want 404, got %v", err)
	}
	if err := c.DeleteInAppUpgrade(ctx, sandbox.SandboxAppID, u.ID); !IsNotFound(err) {
		t.Fatalf("delete twice: want 404, got %v", err)
	}
	if _, err := c.ListInAppUpgrades(ctx, "no-such-app"); !IsNotFound(err) {
		t.Fatalf("unknown app: want 404, got %v", err)
	}
}

func TestInAppUpgrades_errors(t *testing.T) {
	ctx := context.Background()
	c, rec := upgClient(t, nil)

	bad := upgCreateBody()
	bad.Price = -1
	_, _, err := c.CreateInAppUpgrade(ctx, sandbox.SandboxAppID, bad)
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.Status != 400 || apiErr.API != APIDeveloperConsole || apiErr.Code != "validation_error" ||
		!strings.Contains(apiErr.Message, "price must be 0 (free) or between 1 and 2000000 cents, got -1") || apiErr.RequestID == "" {
		t.Fatalf("validation error: %#v", err)
	}

	u, _, err := c.CreateInAppUpgrade(ctx, sandbox.SandboxAppID, upgCreateBody())
	if err != nil {
		t.Fatal(err)
	}
	empty := ""
	if _, err := c.UpdateInAppUpgrade(ctx, sandbox.SandboxAppID, u.ID, InAppUpgradeUpdate{Name: &empty}); upgStatus(err) != 400 {
		t.Fatalf("empty name: %v", err)
	}

	// Ids that would address another endpoint never leave the client.
	n := len(rec.all())
	for _, tc := range []struct{ app, id string }{{"", "abc"}, {"a/b", "abc"}, {"app", ""}, {"app", "x/y"}, {"app", "x?y"}} {
		if _, err := c.GetInAppUpgrade(ctx, tc.app, tc.id); err == nil || IsNotFound(err) {
			t.Fatalf("get %q/%q: want a local error, got %v", tc.app, tc.id, err)
		}
		if err := c.DeleteInAppUpgrade(ctx, tc.app, tc.id); err == nil {
			t.Fatalf("delete %q/%q: want a local error", tc.app, tc.id)
		}
	}
	if len(rec.all()) != n {
		t.Fatal("invalid ids reached the server")
	}
}

func upgStatus(err error) int {
	if e, ok := AsAPIError(err); ok {
		return e.Status
	}
	return 0
}

// A create that may have been acted on is not repeated; a read is.
func TestInAppUpgrades_retries(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	failNext := map[string]int{"POST": 1, "GET": 1}
	flaky := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			fail := failNext[r.Method] > 0
			if fail {
				failNext[r.Method]--
			}
			mu.Unlock()
			if fail {
				http.Error(w, "upstream hiccup", http.StatusBadGateway)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	c, rec := upgClient(t, flaky)

	if _, _, err := c.CreateInAppUpgrade(ctx, sandbox.SandboxAppID, upgCreateBody()); upgStatus(err) != http.StatusBadGateway {
		t.Fatalf("create through a 502: want the 502 back, got %v", err)
	}
	if posts := upgCount(rec.all(), "POST"); posts != 1 {
		t.Fatalf("the create was sent %d times; an ambiguous failure must not be retried", posts)
	}
	if _, err := c.ListInAppUpgrades(ctx, sandbox.SandboxAppID); err != nil {
		t.Fatalf("list through one 502 must be retried: %v", err)
	}
	if gets := upgCount(rec.all(), "GET"); gets != 2 {
		t.Fatalf("list sent %d times, want 2", gets)
	}
}

func upgCount(rs []upgRequest, m string) int {
	n := 0
	for _, r := range rs {
		if r.method == m {
			n++
		}
	}
	return n
}

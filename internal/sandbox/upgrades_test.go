package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests pin the in-app upgrades endpoints and their control API to
// platform-api.md §3 and §5 over raw HTTP.

const upgBase = "/v2/applications/sandbox-app/in-app-upgrades"

type upgHTTP struct {
	t    *testing.T
	url  string
	auth string
}

func newUpgSandbox(t *testing.T, opts Options) (*Server, upgHTTP) {
	t.Helper()
	h := newHarness(t, opts)
	return h.srv, upgHTTP{t: t, url: h.url, auth: "Bearer " + DefaultAccessToken}
}

// call sends body as JSON (a string is sent verbatim) and returns the status,
// the decoded JSON object (nil if none) and the raw body.
func (c upgHTTP) call(method, path string, body any) (int, map[string]any, string) {
	c.t.Helper()
	r := sendJSON(c.t, method, c.url+path, body, c.auth)
	return r.status, r.obj, string(r.raw)
}

func (c upgHTTP) mustCall(want int, method, path string, body any) map[string]any {
	c.t.Helper()
	status, obj, raw := c.call(method, path, body)
	if status != want {
		c.t.Fatalf("%s %s: want HTTP %d, got %d: %s", method, path, want, status, raw)
	}
	return obj
}

// upgError returns the message of a Developer Console error envelope
// {"error":{"type","message"}} and fails when the body has another shape.
func upgError(t *testing.T, obj map[string]any, raw string) (string, string) {
	t.Helper()
	e, ok := obj["error"].(map[string]any)
	if !ok {
		t.Fatalf("not a Developer Console error envelope: %s", raw)
	}
	typ, _ := e["type"].(string)
	msg, _ := e["message"].(string)
	if typ == "" || msg == "" {
		t.Fatalf("error envelope lacks type or message: %s", raw)
	}
	return typ, msg
}

func upgBody(overrides map[string]any) map[string]any {
	body := map[string]any{
		"name":         "Extra Accounts",
		"description":  "Adds five more agent accounts.",
		"webhook_url":  "https://example.com/hooks/upgrades",
		"type":         "quantity",
		"price":        1500,
		"payment_type": "organization",
	}
	for k, v := range overrides {
		withField(body, k, v)
	}
	return body
}

var upgIDPattern = regexp.MustCompile(`^[a-z]{8}$`)

func TestUpgrades_lifecycle(t *testing.T) {
	_, c := newUpgSandbox(t, Options{})

	created := c.mustCall(http.StatusCreated, "POST", upgBase, upgBody(nil))
	id, _ := created["id"].(string)
	if !upgIDPattern.MatchString(id) {
		t.Fatalf("id %q is not 8 lowercase letters", id)
	}
	for k, want := range map[string]any{
		"app_id": "sandbox-app", "name": "Extra Accounts", "description": "Adds five more agent accounts.",
		"webhook_url": "https://example.com/hooks/upgrades", "type": "quantity", "price": float64(1500),
		"payment_type": "organization", "status": "draft",
	} {
		if created[k] != want {
			t.Errorf("create: %s = %v, want %v", k, created[k], want)
		}
	}
	for _, k := range []string{"created_at", "updated_at"} {
		if _, err := time.Parse(time.RFC3339, fmt.Sprint(created[k])); err != nil {
			t.Errorf("create: %s = %v is not RFC 3339", k, created[k])
		}
	}
	if s, _ := created["webhook_secret"].(string); len(s) < 16 {
		t.Errorf("create: a generated webhook_secret must be returned once, got %q", created["webhook_secret"])
	}

	got := c.mustCall(http.StatusOK, "GET", upgBase+"/"+id, nil)
	if got["id"] != id || got["name"] != "Extra Accounts" || got["price"] != float64(1500) {
		t.Fatalf("get: %v", got)
	}
	if _, ok := got["webhook_secret"]; ok {
		t.Fatal("get returned webhook_secret")
	}

	list := c.mustCall(http.StatusOK, "GET", upgBase, nil)
	result, ok := list["result"].([]any)
	if !ok || len(result) != 1 || result[0].(map[string]any)["id"] != id {
		t.Fatalf("list: %v", list)
	}

	patched := c.mustCall(http.StatusOK, "PATCH", upgBase+"/"+id, map[string]any{"name": "More Accounts", "price": 0})
	if patched["name"] != "More Accounts" || patched["price"] != float64(0) || patched["description"] != "Adds five more agent accounts." {
		t.Fatalf("patch changed the wrong fields: %v", patched)
	}
	if _, ok := patched["webhook_secret"]; ok {
		t.Fatal("patch returned webhook_secret")
	}
	if got := c.mustCall(http.StatusOK, "GET", upgBase+"/"+id, nil); got["name"] != "More Accounts" {
		t.Fatalf("patch not stored: %v", got)
	}

	status, _, raw := c.call("DELETE", upgBase+"/"+id, nil)
	if status != http.StatusNoContent || raw != "" {
		t.Fatalf("delete: want 204 with no body, got %d %q", status, raw)
	}
	for _, m := range []string{"GET", "PATCH", "DELETE"} {
		var body any
		if m == "PATCH" {
			body = map[string]any{"name": "x"}
		}
		status, obj, raw := c.call(m, upgBase+"/"+id, body)
		if status != http.StatusNotFound {
			t.Fatalf("%s after delete: want 404, got %d %s", m, status, raw)
		}
		if typ, msg := upgError(t, obj, raw); typ != "not_found" || !strings.Contains(msg, id) {
			t.Fatalf("%s after delete: %s %s", m, typ, msg)
		}
	}
	if list := c.mustCall(http.StatusOK, "GET", upgBase, nil); len(list["result"].([]any)) != 0 {
		t.Fatalf("list after delete: %v", list)
	}
}

func TestUpgrades_createValidation(t *testing.T) {
	_, c := newUpgSandbox(t, Options{})
	for name, tc := range map[string]struct {
		body any
		want string
	}{
		"price negative":         {upgBody(map[string]any{"price": -1}), "price must be 0 (free) or between 1 and 2000000 cents, got -1"},
		"price too high":         {upgBody(map[string]any{"price": 2000001}), "price must be 0 (free) or between 1 and 2000000 cents, got 2000001"},
		"price missing":          {upgBody(map[string]any{"price": nil}), "price is required"},
		"price not a number":     {upgBody(map[string]any{"price": "ten"}), "price must be a int64"},
		"name missing":           {upgBody(map[string]any{"name": nil}), "name is required"},
		"name empty":             {upgBody(map[string]any{"name": ""}), "name must not be empty"},
		"name too long":          {upgBody(map[string]any{"name": strings.Repeat("n", 65)}), "name must be 1 to 64 characters, got 65"},
		"description missing":    {upgBody(map[string]any{"description": nil}), "description is required"},
		"description too long":   {upgBody(map[string]any{"description": strings.Repeat("d", 201)}), "description must be 1 to 200 characters, got 201"},
		"webhook_url missing":    {upgBody(map[string]any{"webhook_url": nil}), "webhook_url is required"},
		"webhook_url plain http": {upgBody(map[string]any{"webhook_url": "http://example.com/hook"}), "webhook_url must use https"},
		"webhook_url relative":   {upgBody(map[string]any{"webhook_url": "/hook"}), "webhook_url must be an absolute https URL"},
		"webhook_url ftp":        {upgBody(map[string]any{"webhook_url": "ftp://example.com/"}), "webhook_url must be an absolute https URL"},
		"webhook_secret empty":   {upgBody(map[string]any{"webhook_secret": ""}), "webhook_secret must be 1 to 256 characters, got 0"},
		"type missing":           {upgBody(map[string]any{"type": nil}), "type is required"},
		"type unknown":           {upgBody(map[string]any{"type": "many"}), `type must be one of once, quantity; got "many"`},
		"payment_type unknown":   {upgBody(map[string]any{"payment_type": "x"}), `payment_type must be one of organization, account; got "x"`},
		"malformed JSON":         {`{"name":`, "invalid JSON"},
		"empty body":             {"", "the body is empty"},
	} {
		t.Run(name, func(t *testing.T) {
			status, obj, raw := c.call("POST", upgBase, tc.body)
			if status != http.StatusBadRequest {
				t.Fatalf("want 400, got %d: %s", status, raw)
			}
			if _, msg := upgError(t, obj, raw); !strings.Contains(msg, tc.want) {
				t.Fatalf("message %q does not contain %q", msg, tc.want)
			}
		})
	}
	// Every problem is reported at once.
	_, obj, raw := c.call("POST", upgBase, upgBody(map[string]any{"price": -5, "type": "many"}))
	if _, msg := upgError(t, obj, raw); !strings.Contains(msg, "price") || !strings.Contains(msg, "type") {
		t.Fatalf("want both problems named, got %q", msg)
	}
	if n := len(c.mustCall(http.StatusOK, "GET", upgBase, nil)["result"].([]any)); n != 0 {
		t.Fatalf("rejected creates stored %d upgrades", n)
	}
}

func TestUpgrades_createBoundaries(t *testing.T) {
	_, c := newUpgSandbox(t, Options{})
	for name, over := range map[string]map[string]any{
		"free":                {"price": 0},
		"one cent":            {"price": 1},
		"max price":           {"price": 2000000},
		"64-char name":        {"name": strings.Repeat("n", 64)},
		"64 runes":            {"name": strings.Repeat("ł", 64)},
		"200-char desc":       {"description": strings.Repeat("d", 200)},
		"http loopback IP":    {"webhook_url": "http://127.0.0.1:9/hook"},
		"http localhost":      {"webhook_url": "http://localhost:9/hook"},
		"http IPv6 loopback":  {"webhook_url": "http://[::1]:9/hook"},
		"once, per account":   {"type": "once", "payment_type": "account"},
		"payment_type absent": {"payment_type": nil},
	} {
		t.Run(name, func(t *testing.T) {
			obj := c.mustCall(http.StatusCreated, "POST", upgBase, upgBody(over))
			if name == "payment_type absent" && obj["payment_type"] != "organization" {
				t.Fatalf("payment_type default: %v", obj["payment_type"])
			}
		})
	}
}

func TestUpgrades_secretIsWriteOnly(t *testing.T) {
	_, c := newUpgSandbox(t, Options{})
	given := c.mustCall(http.StatusCreated, "POST", upgBase, upgBody(map[string]any{"webhook_secret": "my-own-secret-value"}))
	if given["webhook_secret"] != "my-own-secret-value" {
		t.Fatalf("create with a secret returned %v", given["webhook_secret"])
	}
	generated := c.mustCall(http.StatusCreated, "POST", upgBase, upgBody(nil))
	genSecret := generated["webhook_secret"].(string)
	other := c.mustCall(http.StatusCreated, "POST", upgBase, upgBody(nil))
	if other["webhook_secret"] == genSecret {
		t.Fatal("two generated secrets are equal")
	}
	c.mustCall(http.StatusOK, "PATCH", upgBase+"/"+other["id"].(string), map[string]any{"webhook_secret": "patched-secret-value"})

	for _, path := range []string{upgBase, upgBase + "/" + given["id"].(string), upgBase + "/" + generated["id"].(string), "/_sandbox/state"} {
		_, _, raw := c.call("GET", path, nil)
		for _, secret := range []string{"my-own-secret-value", genSecret, "patched-secret-value"} {
			if strings.Contains(raw, secret) {
				t.Fatalf("GET %s leaks a webhook secret: %s", path, raw)
			}
		}
		if strings.Contains(raw, "webhook_secret") || strings.Contains(raw, "upgrade_secrets") {
			t.Fatalf("GET %s mentions the secret: %s", path, raw)
		}
	}
	_, state, _ := c.call("GET", "/_sandbox/state", nil)
	if ups, _ := state["upgrades"].([]any); len(ups) != 3 {
		t.Fatalf("/_sandbox/state lists %d upgrades, want 3", len(ups))
	}
	if apps, _ := state["apps"].([]any); len(apps) != 1 || apps[0].(map[string]any)["id"] != "sandbox-app" {
		t.Fatalf("/_sandbox/state apps: %v", state["apps"])
	}
}

func TestUpgrades_patch(t *testing.T) {
	_, c := newUpgSandbox(t, Options{})
	u := c.mustCall(http.StatusCreated, "POST", upgBase, upgBody(nil))
	path := upgBase + "/" + u["id"].(string)

	status, obj, raw := c.call("PATCH", path, map[string]any{"type": "once"})
	if status != http.StatusBadRequest {
		t.Fatalf("type change: want 400, got %d %s", status, raw)
	}
	if _, msg := upgError(t, obj, raw); !strings.Contains(msg, "type cannot be changed") {
		t.Fatalf("type change message: %q", msg)
	}
	// Sending the same type is not a change.
	c.mustCall(http.StatusOK, "PATCH", path, map[string]any{"type": "quantity"})

	for body, want := range map[string]string{
		`{"price":2000001}`: "price must be 0 (free) or between 1 and 2000000 cents",
		`{"name":""}`:       "name must not be empty",
		`{"description":"` + strings.Repeat("d", 201) + `"}`: "description must be 1 to 200 characters",
		`{"webhook_url":"http://example.com"}`:               "webhook_url must use https",
		`{"payment_type":"x"}`:                               "payment_type must be one of organization, account",
		`{"webhook_secret":""}`:                              "webhook_secret must be 1 to 256 characters",
		`{"type":"many"}`:                                    "type must be one of once, quantity",
		`[1,2]`:                                              "invalid JSON",
	} {
		status, obj, raw := c.call("PATCH", path, body)
		if status != http.StatusBadRequest {
			t.Fatalf("PATCH %s: want 400, got %d %s", body, status, raw)
		}
		if _, msg := upgError(t, obj, raw); !strings.Contains(msg, want) {
			t.Fatalf("PATCH %s: message %q lacks %q", body, msg, want)
		}
	}
	if got := c.mustCall(http.StatusOK, "GET", path, nil); got["price"] != float64(1500) || got["name"] != "Extra Accounts" {
		t.Fatalf("rejected patches changed the upgrade: %v", got)
	}

	// An empty patch changes nothing, not even updated_at.
	before := c.mustCall(http.StatusOK, "GET", path, nil)
	after := c.mustCall(http.StatusOK, "PATCH", path, map[string]any{})
	if after["updated_at"] != before["updated_at"] || after["name"] != before["name"] {
		t.Fatalf("empty patch: before %v after %v", before, after)
	}
	full := c.mustCall(http.StatusOK, "PATCH", path, map[string]any{
		"description": "New words.", "webhook_url": "https://example.org/new", "payment_type": "account", "price": 2000000,
	})
	if full["description"] != "New words." || full["webhook_url"] != "https://example.org/new" ||
		full["payment_type"] != "account" || full["price"] != float64(2000000) || full["name"] != "Extra Accounts" {
		t.Fatalf("patch: %v", full)
	}
}

func TestUpgrades_appsAndAuth(t *testing.T) {
	srv, c := newUpgSandbox(t, Options{})
	for _, tc := range []struct{ method, path string }{
		{"POST", "/v2/applications/nope/in-app-upgrades"},
		{"GET", "/v2/applications/nope/in-app-upgrades"},
		{"GET", "/v2/applications/nope/in-app-upgrades/abcdefgh"},
		{"PATCH", "/v2/applications/nope/in-app-upgrades/abcdefgh"},
		{"DELETE", "/v2/applications/nope/in-app-upgrades/abcdefgh"},
	} {
		var body any
		switch tc.method {
		case "POST":
			body = upgBody(nil)
		case "PATCH":
			body = map[string]any{"name": "x"}
		}
		status, obj, raw := c.call(tc.method, tc.path, body)
		if status != http.StatusNotFound {
			t.Fatalf("%s %s: want 404, got %d %s", tc.method, tc.path, status, raw)
		}
		if _, msg := upgError(t, obj, raw); !strings.Contains(msg, `application "nope" not found`) {
			t.Fatalf("%s %s: %q", tc.method, tc.path, msg)
		}
	}

	// An upgrade is reachable only under its own app.
	if err := srv.AddApp("second-app", "Second"); err != nil {
		t.Fatal(err)
	}
	u := c.mustCall(http.StatusCreated, "POST", upgBase, upgBody(nil))
	c.mustCall(http.StatusNotFound, "GET", "/v2/applications/second-app/in-app-upgrades/"+u["id"].(string), nil)
	if l := c.mustCall(http.StatusOK, "GET", "/v2/applications/second-app/in-app-upgrades", nil); len(l["result"].([]any)) != 0 {
		t.Fatalf("second app lists another app's upgrade: %v", l)
	}

	noAuth := c
	noAuth.auth = ""
	status, obj, raw := noAuth.call("GET", upgBase, nil)
	if status != http.StatusUnauthorized || obj["error"] != "invalid_request" {
		t.Fatalf("no token: %d %s", status, raw)
	}
	badAuth := c
	badAuth.auth = "Bearer wrong"
	if status, obj, raw := badAuth.call("POST", upgBase, upgBody(nil)); status != http.StatusUnauthorized || obj["error"] != "invalid_token" {
		t.Fatalf("bad token: %d %s", status, raw)
	}
	// Any valid access token will do: no scope is needed.
	_, scoped := newUpgSandbox(t, Options{Scopes: []string{}})
	scoped.mustCall(http.StatusCreated, "POST", upgBase, upgBody(nil))

	status, _, raw = c.call("PUT", upgBase+"/"+u["id"].(string), upgBody(nil))
	if status != http.StatusMethodNotAllowed {
		t.Fatalf("PUT: want 405, got %d %s", status, raw)
	}
}

// upgReceiver is a webhook endpoint that records what it got.
type upgReceiver struct {
	mu      sync.Mutex
	bodies  [][]byte
	sigs    []string
	answer  int
	reason  string
	during  func() // runs while the delivery is in flight
	srv     *httptest.Server
	headers []http.Header
}

func newUpgReceiver(t *testing.T) *upgReceiver {
	rc := &upgReceiver{answer: http.StatusOK}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.bodies = append(rc.bodies, body)
		rc.sigs = append(rc.sigs, r.Header.Get(SignatureHeader))
		rc.headers = append(rc.headers, r.Header.Clone())
		answer, reason, during := rc.answer, rc.reason, rc.during
		rc.mu.Unlock()
		if during != nil {
			during()
		}
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(answer)
		_, _ = io.WriteString(w, reason)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *upgReceiver) set(answer int, reason string) {
	rc.mu.Lock()
	rc.answer, rc.reason = answer, reason
	rc.mu.Unlock()
}

func (rc *upgReceiver) last(t *testing.T) (map[string]any, []byte, string) {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.bodies) == 0 {
		t.Fatal("the receiver got no webhook")
	}
	b := rc.bodies[len(rc.bodies)-1]
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("webhook body is not JSON: %s", b)
	}
	return m, b, rc.sigs[len(rc.sigs)-1]
}

func (rc *upgReceiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.bodies)
}

func upgCreateHooked(t *testing.T, c upgHTTP, url, typ string, extra map[string]any) (string, string) {
	t.Helper()
	over := map[string]any{"webhook_url": url, "type": typ}
	for k, v := range extra {
		over[k] = v
	}
	u := c.mustCall(http.StatusCreated, "POST", upgBase, upgBody(over))
	return u["id"].(string), u["webhook_secret"].(string)
}

func upgAct(c upgHTTP, id, action string, body any) (int, map[string]any, string) {
	c.t.Helper()
	return c.call("POST", "/_sandbox/upgrades/"+id+"/"+action, body)
}

func TestUpgradeWebhook_payloadAndSignature(t *testing.T) {
	_, c := newUpgSandbox(t, Options{})
	rc := newUpgReceiver(t)
	id, secret := upgCreateHooked(t, c, rc.srv.URL+"/hook", "quantity", map[string]any{"name": "Extra Accounts"})

	status, out, raw := upgAct(c, id, "enable", map[string]any{"organization": "Starz", "license": 123456, "quantity": 2})
	if status != http.StatusOK {
		t.Fatalf("enable: %d %s", status, raw)
	}
	if out["delivered"] != true || out["status"] != float64(200) || out["recorded"] != true {
		t.Fatalf("enable answer: %s", raw)
	}
	if _, ok := out["reason"]; ok {
		t.Fatalf("a 2xx answer has no reason: %s", raw)
	}
	got, body, sig := rc.last(t)
	want := map[string]any{
		"id": id, "transaction": out["transaction"], "organization": "Starz", "license": "123456",
		"name": "Extra Accounts", "type": "ENABLE", "quantity": float64(2),
	}
	if len(got) != len(want) {
		t.Fatalf("webhook has keys %v, want exactly %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("webhook %s = %#v, want %#v", k, got[k], v)
		}
	}
	if txn, _ := got["transaction"].(string); !regexp.MustCompile(`^[A-Za-z]{9}$`).MatchString(txn) {
		t.Errorf("transaction %q does not look like DLcvjaYGR", txn)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	if wantSig := hex.EncodeToString(mac.Sum(nil)); sig != wantSig {
		t.Fatalf("%s = %q, want hex HMAC-SHA256 of the body with the secret (%q)", SignatureHeader, sig, wantSig)
	}
	if sig != SignWebhook(secret, body) {
		t.Fatal("SignWebhook disagrees with the delivered signature")
	}
	rc.mu.Lock()
	ct := rc.headers[0].Get("Content-Type")
	rc.mu.Unlock()
	if ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}

	// A secret changed by PATCH signs the next webhook.
	c.mustCall(http.StatusOK, "PATCH", upgBase+"/"+id, map[string]any{"webhook_secret": "rotated"})
	upgAct(c, id, "disable", map[string]any{"organization": "Starz", "license": "123456", "quantity": 2})
	got, body, sig = rc.last(t)
	if got["type"] != "DISABLE" || sig != SignWebhook("rotated", body) {
		t.Fatalf("disable after rotating the secret: %v, signature %q", got, sig)
	}
}

func TestUpgradeWebhook_transactionStable(t *testing.T) {
	_, c := newUpgSandbox(t, Options{})
	rc := newUpgReceiver(t)
	id, _ := upgCreateHooked(t, c, rc.srv.URL, "quantity", nil)
	other, _ := upgCreateHooked(t, c, rc.srv.URL, "quantity", nil)
	txn := func(upgrade, action, org, license string, qty int) string {
		t.Helper()
		status, out, raw := upgAct(c, upgrade, action, map[string]any{"organization": org, "license": license, "quantity": qty})
		if status != http.StatusOK || out["recorded"] != true {
			t.Fatalf("%s %s: %d %s", action, upgrade, status, raw)
		}
		got, _, _ := rc.last(t)
		if got["transaction"] != out["transaction"] {
			t.Fatalf("control API answered transaction %v but delivered %v", out["transaction"], got["transaction"])
		}
		return out["transaction"].(string)
	}
	e1 := txn(id, "enable", "Starz", "1", 1)
	e2 := txn(id, "enable", "Starz", "1", 2)
	if e1 != e2 {
		t.Fatalf("two enables of one organization, license and upgrade: %s then %s", e1, e2)
	}
	d1 := txn(id, "disable", "Starz", "1", 2)
	d2 := txn(id, "disable", "Starz", "1", 1)
	if d1 != d2 || d1 == e1 {
		t.Fatalf("disables %s, %s must agree and differ from the enable %s", d1, d2, e1)
	}
	if e3 := txn(id, "enable", "Starz", "1", 1); e3 != e1 {
		t.Fatalf("enable after disabling all: %s, want %s", e3, e1)
	}
	distinct := map[string]bool{e1: true}
	for _, tc := range []struct{ upgrade, org, license string }{{id, "Starz", "2"}, {id, "Other", "1"}, {other, "Starz", "1"}} {
		tx := txn(tc.upgrade, "enable", tc.org, tc.license, 1)
		if distinct[tx] {
			t.Fatalf("transaction %s reused for %v", tx, tc)
		}
		distinct[tx] = true
	}
}

func TestUpgradeWebhook_quantityRules(t *testing.T) {
	_, c := newUpgSandbox(t, Options{})
	rc := newUpgReceiver(t)
	id, _ := upgCreateHooked(t, c, rc.srv.URL, "quantity", nil)
	who := map[string]any{"organization": "Starz", "license": "123456"}
	with := func(q int) map[string]any {
		m := map[string]any{"quantity": q}
		for k, v := range who {
			m[k] = v
		}
		return m
	}
	expect := func(action string, q, wantStatus int, wantMsg string) {
		t.Helper()
		before := rc.count()
		status, out, raw := upgAct(c, id, action, with(q))
		if status != wantStatus {
			t.Fatalf("%s %d: want %d, got %d %s", action, q, wantStatus, status, raw)
		}
		if wantMsg != "" {
			if msg, _ := out["error"].(string); !strings.Contains(msg, wantMsg) {
				t.Fatalf("%s %d: %q lacks %q", action, q, msg, wantMsg)
			}
			if rc.count() != before {
				t.Fatalf("%s %d: a refused action delivered a webhook", action, q)
			}
		}
	}
	expect("disable", 1, http.StatusConflict, "is not enabled")
	expect("enable", 1, http.StatusOK, "")
	expect("enable", 2, http.StatusOK, "")
	expect("disable", 3, http.StatusConflict, "active enables have quantities 1, 2")
	expect("disable", 2, http.StatusOK, "")
	expect("disable", 2, http.StatusConflict, "active enables have quantities 1")
	expect("disable", 1, http.StatusOK, "")
	expect("disable", 1, http.StatusConflict, "is not enabled")
	expect("enable", 0, http.StatusBadRequest, "quantity must be at least 1, got 0")

	once, _ := upgCreateHooked(t, c, rc.srv.URL, "once", nil)
	id = once
	expect("enable", 2, http.StatusBadRequest, "quantity must be 1 for a once upgrade, got 2")
	expect("enable", 1, http.StatusOK, "")
	expect("enable", 1, http.StatusConflict, "already enabled")
	expect("disable", 2, http.StatusBadRequest, "quantity must be 1 for a once upgrade")
	expect("disable", 1, http.StatusOK, "")
	expect("enable", 1, http.StatusOK, "")

	// Quantity defaults to 1.
	status, out, raw := upgAct(c, once, "disable", who)
	if status != http.StatusOK || out["recorded"] != true {
		t.Fatalf("disable without quantity: %d %s", status, raw)
	}
	if got, _, _ := rc.last(t); got["quantity"] != float64(1) {
		t.Fatalf("default quantity delivered as %v", got["quantity"])
	}

	for body, want := range map[string]string{
		`{"license":"1"}`:                                      "organization is required",
		`{"organization":"Starz"}`:                             "license is required",
		`{"organization":"Starz","license":true}`:              "license must be a string or a whole number",
		`{"organization":"Starz","license":"1","quantity":-2}`: "quantity must be at least 1, got -2",
		`nope`: "invalid JSON",
	} {
		status, out, raw := upgAct(c, once, "enable", body)
		if msg, _ := out["error"].(string); status != http.StatusBadRequest || !strings.Contains(msg, want) {
			t.Fatalf("enable %s: want 400 %q, got %d %s", body, want, status, raw)
		}
	}
	if status, _, raw := upgAct(c, "zzzzzzzz", "enable", with(1)); status != http.StatusNotFound {
		t.Fatalf("unknown upgrade: %d %s", status, raw)
	}
}

func TestUpgradeWebhook_receiverRefuses(t *testing.T) {
	_, c := newUpgSandbox(t, Options{})
	rc := newUpgReceiver(t)
	id, _ := upgCreateHooked(t, c, rc.srv.URL, "quantity", nil)
	who := map[string]any{"organization": "Starz", "license": "1", "quantity": 1}

	rc.set(http.StatusUnprocessableEntity, "Your plan does not allow more accounts.\n")
	status, out, raw := upgAct(c, id, "enable", who)
	if status != http.StatusOK {
		t.Fatalf("a refusal is still a delivery: %d %s", status, raw)
	}
	if out["delivered"] != true || out["status"] != float64(422) || out["recorded"] != false ||
		out["reason"] != "Your plan does not allow more accounts." {
		t.Fatalf("refusal answer: %s", raw)
	}
	// Nothing was recorded, so there is nothing to disable.
	rc.set(http.StatusOK, "")
	if status, _, raw := upgAct(c, id, "disable", who); status != http.StatusConflict {
		t.Fatalf("disable after a refused enable: want 409, got %d %s", status, raw)
	}
	// A 5xx is not recorded either.
	rc.set(http.StatusInternalServerError, "boom")
	if _, out, raw := upgAct(c, id, "enable", who); out["recorded"] != false || out["status"] != float64(500) {
		t.Fatalf("5xx: %s", raw)
	}
	rc.set(http.StatusNoContent, "")
	if _, out, raw := upgAct(c, id, "enable", who); out["recorded"] != true || out["status"] != float64(204) {
		t.Fatalf("204 counts as accepted: %s", raw)
	}
}

func TestUpgradeWebhook_unreachable(t *testing.T) {
	_, c := newUpgSandbox(t, Options{})
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	id, _ := upgCreateHooked(t, c, url, "once", nil)
	status, out, raw := upgAct(c, id, "enable", map[string]any{"organization": "Starz", "license": "1"})
	if status != http.StatusBadGateway {
		t.Fatalf("want 502, got %d %s", status, raw)
	}
	msg, _ := out["error"].(string)
	if out["delivered"] != false || out["recorded"] != false || !strings.Contains(msg, "could not be reached") || !strings.Contains(msg, url) {
		t.Fatalf("unreachable answer: %s", raw)
	}

	// A receiver that never answers runs into the delivery timeout.
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	_, c2 := newUpgSandbox(t, Options{WebhookTimeout: 50 * time.Millisecond})
	id2, _ := upgCreateHooked(t, c2, slow.URL, "once", nil)
	if status, out, raw := upgAct(c2, id2, "enable", map[string]any{"organization": "Starz", "license": "1"}); status != http.StatusBadGateway || out["delivered"] != false {
		t.Fatalf("hanging receiver: %d %s", status, raw)
	}
}

// The state lock is not held while the webhook is in flight: the receiver
// can change the upgrade through the API meanwhile.
func TestUpgradeWebhook_noLockDuringDelivery(t *testing.T) {
	_, c := newUpgSandbox(t, Options{WebhookTimeout: 10 * time.Second})
	rc := newUpgReceiver(t)
	id, _ := upgCreateHooked(t, c, rc.srv.URL, "quantity", nil)
	patched := make(chan int, 1)
	rc.during = func() {
		req, _ := http.NewRequest(http.MethodPatch, c.url+upgBase+"/"+id, strings.NewReader(`{"price":900}`))
		req.Header.Set("Authorization", c.auth)
		req.Header.Set("Content-Type", "application/json")
		hc := &http.Client{Timeout: 5 * time.Second}
		resp, err := hc.Do(req)
		if err != nil {
			patched <- 0
			return
		}
		resp.Body.Close()
		patched <- resp.StatusCode
	}
	status, out, raw := upgAct(c, id, "enable", map[string]any{"organization": "Starz", "license": "1"})
	if status != http.StatusOK || out["recorded"] != true {
		t.Fatalf("enable: %d %s", status, raw)
	}
	if got := <-patched; got != http.StatusOK {
		t.Fatalf("PATCH during delivery answered %d", got)
	}
	// The customer bought at the price in force when they acted, before the
	// change made while the webhook was in flight.
	if out["price"] != float64(1500) {
		t.Fatalf("recorded price %v, want 1500", out["price"])
	}
}

// A price change applies to new purchases only.
func TestUpgradeWebhook_pricePerEnablement(t *testing.T) {
	_, c := newUpgSandbox(t, Options{})
	rc := newUpgReceiver(t)
	id, _ := upgCreateHooked(t, c, rc.srv.URL, "quantity", map[string]any{"price": 500})
	_, first, _ := upgAct(c, id, "enable", map[string]any{"organization": "Old", "license": "1"})
	c.mustCall(http.StatusOK, "PATCH", upgBase+"/"+id, map[string]any{"price": 900})
	_, second, _ := upgAct(c, id, "enable", map[string]any{"organization": "New", "license": "2"})
	if first["price"] != float64(500) || second["price"] != float64(900) {
		t.Fatalf("recorded prices %v and %v, want 500 and 900", first["price"], second["price"])
	}
	_, state, raw := c.call("GET", "/_sandbox/state", nil)
	prices := map[string]float64{}
	ens, _ := state["upgrade_enablements"].([]any)
	for _, e := range ens {
		m := e.(map[string]any)
		prices[m["organization"].(string)] = m["price"].(float64)
	}
	if prices["Old"] != 500 || prices["New"] != 900 {
		t.Fatalf("enablements in /_sandbox/state: %s", raw)
	}

	// Deleting the upgrade ends its enablements and the control API forgets it.
	c.mustCall(http.StatusNoContent, "DELETE", upgBase+"/"+id, nil)
	_, state, _ = c.call("GET", "/_sandbox/state", nil)
	if ens, _ := state["upgrade_enablements"].([]any); len(ens) != 0 {
		t.Fatalf("enablements outlive their upgrade: %v", ens)
	}
	if status, _, raw := upgAct(c, id, "disable", map[string]any{"organization": "Old", "license": "1"}); status != http.StatusNotFound {
		t.Fatalf("disable of a deleted upgrade: %d %s", status, raw)
	}
}

// Upgrades, their secrets and enablements survive a restart with -data.
func TestUpgrades_persisted(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.jsonl")
	srv, c := newUpgSandbox(t, Options{DataFile: file})
	rc := newUpgReceiver(t)
	id, secret := upgCreateHooked(t, c, rc.srv.URL, "once", nil)
	if _, out, raw := upgAct(c, id, "enable", map[string]any{"organization": "Starz", "license": "1"}); out["recorded"] != true {
		t.Fatalf("enable: %s", raw)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	_, c2 := newUpgSandbox(t, Options{DataFile: file})
	c2.mustCall(http.StatusOK, "GET", upgBase+"/"+id, nil)
	// The enable survived: a second one is refused, the disable is accepted
	// and signed with the original secret.
	if status, _, raw := upgAct(c2, id, "enable", map[string]any{"organization": "Starz", "license": "1"}); status != http.StatusConflict {
		t.Fatalf("enable after restart: %d %s", status, raw)
	}
	if _, out, raw := upgAct(c2, id, "disable", map[string]any{"organization": "Starz", "license": "1"}); out["recorded"] != true {
		t.Fatalf("disable after restart: %s", raw)
	}
	if _, body, sig := rc.last(t); sig != SignWebhook(secret, body) {
		t.Fatal("the secret did not survive the restart")
	}
}

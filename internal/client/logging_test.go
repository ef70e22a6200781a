package client

import (
	"context"
	"encoding/base64"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestIsSecretKey(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]bool{
		"Authorization": true, "access_token": true, "refresh_token": true, "client_secret": true,
		"password": true, "webhook_secret": true, "X-Api-Key": true, "api_key": true, "apiKey": true,
		"Set-Cookie": true, "partner_password": true, "personal_access_token": true, "credentials": true,
		"name": false, "price": false, "Content-Type": false, "client_id": false, "webhook_url": false,
		"account_id": false, "status": false,
	} {
		if got := IsSecretKey(key); got != want {
			t.Errorf("IsSecretKey(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestRedactHeaders(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Set("Authorization", "Bearer top-secret")
	h.Set("X-Api-Key", "key-secret")
	h.Set("Cookie", "session=cookie-secret")
	h.Set("User-Agent", "terraform-provider-livechat/1")
	got := RedactHeaders(h)
	for _, k := range []string{"Authorization", "X-Api-Key", "Cookie"} {
		if got[k] != Redacted {
			t.Errorf("%s = %q, want it redacted", k, got[k])
		}
	}
	if got["User-Agent"] != "terraform-provider-livechat/1" {
		t.Errorf("User-Agent = %q, want it kept", got["User-Agent"])
	}
	if h.Get("Authorization") != "Bearer top-secret" {
		t.Error("RedactHeaders changed the request's own headers")
	}
}

func TestRedactBody(t *testing.T) {
	t.Parallel()
	secrets := []string{"rt-secret", "cs-secret", "pw-secret", "wh-secret", "at-secret", "nested-pw"}
	for _, tc := range []struct {
		name, contentType, body string
		keep                    []string
	}{
		{
			name: "JSON at any depth", contentType: "application/json",
			body: `{"name":"Extra seats","price":12345678901234,"refresh_token":"rt-secret","client_secret":"cs-secret",` +
				`"nested":{"deeper":[{"password":"pw-secret"},{"webhook_secret":"wh-secret","webhook_url":"https://x"}]},` +
				`"tokens":{"access":"at-secret"},"list":[{"config":{"partner_password":"nested-pw"}}]}`,
			keep: []string{"Extra seats", "12345678901234", "https://x", Redacted},
		},
		{
			name: "JSON without a content type", contentType: "",
			body: `[{"access_token":"at-secret","id":"c1"}]`,
			keep: []string{"c1"},
		},
		{
			name: "form", contentType: "application/x-www-form-urlencoded",
			body: "grant_type=refresh_token&refresh_token=rt-secret&client_id=app&client_secret=cs-secret",
			keep: []string{"grant_type=refresh_token", "client_id=app", "refresh_token=" + Redacted, "client_secret=" + Redacted},
		},
		{
			name: "malformed form", contentType: "application/x-www-form-urlencoded",
			body: "password=%zz-pw-secret",
		},
		{
			name: "plain text naming a secret", contentType: "text/plain",
			body: "your password is pw-secret",
		},
		{
			name: "plain text", contentType: "text/plain",
			body: "rate limited", keep: []string{"rate limited"},
		},
	} {
		got := RedactBody(tc.contentType, []byte(tc.body))
		for _, s := range secrets {
			if strings.Contains(got, s) {
				t.Errorf("%s: %q leaks %q", tc.name, got, s)
			}
		}
		for _, k := range tc.keep {
			if !strings.Contains(got, k) {
				t.Errorf("%s: %q lost %q", tc.name, got, k)
			}
		}
	}
	if RedactBody("application/json", nil) != "" {
		t.Error("an empty body must log as empty")
	}
}

func TestRedactURL(t *testing.T) {
	t.Parallel()
	u, _ := url.Parse("https://user:pw-secret@billing.text.com/v2/x?page=2&access_token=at-secret")
	got := RedactURL(u)
	if strings.Contains(got, "at-secret") || strings.Contains(got, "pw-secret") {
		t.Fatalf("RedactURL leaks: %s", got)
	}
	if !strings.Contains(got, "page=2") || !strings.Contains(got, "/v2/x") {
		t.Fatalf("RedactURL lost the path or a plain parameter: %s", got)
	}
	if RedactURL(nil) != "" {
		t.Error("RedactURL(nil)")
	}
}

// Every log line of real request/response cycles — a token exchange (form
// body with secrets, JSON answer with tokens), Bearer, Basic and partner
// calls, an error answer and a retry — is free of every secret.
func TestLogsCarryNoSecret(t *testing.T) {
	t.Parallel()
	const (
		accessToken  = "at-9f8e7d-secret"
		partnerToken = "pt-1a2b3c-secret"
		pat          = "pat-4d5e6f-secret"
		clientSecret = "cs-7a8b9c-secret"
		refreshToken = "rt-0d1e2f-secret"
		newAccess    = "issued-access-77-secret"
		newRefresh   = "issued-refresh-88-secret"
		webhook      = "whsec-99-secret"
		password     = "partner-pw-secret"
	)
	basic := base64.StdEncoding.EncodeToString([]byte("acc-1:" + pat))
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case r.URL.Path == "/v2/token":
			writeJSONBody(w, 200, map[string]any{"access_token": newAccess, "refresh_token": newRefresh,
				"expires_in": 28800, "token_type": "Bearer"})
		case r.URL.Path == "/v2/applications/app/in-app-upgrades" && n%2 == 0:
			w.Header().Set("Retry-After", "0")
			writeJSONBody(w, 503, map[string]any{"message": "try again"})
		case r.URL.Path == "/v2/applications/app/in-app-upgrades":
			w.Header().Set("Set-Cookie", "session="+accessToken)
			writeJSONBody(w, 201, map[string]any{"id": "up1", "webhook_secret": webhook})
		case r.URL.Path == "/v2/partners/bad":
			writeJSONBody(w, 401, map[string]any{"error": "invalid_token", "error_description": "the partner API token is invalid"})
		default:
			writeJSONBody(w, 200, map[string]any{"result": []any{}, "balance": 1})
		}
	})
	log := &captureLogger{}
	cfg := testConfig(srv.URL)
	cfg.AccessToken = accessToken
	cfg.PartnerToken = partnerToken
	cfg.PartnerPassword = password
	cfg.OAuth = &OAuthConfig{ClientID: "app-id", ClientSecret: clientSecret, RefreshToken: refreshToken}
	cfg.Logger = log
	c := newTestClient(t, cfg)
	ctx := context.Background()

	if _, err := c.GetLedgerBalance(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExchangeRefreshToken(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetLedgerBalance(ctx); err != nil { // now with the issued token
		t.Fatal(err)
	}
	if err := c.do(ctx, request{api: APIDeveloperConsole, method: "POST", path: "/v2/applications/app/in-app-upgrades",
		body: map[string]any{"name": "Extra", "webhook_secret": webhook}, retry: retryIfNotActed}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListCoupons(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.do(ctx, request{api: APIPartners, method: "DELETE", path: "/v2/partners/bad",
		body: map[string]any{"password": password, "expire": false}}); !IsUnauthorized(err) {
		t.Fatalf("want 401, got %v", err)
	}
	patCfg := testConfig(srv.URL)
	patCfg.AccessToken, patCfg.PersonalAccessToken, patCfg.AccountID, patCfg.Logger = "", pat, "acc-1", log
	if _, err := newTestClient(t, patCfg).GetLedgerBalance(ctx); err != nil {
		t.Fatal(err)
	}

	text := log.text()
	for _, secret := range []string{accessToken, partnerToken, pat, basic, clientSecret, refreshToken, newAccess, newRefresh, webhook, password} {
		if strings.Contains(text, secret) {
			t.Errorf("a log line contains the secret %q", secret)
		}
	}
	// The logs are there, with detail, so the test above means something.
	for _, want := range []string{"/v2/token", "grant_type=refresh_token", "client_id=app-id", `"expires_in":28800`,
		"Extra", "the partner API token is invalid", "retrying LiveChat API request", Redacted, "Authorization"} {
		if !strings.Contains(text, want) {
			t.Errorf("the logs do not contain %q:\n%s", want, text)
		}
	}
}

// Every header that names a secret is masked whole, however many values it
// has; URL-valued headers keep their URL without user info and secret
// query parameters.
func TestRedactHeaders_shapes(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Add("Proxy-Authorization", "Basic proxy-secret")
	h.Add("X-Api-Key", "key-secret-1")
	h.Add("X-Api-Key", "key-secret-2")
	h.Add("Set-Cookie", "a=cookie-secret-1")
	h.Add("Set-Cookie", "b=cookie-secret-2")
	h.Set("Location", "https://user:loc-pw-secret@billing.text.com/v2/x?access_token=loc-secret&page=2")
	h.Set("Content-Location", "/v2/x?signature=cl-secret&id=7")
	h.Set("Link", `<https://api/x?page=2&token=link-secret>; rel="next", <https://api/x?page=9>; rel="last"`)
	h.Set("Refresh", "0; url=https://api/x?refresh_token=refresh-secret&y=1")
	got := RedactHeaders(h)
	text := strings.Join(slices.Collect(maps.Values(got)), "\n")
	for _, leak := range []string{"proxy-secret", "key-secret-1", "key-secret-2", "cookie-secret-1", "cookie-secret-2",
		"loc-pw-secret", "user:", "loc-secret", "cl-secret", "link-secret", "refresh-secret"} {
		if strings.Contains(text, leak) {
			t.Errorf("the headers leak %q:\n%s", leak, text)
		}
	}
	for k, want := range map[string]string{
		"Proxy-Authorization": Redacted,
		"X-Api-Key":           Redacted,
		"Set-Cookie":          Redacted,
		"Location":            "https://billing.text.com/v2/x?access_token=" + Redacted + "&page=2",
		"Content-Location":    "/v2/x?id=7&signature=" + Redacted,
		"Link":                `<https://api/x?page=2&token=` + Redacted + `>; rel="next", <https://api/x?page=9>; rel="last"`,
		"Refresh":             "0; url=https://api/x?refresh_token=" + Redacted + "&y=1",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
}

// Secrets hidden in JSON shapes that a key-by-key pass misses.
func TestRedactBody_shapes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		leak       []string
		keep       []string
	}{
		{
			name: "a string holding JSON", body: `{"payload":"{\"refresh_token\":\"rt-in-string\",\"user\":\"ann\"}"}`,
			leak: []string{"rt-in-string"}, keep: []string{"payload", "ann"},
		},
		{
			name: "JSON in a string in a string", body: `{"a":"[{\"b\":\"{\\\"password\\\":\\\"deep-pw\\\"}\"}]"}`,
			leak: []string{"deep-pw"},
		},
		{
			name: "a string holding a form", body: `{"raw":"grant_type=refresh_token&refresh_token=rt-form&client_id=app"}`,
			leak: []string{"rt-form"}, keep: []string{"grant_type=refresh_token", "client_id=app"},
		},
		{
			name: "a malformed form naming a secret", body: `{"raw":"token=%zz-form-secret"}`,
			leak: []string{"form-secret"},
		},
		{
			name: "a form-looking string without a secret", body: `{"note":"price=5 and size=2"}`,
			keep: []string{"price=5 and size=2"},
		},
		{
			name: "a string holding a URL", body: `{"next":"https://u:url-pw@api.example/x?access_token=url-tok&page=3"}`,
			leak: []string{"url-pw", "url-tok"}, keep: []string{"https://api.example/x", "page=3"},
		},
		{
			name: "name/value pairs", body: `{"fields":[{"name":"refresh_token","value":"rt-pair"},{"name":"plan","value":"pro"}]}`,
			leak: []string{"rt-pair"}, keep: []string{"refresh_token", "pro"},
		},
		{
			name: "key/val and field/value pairs", body: `[{"key":"Password","val":"pw-pair"},{"Field":"api_key","Value":"key-pair"},` +
				`{"key":"X-Api-Key","values":["v1-pair","v2-pair"]}]`,
			leak: []string{"pw-pair", "key-pair", "v1-pair", "v2-pair"}, keep: []string{"Password", "api_key"},
		},
	} {
		got := RedactBody("application/json", []byte(tc.body))
		for _, s := range tc.leak {
			if strings.Contains(got, s) {
				t.Errorf("%s: %s leaks %q", tc.name, got, s)
			}
		}
		for _, s := range tc.keep {
			if !strings.Contains(got, s) {
				t.Errorf("%s: %s lost %q", tc.name, got, s)
			}
		}
	}
}

// fieldLogger records every field value of every log line.
type fieldLogger struct {
	mu     sync.Mutex
	fields []string
}

func (l *fieldLogger) record(msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fields = append(l.fields, msg)
	for k, v := range fields {
		l.fields = append(l.fields, fmt.Sprintf("%s=%v", k, v))
	}
}

func (l *fieldLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.record(msg, fields)
}
func (l *fieldLogger) Trace(_ context.Context, msg string, fields map[string]any) {
	l.record(msg, fields)
}

// A server that echoes the client's secrets where no field name marks them
// (an error message, a custom header, a JSON string, a URL path) still
// leaves no configured secret, nor a token set later, in any logged field.
func TestLogs_knownSecretValuesMasked(t *testing.T) {
	t.Parallel()
	const (
		access    = "cfg-access-31a7"
		partner   = "cfg-partner-52b8"
		password  = "cfg-partner-pw-63c9"
		secret    = "cfg-client-secret-74d0"
		refresh   = "cfg-refresh-85e1"
		setLater  = "later-access-96f2"
		pat       = "cfg-pat-07a3"
		accountID = "acc-echo"
	)
	all := []string{access, partner, password, secret, refresh, setLater, pat, basicCredential(accountID, pat)}
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		// The token set later is echoed from the request, once the client uses it.
		echo := strings.Join(append([]string{strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")},
			access, partner, password, secret, refresh), " ")
		w.Header().Set("X-Debug-Echo", echo)
		w.Header().Set("Location", "/v2/"+refresh+"/next")
		writeJSONBody(w, 400, map[string]any{"error": "bad_request", "message": "rejected " + echo, "detail": r.Header.Get("Authorization")})
	})
	log := &fieldLogger{}
	cfg := testConfig(srv.URL)
	cfg.AccessToken, cfg.PartnerToken, cfg.PartnerPassword = access, partner, password
	cfg.PersonalAccessToken, cfg.AccountID = pat, accountID
	cfg.OAuth = &OAuthConfig{ClientID: "app", ClientSecret: secret, RefreshToken: refresh}
	cfg.Logger = log
	c := newTestClient(t, cfg)
	ctx := context.Background()
	_, _ = c.GetLedgerBalance(ctx)
	c.SetAccessToken(setLater)
	_, _ = c.GetLedgerBalance(ctx)
	_ = c.do(ctx, request{api: APIPartners, method: "POST", path: "/v2/partners/" + password,
		body: map[string]any{"note": "echo " + refresh}})

	srv.mu.Lock()
	second := srv.seen[1]
	srv.mu.Unlock()
	if got := second.Header.Get("Authorization"); got != "Bearer "+setLater {
		t.Fatalf("the second call did not use the token set later: %q", got)
	}
	if len(log.fields) < 12 {
		t.Fatalf("too few log fields to mean anything: %v", log.fields)
	}
	for _, f := range log.fields {
		for _, s := range all {
			if strings.Contains(f, s) {
				t.Errorf("a logged field contains the secret %q: %s", s, f)
			}
		}
	}
	if !slices.ContainsFunc(log.fields, func(f string) bool { return strings.Contains(f, "rejected "+Redacted) }) {
		t.Errorf("the echoed message is not logged masked: %v", log.fields)
	}
}

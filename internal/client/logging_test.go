package client

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
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

package client

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestNew_defaultsAndValidation(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, Config{Endpoints: Endpoints{Billing: "http://127.0.0.1:1"}})
	if got := c.endpoints[APIBilling].String(); got != "http://127.0.0.1:1" {
		t.Errorf("billing endpoint = %q", got)
	}
	if got := c.endpoints[APIPartners].String(); got != DefaultPartnersURL {
		t.Errorf("an unset endpoint must take its default, got %q", got)
	}
	if c.cfg.RequestTimeout != DefaultRequestTimeout {
		t.Errorf("request timeout default = %s", c.cfg.RequestTimeout)
	}
	if c.limiter != nil {
		t.Error("no rate limit was asked for, yet a limiter exists")
	}

	for name, cfg := range map[string]Config{
		"negative retries":      {MaxRetries: -1},
		"negative rate":         {RequestsPerSecond: -1},
		"plain http, not local": {Endpoints: Endpoints{Partners: "http://example.com"}},
		"not a url":             {Endpoints: Endpoints{Billing: "not a url"}},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted %+v", name, cfg)
		}
	}
}

func TestValidateEndpoint(t *testing.T) {
	t.Parallel()
	for raw, wantErr := range map[string]string{
		"https://billing.text.com":   "",
		"https://proxy.example/lc/":  "",
		"http://127.0.0.1:8787":      "",
		"http://localhost:8787":      "",
		"http://[::1]:8787":          "",
		"http://example.com":         "plain http",
		"http://10.0.0.1":            "plain http",
		"not a url":                  "absolute http(s) URL",
		"ftp://billing.text.com":     "absolute http(s) URL",
		"billing.text.com":           "absolute http(s) URL",
		"https://:8443":              "absolute http(s) URL",
		"https://billing.text.com?a": "query or fragment",
		"https://billing.text.com#x": "query or fragment",
		"https://bad host.com":       "not a valid URL",
		"https://billing.text.com:0": "port must be a number from 1 to 65535",
		"https://api.text.com:65536": "port must be a number from 1 to 65535",
		"https://api.text.com:65535": "",
	} {
		u, err := ValidateEndpoint(raw)
		switch {
		case wantErr == "" && err != nil:
			t.Errorf("ValidateEndpoint(%q): unexpected error %v", raw, err)
		case wantErr != "" && err == nil:
			t.Errorf("ValidateEndpoint(%q) = %v, want an error containing %q", raw, u, wantErr)
		case wantErr != "" && !strings.Contains(err.Error(), wantErr):
			t.Errorf("ValidateEndpoint(%q) error %q does not contain %q", raw, err, wantErr)
		}
	}
	u, _ := ValidateEndpoint("https://proxy.example/lc/")
	if u.Path != "/lc" {
		t.Errorf("a trailing slash must be trimmed, path = %q", u.Path)
	}
	if u, err := ValidateEndpoint("https://proxy.example/a@b"); err != nil || u.Path != "/a@b" {
		t.Errorf("an @ in the path is not user info: %v, %v", u, err)
	}
}

// An endpoint with user info is refused, and no message shows it: not the
// user info message, nor the "not a valid URL" or "absolute URL" ones for
// malformed URLs that carry some.
func TestValidateEndpoint_userinfo(t *testing.T) {
	t.Parallel()
	for raw, shown := range map[string]string{
		"https://ci-user:pw-7x9-secret@billing.example.com":       `"https://billing.example.com"`,
		"https://ci-user@billing.example.com/lc":                  `"https://billing.example.com/lc"`,
		"http://ci-user:pw-7x9-secret@127.0.0.1:8787":             `"http://127.0.0.1:8787"`,
		"https://ci-user:pw-7x9-secret@bad host.com":              `"https://bad host.com"`,
		"https://ci-user:pw-7x9-secret@billing.example.com/a@b?q": `"https://billing.example.com/a@b?q"`,
		"ci-user:pw-7x9-secret@billing.example.com":               `"billing.example.com"`,
		"https:/ci-user:pw-7x9-secret@billing.example.com":        `"https:/billing.example.com"`,
		"1https://ci-user:pw-7x9-secret@billing.example.com":      `"1https://billing.example.com"`,
	} {
		_, err := ValidateEndpoint(raw)
		if err == nil {
			t.Errorf("ValidateEndpoint(%q) accepted user info", raw)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, "pw-7x9-secret") || strings.Contains(msg, "ci-user") {
			t.Errorf("ValidateEndpoint(%q) shows the user info: %s", raw, msg)
		}
		if !strings.Contains(msg, shown) || !strings.Contains(msg, "no user info is allowed") {
			t.Errorf("ValidateEndpoint(%q) = %q, want it to show %s and say no user info is allowed", raw, msg, shown)
		}
	}
	_, err := New(Config{Endpoints: Endpoints{Accounts: "https://u:pw-7x9-secret@accounts.example.com"}})
	if err == nil || strings.Contains(err.Error(), "pw-7x9-secret") || !strings.Contains(err.Error(), "Accounts endpoint") {
		t.Errorf("New with user info in an endpoint: %v", err)
	}
}

func TestValidateEndpoint_parseErrorShownOnce(t *testing.T) {
	t.Parallel()
	_, err := ValidateEndpoint("https://bad host.com")
	if err == nil || strings.Count(err.Error(), "bad host.com") != 1 {
		t.Fatalf("the URL must be shown once, got %v", err)
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSONBody(w, 200, map[string]any{"balance": 1})
	})
	for _, tc := range []struct {
		cfg  func(*Config)
		want string
	}{
		{func(*Config) {}, "terraform-provider-livechat/1.2.3"},
		{func(c *Config) { c.Version = "" }, "terraform-provider-livechat/dev"},
		{func(c *Config) { c.UserAgent = "custom/9" }, "custom/9"},
	} {
		cfg := testConfig(srv.URL)
		tc.cfg(&cfg)
		c := newTestClient(t, cfg)
		if _, err := c.GetLedgerBalance(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := srv.last(t).Header.Get("User-Agent"); got != tc.want {
			t.Errorf("User-Agent = %q, want %q", got, tc.want)
		}
	}
}

func TestAuthorizationPerAPI(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		switch r.URL.Path {
		case "/v2/token":
			writeJSONBody(w, 200, map[string]any{"access_token": "exchanged-access", "refresh_token": "rt"})
		default:
			writeJSONBody(w, 200, map[string]any{"result": []any{}, "balance": 5})
		}
	})
	ctx := context.Background()
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("acc-1:pat-secret"))

	type call struct {
		name string
		do   func(*Client) error
		want string
	}
	billing := func(c *Client) error { _, err := c.GetLedgerBalance(ctx); return err }
	devConsole := func(c *Client) error {
		return c.do(ctx, request{api: APIDeveloperConsole, method: "GET", path: "/v2/applications/app/in-app-upgrades"})
	}
	partners := func(c *Client) error { _, err := c.ListCoupons(ctx); return err }
	exchange := func(c *Client) error {
		_, err := c.RefreshAccessToken(ctx, OAuthConfig{ClientID: "id", ClientSecret: "cs", RefreshToken: "rt"})
		return err
	}
	info := func(c *Client) error { _, err := c.GetTokenInfo(ctx); return err }

	for _, tc := range []struct {
		name  string
		cfg   func(*Config)
		calls []call
	}{
		{"access token", func(*Config) {}, []call{
			{"billing", billing, "Bearer test-access-token"},
			{"developer console", devConsole, "Bearer test-access-token"},
			{"partners", partners, "Bearer test-partner-token"},
			{"accounts token exchange", exchange, ""},
			{"accounts token info", info, "Bearer test-access-token"},
		}},
		{"personal access token", func(c *Config) {
			c.AccessToken = ""
			c.PersonalAccessToken, c.AccountID = "pat-secret", "acc-1"
		}, []call{
			{"billing", billing, basic},
			{"developer console", devConsole, basic},
			{"partners", partners, "Bearer test-partner-token"},
		}},
		{"access token wins over PAT", func(c *Config) {
			c.PersonalAccessToken, c.AccountID = "pat-secret", "acc-1"
		}, []call{{"billing", billing, "Bearer test-access-token"}}},
	} {
		cfg := testConfig(srv.URL)
		tc.cfg(&cfg)
		c := newTestClient(t, cfg)
		for _, cl := range tc.calls {
			if err := cl.do(c); err != nil {
				t.Fatalf("%s/%s: %v", tc.name, cl.name, err)
			}
			req := srv.last(t)
			if got := req.Header.Get("Authorization"); got != cl.want {
				t.Errorf("%s/%s: Authorization = %q, want %q", tc.name, cl.name, got, cl.want)
			}
		}
	}
	// The exchange sent the client credentials in the form body.
	cfg := testConfig(srv.URL)
	c := newTestClient(t, cfg)
	if err := exchange(c); err != nil {
		t.Fatal(err)
	}
	req := srv.last(t)
	form, _ := url.ParseQuery(req.Body)
	if req.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || form.Get("grant_type") != "refresh_token" ||
		form.Get("client_secret") != "cs" || form.Get("refresh_token") != "rt" || form.Get("client_id") != "id" {
		t.Errorf("token exchange sent %s %q", req.Header.Get("Content-Type"), req.Body)
	}
}

func TestExchangeRefreshTokenSwitchesAccessToken(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path == "/v2/token" {
			writeJSONBody(w, 200, map[string]any{"access_token": "fresh-access", "refresh_token": "rotated", "expires_in": 28800})
			return
		}
		writeJSONBody(w, 200, map[string]any{"balance": 7})
	})
	cfg := testConfig(srv.URL)
	cfg.AccessToken = ""
	cfg.OAuth = &OAuthConfig{ClientID: "id", ClientSecret: "cs", RefreshToken: "rt"}
	c := newTestClient(t, cfg)
	tok, err := c.ExchangeRefreshToken(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken != "rotated" || tok.ExpiresIn != 28800 {
		t.Errorf("token = %+v", tok)
	}
	if _, err := c.GetLedgerBalance(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := srv.last(t).Header.Get("Authorization"); got != "Bearer fresh-access" {
		t.Errorf("after the exchange Authorization = %q", got)
	}

	noOAuth := newTestClient(t, testConfig(srv.URL))
	if _, err := noOAuth.ExchangeRefreshToken(context.Background()); !IsMissingCredentials(err) {
		t.Errorf("exchange without oauth: want MissingCredentialsError, got %v", err)
	}
}

func TestMissingCredentialsSendsNothing(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSONBody(w, 200, map[string]any{})
	})
	cfg := testConfig(srv.URL)
	cfg.AccessToken, cfg.PartnerToken = "", ""
	cfg.PersonalAccessToken = "pat-without-account" // incomplete: no AccountID
	c := newTestClient(t, cfg)
	ctx := context.Background()

	_, err := c.GetLedgerBalance(ctx)
	var missing *MissingCredentialsError
	if !errors.As(err, &missing) || missing.API != APIBilling {
		t.Fatalf("billing without credentials: want MissingCredentialsError for Billing, got %v", err)
	}
	for _, want := range []string{"LIVECHAT_ACCESS_TOKEN", "oauth", "LIVECHAT_PAT", "LIVECHAT_ACCOUNT_ID"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("billing hint %q does not mention %s", err, want)
		}
	}
	_, err = c.ListCoupons(ctx)
	if !errors.As(err, &missing) || missing.API != APIPartners || !strings.Contains(err.Error(), "LIVECHAT_PARTNER_TOKEN") {
		t.Fatalf("partners without token: got %v", err)
	}
	err = c.do(ctx, request{api: APIDeveloperConsole, method: "POST", path: "/v2/applications/a/in-app-upgrades", body: map[string]any{}})
	if !IsMissingCredentials(err) {
		t.Fatalf("developer console without credentials: got %v", err)
	}
	if n := srv.count(); n != 0 {
		t.Fatalf("the server saw %d requests; missing credentials must fail before sending", n)
	}
}

func TestRequestEncodingAndDecoding(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		switch r.URL.Path {
		case "/json":
			writeJSONBody(w, 201, map[string]any{"id": "x1", "price": 1900})
		case "/empty":
			w.WriteHeader(http.StatusNoContent)
		case "/garbage":
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte("not json"))
		}
	})
	ctx := context.Background()

	var out struct {
		ID    string `json:"id"`
		Price int64  `json:"price"`
	}
	// A base URL with a path keeps it in front of every request path.
	withBase := newTestClient(t, testConfig(srv.URL+"/base/"))
	_ = withBase.do(ctx, request{api: APIBilling, method: "GET", path: "/empty"})
	if got := srv.last(t).Path; got != "/base/empty" {
		t.Errorf("base path: server saw %q, want /base/empty", got)
	}
	c := newTestClient(t, testConfig(srv.URL))
	if err := c.do(ctx, request{api: APIBilling, method: "POST", path: "/json", query: url.Values{"product": {"livechat"}},
		body: map[string]any{"name": "sub", "price": 1900}, retry: retryIfNotActed, out: &out}); err != nil {
		t.Fatal(err)
	}
	req := srv.last(t)
	if out.ID != "x1" || out.Price != 1900 {
		t.Errorf("decoded %+v", out)
	}
	if req.Header.Get("Content-Type") != "application/json" || req.Body != `{"name":"sub","price":1900}` || req.Query != "product=livechat" {
		t.Errorf("sent %s %q ?%s", req.Header.Get("Content-Type"), req.Body, req.Query)
	}
	if req.Header.Get("Accept") != "application/json" {
		t.Errorf("Accept = %q", req.Header.Get("Accept"))
	}
	if err := c.do(ctx, request{api: APIPartners, method: "PUT", path: "/empty", out: &out}); err != nil {
		t.Errorf("204 with no body: %v", err)
	}
	err := c.do(ctx, request{api: APIBilling, method: "GET", path: "/garbage", out: &out})
	if err == nil || !strings.Contains(err.Error(), "decoding response (HTTP 200)") {
		t.Errorf("garbage body: got %v", err)
	}
}

func TestRateLimiter(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSONBody(w, 200, map[string]any{"balance": 1})
	})
	cfg := testConfig(srv.URL)
	cfg.RequestsPerSecond = 20
	c := newTestClient(t, cfg)
	start := time.Now()
	for i := 0; i < 10; i++ {
		if _, err := c.GetLedgerBalance(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// Ten requests at 20 per second are spaced 50ms apart: at least 450ms
	// from the first to the last. Only the lower bound is asserted.
	if elapsed := time.Since(start); elapsed < 400*time.Millisecond {
		t.Fatalf("10 requests at requests_per_second=20 took %s; the limiter does not limit", elapsed)
	}
	if srv.count() != 10 {
		t.Fatalf("server saw %d requests, want 10", srv.count())
	}
}

func TestRateLimiterWaitPastDeadline(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSONBody(w, 200, map[string]any{"balance": 1})
	})
	cfg := testConfig(srv.URL)
	cfg.RequestsPerSecond = 0.5 // one request every two seconds
	cfg.RequestTimeout = 200 * time.Millisecond
	c := newTestClient(t, cfg)
	if _, err := c.GetLedgerBalance(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetLedgerBalance(context.Background())
	if err == nil || !strings.Contains(err.Error(), "rate limit") {
		t.Fatalf("a limiter wait past the timeout: want a rate limit error, got %v", err)
	}
	if srv.count() != 1 {
		t.Fatalf("server saw %d requests, want 1", srv.count())
	}
}

// A URL the platform is given names a host it can reach as written: a port
// from 1 to 65535 and an ASCII host, with the xn-- form of an international
// one suggested.
func TestHostProblem(t *testing.T) {
	for raw, want := range map[string]string{
		"https://example.com/done":           "",
		"https://example.com:443/done":       "",
		"https://xn--bcher-kva.example/done": "",
		"https://[::1]:8080/hook":            "",
		"https://example.com:0/done":         "its port must be a number from 1 to 65535, not 0",
		"https://example.com:99999/done":     "its port must be a number from 1 to 65535, not 99999",
		"https://bücher.example/done":        "its host must be ASCII: write an international domain name in its xn-- (punycode) form, xn--bcher-kva.example",
	} {
		u, ok := ParseAbsoluteHTTPURL(raw)
		if !ok {
			t.Fatalf("%s does not parse", raw)
		}
		if got := HostProblem(u); got != want {
			t.Errorf("HostProblem(%s) = %q, want %q", raw, got, want)
		}
	}
}

package provider

import (
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

func nullModel() providerModel {
	return providerModel{
		AccessToken:         types.StringNull(),
		PersonalAccessToken: types.StringNull(),
		AccountID:           types.StringNull(),
		PartnerToken:        types.StringNull(),
		PartnerPassword:     types.StringNull(),
		Product:             types.StringNull(),
		MaxRetries:          wholeNumber{Int64Value: types.Int64Null()},
		RequestTimeout:      timetypes.NewGoDurationNull(),
		RequestsPerSecond:   types.NumberNull(),
	}
}

func TestBuildClientConfig_defaults(t *testing.T) {
	clearEnv(t)
	got, oauth, diags := buildClientConfig(nullModel(), "9.9.9")
	if diags.HasError() {
		t.Fatal(diags)
	}
	if oauth != nil || got.AccessToken != "" || got.PersonalAccessToken != "" || got.PartnerToken != "" {
		t.Errorf("credentials out of nothing: %+v", got.Config)
	}
	if got.Endpoints != client.DefaultEndpoints() || got.product != client.ProductLiveChat ||
		got.MaxRetries != client.DefaultMaxRetries || got.RequestTimeout != client.DefaultRequestTimeout || got.Version != "9.9.9" {
		t.Errorf("defaults: %+v product %q", got.Config, got.product)
	}
}

func TestBuildClientConfig_environmentFallbacks(t *testing.T) {
	clearEnv(t)
	t.Setenv(EnvAccessToken, "env-at")
	t.Setenv(EnvPartnerToken, "env-pt")
	t.Setenv(EnvPartnerPassword, "env-pw")
	t.Setenv(EnvProduct, "helpdesk")
	t.Setenv(EnvAPIURL, "http://127.0.0.1:8787")
	m := nullModel()
	m.Endpoints = &endpointsModel{Billing: types.StringValue("https://proxy.example/billing"),
		Partners: types.StringNull(), Accounts: types.StringValue(""), DeveloperConsole: types.StringNull()}
	m.MaxRetries = countValue(0)
	m.RequestTimeout = timetypes.NewGoDurationValueFromStringMust("90s")
	m.RequestsPerSecond = types.NumberValue(big.NewFloat(2.5))
	got, _, diags := buildClientConfig(m, "")
	if diags.HasError() {
		t.Fatal(diags)
	}
	if got.AccessToken != "env-at" || got.PartnerToken != "env-pt" || got.PartnerPassword != "env-pw" || got.product != "helpdesk" {
		t.Errorf("environment fallbacks: %+v product %q", got.Config, got.product)
	}
	want := client.Endpoints{Billing: "https://proxy.example/billing", Partners: "http://127.0.0.1:8787",
		Accounts: "http://127.0.0.1:8787", DeveloperConsole: "http://127.0.0.1:8787"}
	if got.Endpoints != want {
		t.Errorf("endpoints = %+v, want %+v", got.Endpoints, want)
	}
	if got.MaxRetries != 0 || got.RequestTimeout != 90*time.Second || got.RequestsPerSecond != 2.5 {
		t.Errorf("knobs: %+v", got.Config)
	}
}

func TestBuildClientConfig_authModes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		model   func(*providerModel)
		check   func(t *testing.T, got clientConfig, oauth *client.OAuthConfig)
		wantErr string
	}{
		{
			name:  "configured access token wins over an environment refresh token",
			env:   map[string]string{EnvRefreshToken: "env-rt", EnvClientID: "id", EnvClientSecret: "cs"},
			model: func(m *providerModel) { m.AccessToken = types.StringValue("cfg-at") },
			check: func(t *testing.T, got clientConfig, oauth *client.OAuthConfig) {
				if got.AccessToken != "cfg-at" || oauth != nil {
					t.Errorf("got %+v oauth %+v", got.Config, oauth)
				}
			},
		},
		{
			name:  "an empty access_token falls back to the environment",
			env:   map[string]string{EnvPAT: "env-pat", EnvAccountID: "env-acc"},
			model: func(m *providerModel) { m.AccessToken = types.StringValue("") },
			check: func(t *testing.T, got clientConfig, _ *client.OAuthConfig) {
				if got.PersonalAccessToken != "env-pat" || got.AccountID != "env-acc" || got.AccessToken != "" {
					t.Errorf("got %+v", got.Config)
				}
			},
		},
		{
			name: "oauth block attributes fall back one by one",
			env:  map[string]string{EnvClientSecret: "env-cs", EnvRefreshToken: "env-rt"},
			model: func(m *providerModel) {
				m.OAuth = &oauthModel{ClientID: types.StringValue("cfg-id"), ClientSecret: types.StringNull(), RefreshToken: types.StringNull()}
			},
			check: func(t *testing.T, got clientConfig, oauth *client.OAuthConfig) {
				want := client.OAuthConfig{ClientID: "cfg-id", ClientSecret: "env-cs", RefreshToken: "env-rt"}
				if oauth == nil || *oauth != want || got.OAuth == nil || *got.OAuth != want {
					t.Errorf("oauth = %+v", oauth)
				}
			},
		},
		{
			name: "oauth from the environment",
			env:  map[string]string{EnvClientID: "id", EnvClientSecret: "cs", EnvRefreshToken: "rt"},
			check: func(t *testing.T, _ clientConfig, oauth *client.OAuthConfig) {
				if oauth == nil || oauth.RefreshToken != "rt" {
					t.Errorf("oauth = %+v", oauth)
				}
			},
		},
		{
			name:    "oauth from the environment without a client secret",
			env:     map[string]string{EnvClientID: "id", EnvRefreshToken: "rt"},
			wantErr: "oauth.client_secret is not set. Set it in the oauth block or through LIVECHAT_CLIENT_SECRET",
		},
		{
			name:  "PAT configured, account from the environment",
			env:   map[string]string{EnvAccountID: "env-acc"},
			model: func(m *providerModel) { m.PersonalAccessToken = types.StringValue("cfg-pat") },
			check: func(t *testing.T, got clientConfig, _ *client.OAuthConfig) {
				if got.PersonalAccessToken != "cfg-pat" || got.AccountID != "env-acc" {
					t.Errorf("got %+v", got.Config)
				}
			},
		},
		{
			name:  "PAT from the environment, account configured",
			env:   map[string]string{EnvPAT: "env-pat", EnvAccountID: "env-acc"},
			model: func(m *providerModel) { m.AccountID = types.StringValue("cfg-acc") },
			check: func(t *testing.T, got clientConfig, _ *client.OAuthConfig) {
				if got.PersonalAccessToken != "env-pat" || got.AccountID != "cfg-acc" {
					t.Errorf("got %+v", got.Config)
				}
			},
		},
		{
			name:    "PAT without any account",
			env:     map[string]string{EnvPAT: "env-pat"},
			wantErr: "set account_id or LIVECHAT_ACCOUNT_ID",
		},
		{
			name:    "two modes in the environment",
			env:     map[string]string{EnvAccessToken: "at", EnvRefreshToken: "rt"},
			wantErr: "More than one of LIVECHAT_ACCESS_TOKEN, LIVECHAT_REFRESH_TOKEN and LIVECHAT_PAT",
		},
		{
			name:    "bad LIVECHAT_API_URL",
			env:     map[string]string{EnvAPIURL: "http://example.com"},
			wantErr: "LIVECHAT_API_URL: \"http://example.com\" uses plain http",
		},
		{
			name:    "bad LIVECHAT_PRODUCT",
			env:     map[string]string{EnvProduct: "chatbot"},
			wantErr: `product (or LIVECHAT_PRODUCT) must be one of livechat, helpdesk; got "chatbot"`,
		},
		{
			name:    "request_timeout out of range (validators skipped)",
			model:   func(m *providerModel) { m.RequestTimeout = timetypes.NewGoDurationValueFromStringMust("-1s") },
			wantErr: `request_timeout must be a Go duration such as 30s or 2m, more than 0s and at most 1h; got "-1s"`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			m := nullModel()
			if tc.model != nil {
				tc.model(&m)
			}
			got, oauth, diags := buildClientConfig(m, "test")
			if tc.wantErr != "" {
				found := false
				for _, d := range diags.Errors() {
					if strings.Contains(d.Detail(), tc.wantErr) {
						found = true
					}
				}
				if !found {
					t.Fatalf("want an error containing %q, got %v", tc.wantErr, diags)
				}
				return
			}
			if diags.HasError() {
				t.Fatal(diags)
			}
			tc.check(t, got, oauth)
		})
	}
}

func TestUnknownProviderAttributes(t *testing.T) {
	t.Parallel()
	m := nullModel()
	if got := unknownProviderAttributes(m); len(got) != 0 {
		t.Fatalf("null attributes reported unknown: %v", got)
	}
	m.AccessToken = types.StringUnknown()
	m.OAuth = &oauthModel{ClientID: types.StringNull(), ClientSecret: types.StringNull(), RefreshToken: types.StringUnknown()}
	m.Endpoints = &endpointsModel{Billing: types.StringUnknown(), Partners: types.StringNull(), Accounts: types.StringNull(), DeveloperConsole: types.StringNull()}
	got := strings.Join(unknownProviderAttributes(m), ",")
	if got != "access_token,oauth.refresh_token,endpoints.billing" {
		t.Fatalf("unknown attributes = %s", got)
	}
}

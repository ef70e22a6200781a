package client

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestSecretSetMask(t *testing.T) {
	t.Parallel()
	var s SecretSet
	for _, v := range []string{"", "short", "token-abc", "token-abcdef", "token-abc"} {
		s.Add(v)
	}
	got := s.Mask("a short token-abcdef and token-abc, twice token-abc")
	want := "a short [REDACTED] and [REDACTED], twice [REDACTED]"
	if got != want {
		t.Errorf("Mask = %q, want %q (values under six characters stay, the longer secret is masked whole)", got, want)
	}
	var nilSet *SecretSet
	nilSet.Add("ignored-value")
	if nilSet.Mask("text") != "text" {
		t.Error("a nil set must leave text alone")
	}
}

func TestSecretSetConcurrent(t *testing.T) {
	t.Parallel()
	var s SecretSet
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			s.Add(strings.Repeat("x", 6+i))
			_ = s.Mask("xxxxxxxxxxxxxxxx")
		})
	}
	wg.Wait()
	if got := s.Mask("xxxxxxxxxxxxx"); got != Redacted {
		t.Errorf("Mask = %q, want the longest match masked whole", got)
	}
}

// The client's set holds every credential of its configuration and every
// access and refresh token it was given or exchanged since.
func TestClientSecrets(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSONBody(w, 200, map[string]any{"access_token": "exchanged-access", "refresh_token": "rotated-refresh"})
	})
	cfg := testConfig(srv.URL)
	cfg.PersonalAccessToken, cfg.AccountID = "personal-token", "account-1"
	cfg.PartnerPassword = "partner-password"
	cfg.OAuth = &OAuthConfig{ClientID: "client-id", ClientSecret: "client-secret", RefreshToken: "refresh-token"}
	c := newTestClient(t, cfg)
	c.SetAccessToken("replaced-access")
	if _, err := c.RefreshAccessToken(context.Background(), OAuthConfig{ClientID: "other-id",
		ClientSecret: "other-client-secret", RefreshToken: "other-refresh"}); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"test-access-token", "personal-token", "test-partner-token", "partner-password",
		"client-secret", "refresh-token", "replaced-access", "other-client-secret", "other-refresh",
		"exchanged-access", "rotated-refresh"} {
		if got := c.Secrets().Mask("x " + v + " x"); got != "x [REDACTED] x" {
			t.Errorf("%s is not masked: %q", v, got)
		}
	}
	if got := c.Secrets().Mask("client-id account-1"); got != "client-id account-1" {
		t.Errorf("identifiers are masked: %q", got)
	}
}

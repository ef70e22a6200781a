package client

import (
	"context"
	"testing"
	"time"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// oauthSandboxClient is a client with only the OAuth block, pointed at a
// sandbox started with opts.
func oauthSandboxClient(t *testing.T, url, refreshToken string) *Client {
	t.Helper()
	return newTestClient(t, Config{
		Endpoints:    endpointsAt(url),
		OAuth:        &OAuthConfig{ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret, RefreshToken: refreshToken},
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
	})
}

// With a platform that rotates refresh tokens, the exchange returns a new
// one, the old one is revoked (invalid_grant) and the new one works.
func TestExchangeRefreshTokenRotatedAgainstSandbox(t *testing.T) {
	t.Parallel()
	_, url := startSandbox(t, sandbox.Options{RotateRefreshTokens: true}, nil)
	ctx := context.Background()

	c := oauthSandboxClient(t, url, sandbox.DefaultRefreshToken)
	tok, err := c.ExchangeRefreshToken(ctx)
	if err != nil {
		t.Fatalf("first exchange: %v", err)
	}
	if tok.RefreshToken == "" || tok.RefreshToken == sandbox.DefaultRefreshToken {
		t.Fatalf("rotating sandbox returned refresh token %q, want a new one", tok.RefreshToken)
	}
	if tok.AccessToken == "" {
		t.Fatal("no access token")
	}
	// The exchanged access token is the one the client now uses.
	if _, err := c.GetLedgerBalance(ctx); err != nil {
		t.Fatalf("ledger with the exchanged token: %v", err)
	}

	// The old refresh token is revoked.
	old := oauthSandboxClient(t, url, sandbox.DefaultRefreshToken)
	_, err = old.ExchangeRefreshToken(ctx)
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.Status != 400 || apiErr.Code != "invalid_grant" {
		t.Fatalf("exchange of the rotated-away token: want 400 invalid_grant, got %v", err)
	}

	// The new one works, and rotates again.
	next := oauthSandboxClient(t, url, tok.RefreshToken)
	tok2, err := next.ExchangeRefreshToken(ctx)
	if err != nil {
		t.Fatalf("exchange of the new refresh token: %v", err)
	}
	if tok2.RefreshToken == "" || tok2.RefreshToken == tok.RefreshToken || tok2.RefreshToken == sandbox.DefaultRefreshToken {
		t.Fatalf("second rotation returned %q (first %q)", tok2.RefreshToken, tok.RefreshToken)
	}
}

// Without rotation the same refresh token comes back and keeps working.
func TestExchangeRefreshTokenNotRotatedAgainstSandbox(t *testing.T) {
	t.Parallel()
	_, url := startSandbox(t, sandbox.Options{}, nil)
	ctx := context.Background()
	for i := range 2 {
		tok, err := oauthSandboxClient(t, url, sandbox.DefaultRefreshToken).ExchangeRefreshToken(ctx)
		if err != nil {
			t.Fatalf("exchange %d: %v", i+1, err)
		}
		if tok.RefreshToken != sandbox.DefaultRefreshToken {
			t.Fatalf("exchange %d: refresh token %q, want the configured one back", i+1, tok.RefreshToken)
		}
	}
}

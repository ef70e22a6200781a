package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"
)

// rotatingAccounts is an accounts server that rotates the refresh token at
// every exchange and refuses a token it rotated away; it records the
// refresh tokens it was sent.
type rotatingAccounts struct {
	*fakeServer
	mu       sync.Mutex
	valid    string
	received []string
}

// configuredRefresh is the refresh token the accounts fake accepts first.
const configuredRefresh = "configured-refresh"

func newRotatingAccounts(t *testing.T, lifetime int64) *rotatingAccounts {
	t.Helper()
	a := &rotatingAccounts{valid: configuredRefresh}
	a.fakeServer = newFakeServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		a.mu.Lock()
		defer a.mu.Unlock()
		f := a.seenForm(n)
		a.received = append(a.received, f.Get("refresh_token"))
		if f.Get("refresh_token") != a.valid {
			writeJSONBody(w, http.StatusBadRequest, map[string]any{"error": "invalid_grant"})
			return
		}
		a.valid = fmt.Sprintf("rotated-refresh-%d", n)
		writeJSONBody(w, http.StatusOK, map[string]any{"access_token": fmt.Sprintf("access-token-%d", n),
			"refresh_token": a.valid, "expires_in": lifetime})
	})
	return a
}

func (a *rotatingAccounts) seenForm(n int) url.Values {
	a.fakeServer.mu.Lock()
	defer a.fakeServer.mu.Unlock()
	form, _ := url.ParseQuery(a.fakeServer.seen[n-1].Body)
	return form
}

func (a *rotatingAccounts) refreshTokensReceived() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.received...)
}

func oauthClient(t *testing.T, srvURL, refresh string) (*Client, OAuthConfig) {
	t.Helper()
	oauth := OAuthConfig{ClientID: "client-id", ClientSecret: "client-secret", RefreshToken: refresh}
	cfg := testConfig(srvURL)
	cfg.AccessToken = ""
	cfg.OAuth = &oauth
	return newTestClient(t, cfg), oauth
}

// Clients of one process with the same credentials share one exchange, even
// when they ask at the same time, and the second gets the same answer
// instead of spending the revoked token.
func TestTokenExchangesShareOneExchange(t *testing.T) {
	t.Parallel()
	srv := newRotatingAccounts(t, 28800)
	var x TokenExchanges
	const callers = 6
	toks := make([]*Token, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		c, oauth := oauthClient(t, srv.URL, "configured-refresh")
		wg.Go(func() { toks[i], errs[i] = x.Exchange(context.Background(), c, oauth) })
	}
	wg.Wait()
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if toks[i].AccessToken != toks[0].AccessToken || toks[i].RefreshToken != "rotated-refresh-1" {
			t.Errorf("caller %d got %+v, want the one exchange's answer %+v", i, toks[i], toks[0])
		}
	}
	if got := srv.refreshTokensReceived(); len(got) != 1 {
		t.Fatalf("the server saw %d exchanges (%v), want 1", len(got), got)
	}
	if want := time.Now().Add(8 * time.Hour); toks[0].ExpiresAt.Before(want.Add(-time.Minute)) || toks[0].ExpiresAt.After(want) {
		t.Errorf("ExpiresAt = %s, want about %s", toks[0].ExpiresAt, want)
	}
}

// When the shared access token is about to expire, the next caller
// exchanges the rotated refresh token (the configured one is revoked), and
// the answer is shared from then on, also with callers that configured the
// rotated token.
func TestTokenExchangesContinueTheRotation(t *testing.T) {
	t.Parallel()
	srv := newRotatingAccounts(t, 3600)
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	x := TokenExchanges{Now: func() time.Time { return now }}
	ctx := context.Background()
	c, oauth := oauthClient(t, srv.URL, "configured-refresh")

	first, err := x.Exchange(ctx, c, oauth)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour - TokenReuseMargin - time.Second)
	if again, err := x.Exchange(ctx, c, oauth); err != nil || again.AccessToken != first.AccessToken {
		t.Fatalf("within the margin: got %+v, %v; want the first token again", again, err)
	}
	now = now.Add(2 * time.Second)
	second, err := x.Exchange(ctx, c, oauth)
	if err != nil {
		t.Fatalf("exchange after expiry: %v", err)
	}
	if second.AccessToken == first.AccessToken || second.RefreshToken != "rotated-refresh-2" ||
		!second.ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Errorf("after expiry got %+v", second)
	}
	rotated, _ := oauthClient(t, srv.URL, first.RefreshToken)
	if third, err := x.Exchange(ctx, rotated, OAuthConfig{ClientID: "client-id", ClientSecret: "client-secret",
		RefreshToken: first.RefreshToken}); err != nil || third.AccessToken != second.AccessToken {
		t.Errorf("a caller with the once-rotated token: got %+v, %v; want the latest exchange", third, err)
	}
	got := srv.refreshTokensReceived()
	if len(got) != 2 || got[0] != "configured-refresh" || got[1] != first.RefreshToken {
		t.Errorf("the server was sent the refresh tokens %v, want [configured-refresh %s]", got, first.RefreshToken)
	}
}

// A failed exchange is not remembered, and other credentials (another
// client secret, another accounts endpoint) never share an answer.
func TestTokenExchangesKeys(t *testing.T) {
	t.Parallel()
	srv := newRotatingAccounts(t, 28800)
	other := newRotatingAccounts(t, 28800)
	var x TokenExchanges
	ctx := context.Background()
	c, oauth := oauthClient(t, srv.URL, "configured-refresh")

	wrong := oauth
	wrong.RefreshToken = "unknown-refresh"
	for range 2 {
		if _, err := x.Exchange(ctx, c, wrong); err == nil {
			t.Fatal("an unknown refresh token was accepted")
		}
	}
	if _, err := x.Exchange(ctx, c, oauth); err != nil {
		t.Fatal(err)
	}
	otherSecret := oauth
	otherSecret.ClientSecret = "another-secret"
	if _, err := x.Exchange(ctx, c, otherSecret); err == nil {
		t.Error("another client secret shared the exchange of the first")
	}
	elsewhere, _ := oauthClient(t, other.URL, "configured-refresh")
	if _, err := x.Exchange(ctx, elsewhere, oauth); err != nil {
		t.Errorf("another accounts endpoint: %v", err)
	}
	if n := len(srv.refreshTokensReceived()); n != 4 {
		t.Errorf("the first server saw %d exchanges, want 4 (two failures, one exchange, one other secret)", n)
	}
	if n := len(other.refreshTokensReceived()); n != 1 {
		t.Errorf("the other server saw %d exchanges, want 1", n)
	}
}

package client

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// AccessTokenLifetime is how long the platform's access tokens live
// (platform-api.md §0.2), assumed when an answer omits expires_in.
const AccessTokenLifetime = 8 * time.Hour

// TokenReuseMargin is the least time an exchanged access token must still
// be valid for TokenExchanges to hand it out again: less, and a long apply
// could outlive it.
const TokenReuseMargin = 10 * time.Minute

// Token is the answer of the accounts token endpoint.
type Token struct {
	AccessToken    string `json:"access_token"`
	RefreshToken   string `json:"refresh_token"`
	ExpiresIn      int64  `json:"expires_in"`
	TokenType      string `json:"token_type"`
	Scope          string `json:"scope"`
	AccountID      string `json:"account_id"`
	OrganizationID string `json:"organization_id"`
	// ExpiresAt is when the access token expires; TokenExchanges sets it.
	ExpiresAt time.Time `json:"-"`
}

// RefreshAccessToken exchanges a refresh token for an access token without
// changing the client's own credentials.
func (c *Client) RefreshAccessToken(ctx context.Context, oauth OAuthConfig) (*Token, error) {
	// The credentials may differ from the configured ones (the ephemeral
	// resource's own arguments): an error quoting them must be masked too.
	c.secrets.Add(oauth.ClientSecret)
	c.secrets.Add(oauth.RefreshToken)
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {oauth.RefreshToken},
		"client_id":     {oauth.ClientID},
		"client_secret": {oauth.ClientSecret},
	}
	var tok Token
	// A server that rotates refresh tokens invalidates the old one when it
	// acts, so the grant is repeated only when it provably did not.
	err := c.do(ctx, request{api: APIAccounts, method: "POST", path: "/v2/token", form: form, retry: retryIfNotActed, out: &tok})
	if err != nil {
		return nil, err
	}
	c.secrets.Add(tok.AccessToken)
	c.secrets.Add(tok.RefreshToken)
	return &tok, nil
}

// TokenExchanges shares refresh-token exchanges between the clients of one
// process. A platform that rotates refresh tokens revokes the old one at
// the first exchange, so exchanging the configured token again (a second
// Configure, the livechat_access_token ephemeral resource) would fail:
// callers with the same credentials get the first answer while its access
// token stays valid, and an exchange of the rotated token once it does not.
// The zero value is ready to use; it is safe for concurrent use.
type TokenExchanges struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// group makes concurrent callers with the same key share one exchange.
	group singleflight.Group
	mu    sync.Mutex
	// byKey maps the key of every refresh token of a chain (the configured
	// one and each rotated one) to the chain's latest exchange.
	byKey map[string]*tokenChain
}

// tokenChain is the latest exchange of a refresh token and its rotations.
type tokenChain struct {
	token Token
	// refresh is the refresh token to exchange next.
	refresh string
}

// Exchange returns an access token for oauth, exchanging the refresh token
// through c only when no exchange of it (or of its rotated successor) left
// an access token valid for TokenReuseMargin more. The token's secrets are
// added to c's SecretSet. Concurrent callers share the first caller's
// request, and with it its context.
func (x *TokenExchanges) Exchange(ctx context.Context, c *Client, oauth OAuthConfig) (*Token, error) {
	c.secrets.Add(oauth.ClientSecret)
	c.secrets.Add(oauth.RefreshToken)
	key := x.key(c, oauth, oauth.RefreshToken)
	v, err, _ := x.group.Do(key, func() (any, error) { return x.reuseOrExchange(ctx, c, oauth, key) })
	if err != nil {
		return nil, err
	}
	tok, ok := v.(Token)
	if !ok {
		return nil, fmt.Errorf("token exchange returned %T", v)
	}
	c.secrets.Add(tok.AccessToken)
	c.secrets.Add(tok.RefreshToken)
	return &tok, nil
}

func (x *TokenExchanges) reuseOrExchange(ctx context.Context, c *Client, oauth OAuthConfig, key string) (Token, error) {
	x.mu.Lock()
	chain := x.byKey[key]
	x.mu.Unlock()
	start := x.now()
	if chain != nil {
		if start.Add(TokenReuseMargin).Before(chain.token.ExpiresAt) {
			return chain.token, nil
		}
		// The configured token may be revoked by now: continue the chain.
		oauth.RefreshToken = chain.refresh
	}
	tok, err := c.RefreshAccessToken(ctx, oauth)
	if err != nil {
		return Token{}, err
	}
	lifetime := time.Duration(tok.ExpiresIn) * time.Second
	if lifetime <= 0 {
		lifetime = AccessTokenLifetime
	}
	tok.ExpiresAt = start.Add(lifetime)
	x.record(c, oauth, key, chain, *tok)
	return *tok, nil
}

// record stores tok as the latest exchange of the chain that key (and,
// once rotated, the new refresh token) belongs to.
func (x *TokenExchanges) record(c *Client, oauth OAuthConfig, key string, chain *tokenChain, tok Token) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.byKey == nil {
		x.byKey = map[string]*tokenChain{}
	}
	if chain == nil {
		chain = &tokenChain{}
		x.byKey[key] = chain
	}
	chain.token = tok
	// A server that does not rotate may leave refresh_token out.
	chain.refresh = cmp.Or(tok.RefreshToken, oauth.RefreshToken)
	x.byKey[x.key(c, oauth, chain.refresh)] = chain
}

// key names a refresh token of one OAuth client at one accounts endpoint;
// the secrets enter it hashed only.
func (x *TokenExchanges) key(c *Client, oauth OAuthConfig, refresh string) string {
	sum := sha256.Sum256([]byte(oauth.ClientSecret + "\x00" + refresh))
	return c.endpoints[APIAccounts].String() + "\n" + oauth.ClientID + "\n" + hex.EncodeToString(sum[:])
}

func (x *TokenExchanges) now() time.Time {
	if x.Now != nil {
		return x.Now()
	}
	return time.Now()
}

package client

import (
	"context"
	"net/url"
)

// Token is the answer of the accounts token endpoint.
type Token struct {
	AccessToken    string `json:"access_token"`
	RefreshToken   string `json:"refresh_token"`
	ExpiresIn      int64  `json:"expires_in"`
	TokenType      string `json:"token_type"`
	Scope          string `json:"scope"`
	AccountID      string `json:"account_id"`
	OrganizationID string `json:"organization_id"`
}

// TokenInfo describes an access token (GET /v2/info).
type TokenInfo struct {
	Scope          string `json:"scope"`
	ClientID       string `json:"client_id"`
	AccountID      string `json:"account_id"`
	OrganizationID string `json:"organization_id"`
	ExpiresIn      int64  `json:"expires_in"`
}

// ExchangeRefreshToken runs the refresh-token grant with the configured
// OAuth client and starts using the new access token. The caller compares
// the returned refresh token with the one configured: the platform may
// rotate it.
func (c *Client) ExchangeRefreshToken(ctx context.Context) (*Token, error) {
	if c.cfg.OAuth == nil {
		return nil, &MissingCredentialsError{API: APIAccounts, Hint: "configure the provider's oauth block"}
	}
	tok, err := c.RefreshAccessToken(ctx, *c.cfg.OAuth)
	if err != nil {
		return nil, err
	}
	c.SetAccessToken(tok.AccessToken)
	return tok, nil
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

// GetTokenInfo describes the client's current access token.
func (c *Client) GetTokenInfo(ctx context.Context) (*TokenInfo, error) {
	var info TokenInfo
	err := c.do(ctx, request{api: APIAccounts, method: "GET", path: "/v2/info", bearer: true, out: &info})
	return &info, err
}

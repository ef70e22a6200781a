package client

// Calls of the platform that only the tests make: the provider manages no
// organizations or licenses and exchanges refresh tokens through
// TokenExchanges.

import (
	"context"
	"net/url"
)

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

// InvalidateCampaigns drops the answers ListCampaignsShared stored.
func (c *Client) InvalidateCampaigns() { c.campaigns.invalidate() }

// CreateOrganization creates a client organization and returns its id.
func (c *Client) CreateOrganization(ctx context.Context, in OrganizationCreate) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	err := c.do(ctx, request{api: APIPartners, method: "POST", path: "/v2/partners/solutions/organizations",
		body: in, retry: retryIfNotActed, out: &out})
	if err != nil {
		return "", err
	}
	return out.ID, nil
}

// CreateLicense creates a trial license of product (livechat, chatbot or
// helpdesk) in an organization.
func (c *Client) CreateLicense(ctx context.Context, orgID, product string, in LicenseCreate) (*License, error) {
	var out License
	err := c.do(ctx, request{api: APIPartners, method: "POST",
		path:  "/v2/partners/solutions/organizations/" + url.PathEscape(orgID) + "/licenses",
		query: url.Values{"product": {product}}, body: in, retry: retryIfNotActed, out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var _ ephemeral.EphemeralResourceWithConfigure = &accessTokenEphemeral{}

// NewAccessTokenEphemeral returns the livechat_access_token ephemeral resource.
func NewAccessTokenEphemeral() ephemeral.EphemeralResource { return &accessTokenEphemeral{} }

// accessTokenReuseNote explains why opening the resource may not exchange:
// on a platform that rotates refresh tokens a second exchange of the
// configured one would fail.
const accessTokenReuseNote = "~> Access tokens live 8 hours. A provider process exchanges each refresh token once: this " +
	"resource reuses the access token of an earlier exchange of the same refresh token (the provider's own, or an " +
	"earlier open) while it stays valid for 10 more minutes, and otherwise exchanges the refresh token that exchange " +
	"returned. Terraform starts new provider processes for plan and for apply, and each exchanges again."

type accessTokenEphemeral struct {
	configuredEphemeral
}

type accessTokenModel struct {
	ClientID       types.String      `tfsdk:"client_id"`
	ClientSecret   types.String      `tfsdk:"client_secret"`
	RefreshToken   types.String      `tfsdk:"refresh_token"`
	AccessToken    types.String      `tfsdk:"access_token"`
	NewRefresh     types.String      `tfsdk:"new_refresh_token"`
	TokenType      types.String      `tfsdk:"token_type"`
	Scope          types.String      `tfsdk:"scope"`
	ExpiresIn      types.Int64       `tfsdk:"expires_in"`
	ExpiresAt      timetypes.RFC3339 `tfsdk:"expires_at"`
	AccountID      types.String      `tfsdk:"account_id"`
	OrganizationID types.String      `tfsdk:"organization_id"`
}

func (e *accessTokenEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_access_token"
}

func (e *accessTokenEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Exchanges an OAuth refresh token at the accounts `/v2/token` endpoint for a LiveChat access " +
			"token that never enters the plan or state (Terraform 1.10 or later), for passing to other providers, " +
			"provisioners or tools. Without arguments it uses the provider's `oauth` block (or the `LIVECHAT_CLIENT_ID`, " +
			"`LIVECHAT_CLIENT_SECRET` and `LIVECHAT_REFRESH_TOKEN` variables).\n\n" +
			accessTokenReuseNote,
		Attributes: map[string]schema.Attribute{
			"client_id": schema.StringAttribute{
				MarkdownDescription: "OAuth client ID; defaults to the provider's `oauth.client_id`.",
				Optional:            true,
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "OAuth client secret; defaults to the provider's `oauth.client_secret`.",
				Optional:            true,
				Sensitive:           true,
			},
			"refresh_token": schema.StringAttribute{
				MarkdownDescription: "The refresh token to exchange; defaults to the provider's `oauth.refresh_token`.",
				Optional:            true,
				Sensitive:           true,
			},
			"access_token": schema.StringAttribute{
				MarkdownDescription: "The access token, sent as `Authorization: Bearer`.",
				Computed:            true,
				Sensitive:           true,
			},
			"new_refresh_token": schema.StringAttribute{
				MarkdownDescription: "The refresh token the accounts service returned: when it differs from the one " +
					"exchanged, the platform rotated it and the new one must be stored for the next run.",
				Computed:  true,
				Sensitive: true,
			},
			"token_type": schema.StringAttribute{
				MarkdownDescription: "The token type, `Bearer`.",
				Computed:            true,
			},
			"scope": schema.StringAttribute{
				MarkdownDescription: "The OAuth scopes granted to the token, comma-separated (for example `billing_manage,ledger_read`).",
				Computed:            true,
			},
			"expires_in": schema.Int64Attribute{
				MarkdownDescription: "Seconds the access token was issued for (28800: 8 hours); a reused token expires at `expires_at`.",
				Computed:            true,
			},
			"expires_at": schema.StringAttribute{
				CustomType:          timetypes.RFC3339Type{},
				MarkdownDescription: "When the access token expires (RFC 3339, UTC).",
				Computed:            true,
			},
			"account_id": schema.StringAttribute{
				MarkdownDescription: "The LiveChat account the token acts for.",
				Computed:            true,
			},
			"organization_id": schema.StringAttribute{
				MarkdownDescription: "The organization of that account.",
				Computed:            true,
			},
		},
	}
}

func (e *accessTokenEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	m, ok := clientAndModel[accessTokenModel](ctx, e.data, req.Config.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	oauth := client.OAuthConfig{}
	if e.data.oauth != nil {
		oauth = *e.data.oauth
	}
	if v := m.ClientID.ValueString(); v != "" {
		oauth.ClientID = v
	}
	if v := m.ClientSecret.ValueString(); v != "" {
		oauth.ClientSecret = v
	}
	if v := m.RefreshToken.ValueString(); v != "" {
		oauth.RefreshToken = v
	}
	for _, f := range []struct{ name, val string }{
		{"client_id", oauth.ClientID}, {"client_secret", oauth.ClientSecret}, {"refresh_token", oauth.RefreshToken},
	} {
		if f.val == "" {
			resp.Diagnostics.AddAttributeError(path.Root(f.name), "Missing "+f.name,
				f.name+" is not set here and the provider has no oauth."+f.name+
					". Set it on the ephemeral resource or in the provider's oauth block (or its LIVECHAT_* variable).")
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// Shared with the provider's own exchange: on a platform that rotates
	// refresh tokens, exchanging the configured one again would fail.
	tok, err := e.data.exchanges.Exchange(ctx, e.data.client, oauth)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to exchange the OAuth refresh token", err)
		return
	}
	if d := rotatedRefreshTokenWarning(oauth.RefreshToken, tok.RefreshToken); d != nil {
		resp.Diagnostics.Append(d)
	}
	m.AccessToken = types.StringValue(tok.AccessToken)
	m.NewRefresh = types.StringValue(tok.RefreshToken)
	m.TokenType = types.StringValue(tok.TokenType)
	m.Scope = types.StringValue(tok.Scope)
	m.ExpiresIn = types.Int64Value(tok.ExpiresIn)
	m.ExpiresAt = timetypes.NewRFC3339TimeValue(tok.ExpiresAt.UTC().Truncate(time.Second))
	m.AccountID = types.StringValue(tok.AccountID)
	m.OrganizationID = types.StringValue(tok.OrganizationID)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

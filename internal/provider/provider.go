// Package provider implements the livechat Terraform provider on
// terraform-plugin-framework. Every API call goes through internal/client.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

// Environment variables read when an attribute is not set in the configuration.
const (
	EnvAccessToken     = "LIVECHAT_ACCESS_TOKEN"
	EnvClientID        = "LIVECHAT_CLIENT_ID"
	EnvClientSecret    = "LIVECHAT_CLIENT_SECRET"
	EnvRefreshToken    = "LIVECHAT_REFRESH_TOKEN"
	EnvPAT             = "LIVECHAT_PAT"
	EnvAccountID       = "LIVECHAT_ACCOUNT_ID"
	EnvPartnerToken    = "LIVECHAT_PARTNER_TOKEN"
	EnvPartnerPassword = "LIVECHAT_PARTNER_PASSWORD"
	EnvProduct         = "LIVECHAT_PRODUCT"
	EnvAPIURL          = "LIVECHAT_API_URL"
	EnvTestMode        = "LIVECHAT_TEST_MODE"
)

var (
	_ provider.ProviderWithConfigValidators   = &livechatProvider{}
	_ provider.ProviderWithEphemeralResources = &livechatProvider{}
	_ provider.ProviderWithFunctions          = &livechatProvider{}
	_ provider.ProviderWithListResources      = &livechatProvider{}
)

// New returns a provider factory for the given version. Every provider it
// makes shares one record of refresh-token exchanges: the plugin server
// calls New once per process, so each refresh token is exchanged once per
// process however often Terraform configures the provider.
func New(version string) func() provider.Provider {
	exchanges := &client.TokenExchanges{}
	return func() provider.Provider {
		return &livechatProvider{version: version, exchanges: exchanges}
	}
}

type livechatProvider struct {
	version   string
	exchanges *client.TokenExchanges
}

type providerModel struct {
	AccessToken         types.String         `tfsdk:"access_token"`
	OAuth               *oauthModel          `tfsdk:"oauth"`
	PersonalAccessToken types.String         `tfsdk:"personal_access_token"`
	AccountID           types.String         `tfsdk:"account_id"`
	PartnerToken        types.String         `tfsdk:"partner_token"`
	PartnerPassword     types.String         `tfsdk:"partner_password"`
	Product             types.String         `tfsdk:"product"`
	Endpoints           *endpointsModel      `tfsdk:"endpoints"`
	MaxRetries          wholeNumber          `tfsdk:"max_retries"`
	RequestTimeout      timetypes.GoDuration `tfsdk:"request_timeout"`
	RequestsPerSecond   types.Number         `tfsdk:"requests_per_second"`
	TestMode            types.Bool           `tfsdk:"test_mode"`
}

type oauthModel struct {
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
	RefreshToken types.String `tfsdk:"refresh_token"`
}

type endpointsModel struct {
	Billing          types.String `tfsdk:"billing"`
	Partners         types.String `tfsdk:"partners"`
	Accounts         types.String `tfsdk:"accounts"`
	DeveloperConsole types.String `tfsdk:"developer_console"`
}

// providerData is what Configure hands to every resource, data source and
// ephemeral resource.
type providerData struct {
	client *client.Client
	// product is the default billing product segment.
	product string
	// oauth is the configured refresh-token grant, if any.
	oauth *client.OAuthConfig
	// exchanges is the process's record of refresh-token exchanges.
	exchanges *client.TokenExchanges
	// testMode makes charges test charges by default and refuses real ones.
	testMode bool
}

func (p *livechatProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "livechat"
	resp.Version = p.version
}

func (p *livechatProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The `livechat` provider manages billing on the LiveChat (Text) platform: " +
			"Billing API charges, Partner Program campaigns and client subscriptions, and Developer Console " +
			"in-app upgrades. Choose one way to authenticate to Billing and the Developer Console " +
			"(`access_token`, `oauth` or `personal_access_token` with `account_id`); the Partner Program API " +
			"uses `partner_token`. Credentials are needed only by the objects that use that API.",
		Attributes: map[string]schema.Attribute{
			"access_token": schema.StringAttribute{
				MarkdownDescription: "OAuth access token sent as `Authorization: Bearer` to the Billing API and the " +
					"Developer Console. Access tokens live 8 hours; pipelines should prefer `oauth`. " +
					"Falls back to `" + EnvAccessToken + "`. Conflicts with `oauth` and `personal_access_token`.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{notWhitespaceOnly{}},
			},
			"personal_access_token": schema.StringAttribute{
				MarkdownDescription: "Personal Access Token, sent with `account_id` as HTTP Basic credentials. " +
					"Falls back to `" + EnvPAT + "`. Requires `account_id`.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{notWhitespaceOnly{}},
			},
			"account_id": schema.StringAttribute{
				MarkdownDescription: "The LiveChat account ID that owns `personal_access_token`. Falls back to `" + EnvAccountID + "`.",
				Optional:            true,
				Validators:          []validator.String{notWhitespaceOnly{}},
			},
			"partner_token": schema.StringAttribute{
				MarkdownDescription: "Partner Program API token (not an OAuth token), needed by partner campaigns, " +
					"coupons, earnings and client subscriptions. Falls back to `" + EnvPartnerToken + "`.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{notWhitespaceOnly{}},
			},
			"partner_password": schema.StringAttribute{
				MarkdownDescription: "The partner account's password, which the platform requires to close a partner " +
					"client subscription. Falls back to `" + EnvPartnerPassword + "`.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{notWhitespaceOnly{}},
			},
			"product": schema.StringAttribute{
				MarkdownDescription: "Default billing product for charges: `livechat` or `helpdesk` (HelpDesk tokens need " +
					"the `billing--all:rw` scope). Defaults to `livechat`; falls back to `" + EnvProduct + "`. " +
					"Changing it does not move existing charges: they keep the product they were created for.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(client.BillingProducts()...)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a failed request is retried (reads and state changes on 429, 5xx " +
					"and network errors; creating requests only when the platform provably did not act). Answers that ask " +
					"to wait (429, and 503 with `Retry-After`) are the platform pacing its clients and have a budget five " +
					"times as large, within `request_timeout`. `0` turns retries off. Defaults to `4`.",
				Optional: true,
				// A whole number beyond 64 bits is refused naming the
				// attribute, not as the framework's conversion error.
				CustomType: countType,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"request_timeout": schema.StringAttribute{
				CustomType: timetypes.GoDurationType{},
				MarkdownDescription: "The longest one API call may take, retries and waits included, as a Go duration " +
					"such as `30s` or `2m` (more than `0s`, at most `1h`). Defaults to `30s`.",
				Optional:   true,
				Validators: []validator.String{requestTimeoutRule},
			},
			"requests_per_second": schema.NumberAttribute{
				MarkdownDescription: fmt.Sprintf("Client-side limit on requests per second across all APIs, from `0` to `%d`; "+
					"`0` (the default) means no limit.", maxRequestsPerSecond),
				Optional:   true,
				Validators: []validator.Number{requestsPerSecondRule{}},
			},
			"test_mode": schema.BoolAttribute{
				MarkdownDescription: "A guard for staging workspaces: with `true`, every charge (`livechat_recurrent_charge`, " +
					"`livechat_direct_charge`) is a test charge that moves no money unless it sets `test`, and a charge " +
					"with `test = false` fails at plan time, before any request, so a staging pipeline cannot create a " +
					"real charge by mistake. Defaults to `false`; falls back to `" + EnvTestMode + "` (`true` or `false`). " +
					"A charge that leaves `test` unset follows this setting, so changing it replaces such charges (the " +
					"plan shows it).",
				Optional: true,
			},
		},
		Blocks: map[string]schema.Block{
			"oauth": schema.SingleNestedBlock{
				MarkdownDescription: "Authenticate without a browser: the stored refresh token is exchanged once per " +
					"provider run at the accounts `/v2/token` endpoint for an access token. If the platform answers " +
					"with a new refresh token the provider warns, because the old one may stop working. Each attribute " +
					"falls back to its environment variable. Conflicts with `access_token` and `personal_access_token`.",
				Attributes: map[string]schema.Attribute{
					"client_id": schema.StringAttribute{
						MarkdownDescription: "OAuth client ID of your Developer Console app. Falls back to `" + EnvClientID + "`.",
						Optional:            true,
						Validators:          []validator.String{notWhitespaceOnly{}},
					},
					"client_secret": schema.StringAttribute{
						MarkdownDescription: "OAuth client secret. Falls back to `" + EnvClientSecret + "`.",
						Optional:            true,
						Sensitive:           true,
						Validators:          []validator.String{notWhitespaceOnly{}},
					},
					"refresh_token": schema.StringAttribute{
						MarkdownDescription: "A refresh token issued to the client. Falls back to `" + EnvRefreshToken + "`.",
						Optional:            true,
						Sensitive:           true,
						Validators:          []validator.String{notWhitespaceOnly{}},
					},
				},
			},
			"endpoints": schema.SingleNestedBlock{
				MarkdownDescription: "Base URLs of the platform's APIs, for proxies and the sandbox. `" + EnvAPIURL + "` " +
					"points all four at one address (the `livechat-sandbox`). Plain `http://` is accepted only for a " +
					"loopback address.",
				Attributes: map[string]schema.Attribute{
					"billing": schema.StringAttribute{
						MarkdownDescription: "Billing API base URL. Defaults to `" + client.DefaultBillingURL + "`.",
						Optional:            true,
						Validators:          []validator.String{endpointValidator{}},
					},
					"partners": schema.StringAttribute{
						MarkdownDescription: "Partner Program API base URL. Defaults to `" + client.DefaultPartnersURL + "`.",
						Optional:            true,
						Validators:          []validator.String{endpointValidator{}},
					},
					"accounts": schema.StringAttribute{
						MarkdownDescription: "Accounts (OAuth) API base URL. Defaults to `" + client.DefaultAccountsURL + "`.",
						Optional:            true,
						Validators:          []validator.String{endpointValidator{}},
					},
					"developer_console": schema.StringAttribute{
						MarkdownDescription: "Developer Console API base URL (in-app upgrades). Defaults to `" + client.DefaultDeveloperConsoleURL + "`.",
						Optional:            true,
						Validators:          []validator.String{endpointValidator{}},
					},
				},
			},
		},
	}
}

// ConfigValidators reject two ways of authenticating at plan time.
func (p *livechatProvider) ConfigValidators(context.Context) []provider.ConfigValidator {
	return []provider.ConfigValidator{
		providervalidator.Conflicting(path.MatchRoot("access_token"), path.MatchRoot("oauth")),
		providervalidator.Conflicting(path.MatchRoot("access_token"), path.MatchRoot("personal_access_token")),
		providervalidator.Conflicting(path.MatchRoot("oauth"), path.MatchRoot("personal_access_token")),
		// personal_access_token without account_id is refused in Configure
		// (still at plan time), after the LIVECHAT_ACCOUNT_ID fallback: a
		// RequiredTogether here would reject an account_id from the environment.
	}
}

func (p *livechatProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if unknown := unknownProviderAttributes(cfg); len(unknown) > 0 {
		// The values come from resources not yet created; objects that need
		// the client report it when they are used.
		resp.Diagnostics.AddWarning("Provider configuration not yet known",
			"The livechat provider's "+strings.Join(unknown, ", ")+" depend on values known only after apply, "+
				"so the provider cannot call the platform during this plan.")
		return
	}

	ccfg, oauth, diags := buildClientConfig(cfg, p.version)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The client redacts secrets by field name; the logger also masks the
	// configured secret values wherever they appear, in every later call.
	logger := &tflogLogger{}
	logger.mask(ccfg.AccessToken, ccfg.PersonalAccessToken, ccfg.PartnerToken, ccfg.PartnerPassword)
	if oauth != nil {
		logger.mask(oauth.ClientSecret, oauth.RefreshToken)
	}
	ccfg.Logger = logger
	c, err := client.New(ccfg.Config)
	if err != nil {
		resp.Diagnostics.AddError("Invalid provider configuration", err.Error())
		return
	}
	diagnosticSecrets.register(c.Secrets())
	if oauth != nil {
		resp.Diagnostics.Append(p.exchangeConfiguredToken(ctx, c, *oauth, logger)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	data := &providerData{client: c, product: ccfg.product, oauth: oauth, exchanges: p.exchanges, testMode: ccfg.testMode}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData = data
	resp.ListResourceData = data
}

// exchangeConfiguredToken gives c an access token for the oauth block. The
// refresh token is exchanged once per process: a later Configure reuses the
// answer (see client.TokenExchanges), and warns again if it was rotated.
func (p *livechatProvider) exchangeConfiguredToken(ctx context.Context, c *client.Client, oauth client.OAuthConfig, logger *tflogLogger) diag.Diagnostics {
	var diags diag.Diagnostics
	tok, err := p.exchanges.Exchange(ctx, c, oauth)
	if err != nil {
		summary, detail := describeAPIError("Unable to exchange the OAuth refresh token", err)
		diags.AddAttributeError(path.Root("oauth").AtName("refresh_token"), summary, detail+
			"\n\nCheck oauth.client_id, oauth.client_secret and oauth.refresh_token (or "+EnvClientID+", "+
			EnvClientSecret+", "+EnvRefreshToken+"); a refresh token that was rotated or revoked must be replaced.")
		return diags
	}
	c.SetAccessToken(tok.AccessToken)
	logger.mask(tok.AccessToken, tok.RefreshToken)
	if d := rotatedRefreshTokenWarning(oauth.RefreshToken, tok.RefreshToken); d != nil {
		diags.Append(d)
	}
	return diags
}

// rotatedRefreshTokenWarning warns when the accounts service answered with
// a refresh token other than the one configured. The new token is a secret,
// so the warning never includes it.
func rotatedRefreshTokenWarning(configured, returned string) diag.Diagnostic {
	if returned == "" || returned == configured {
		return nil
	}
	return diag.NewAttributeWarningDiagnostic(path.Root("oauth").AtName("refresh_token"),
		"The OAuth refresh token was rotated",
		"The accounts service issued a new refresh token while exchanging the configured one, and the old one may "+
			"stop working. Obtain a fresh refresh token (for example through the livechat_access_token ephemeral "+
			"resource's refresh_token) and store it where the pipeline reads "+EnvRefreshToken+" before the next run.")
}

func unknownProviderAttributes(cfg providerModel) []string {
	var out []string
	check := func(name string, v interface{ IsUnknown() bool }) {
		if v.IsUnknown() {
			out = append(out, name)
		}
	}
	check("access_token", cfg.AccessToken)
	check("personal_access_token", cfg.PersonalAccessToken)
	check("account_id", cfg.AccountID)
	check("partner_token", cfg.PartnerToken)
	check("partner_password", cfg.PartnerPassword)
	check("product", cfg.Product)
	check("max_retries", cfg.MaxRetries)
	check("request_timeout", cfg.RequestTimeout)
	check("requests_per_second", cfg.RequestsPerSecond)
	check("test_mode", cfg.TestMode)
	if cfg.OAuth != nil {
		check("oauth.client_id", cfg.OAuth.ClientID)
		check("oauth.client_secret", cfg.OAuth.ClientSecret)
		check("oauth.refresh_token", cfg.OAuth.RefreshToken)
	}
	if cfg.Endpoints != nil {
		check("endpoints.billing", cfg.Endpoints.Billing)
		check("endpoints.partners", cfg.Endpoints.Partners)
		check("endpoints.accounts", cfg.Endpoints.Accounts)
		check("endpoints.developer_console", cfg.Endpoints.DeveloperConsole)
	}
	return out
}

// clientConfig adds the provider's own resolved settings to client.Config:
// the default product and test_mode.
type clientConfig struct {
	client.Config
	product  string
	testMode bool
}

// stringOr returns the configured value, else (null or empty) the
// environment variable.
func stringOr(v types.String, env string) string {
	if s := v.ValueString(); s != "" {
		return s
	}
	return os.Getenv(env)
}

// buildClientConfig resolves configuration and environment into a client
// configuration. Configuration wins over the environment attribute by
// attribute; an authentication mode set in the configuration wins over the
// environment's.
func buildClientConfig(cfg providerModel, version string) (clientConfig, *client.OAuthConfig, diag.Diagnostics) {
	out := clientConfig{Config: client.Config{Version: version}}
	mode, diags := chosenAuthMode(cfg)
	if diags.HasError() {
		return out, nil, diags
	}
	diags.Append(resolveCredentials(cfg, mode, &out.Config)...)
	out.PartnerToken = stringOr(cfg.PartnerToken, EnvPartnerToken)
	out.PartnerPassword = stringOr(cfg.PartnerPassword, EnvPartnerPassword)

	var d diag.Diagnostics
	out.product, d = resolveProduct(cfg.Product)
	diags.Append(d...)
	out.testMode, d = resolveTestMode(cfg.TestMode)
	diags.Append(d...)
	out.Endpoints, d = resolveEndpoints(cfg.Endpoints)
	diags.Append(d...)
	diags.Append(resolveRequestLimits(cfg, &out.Config)...)
	return out, out.OAuth, diags
}

// authMode is one of the ways to authenticate to Billing and the Developer
// Console.
type authMode int

const (
	authNone authMode = iota
	authAccessToken
	authOAuth
	authPAT
)

// chosenAuthMode is the mode the configuration chooses, else the one the
// environment names. An empty string counts as not set, so
// `access_token = var.token` with an empty default still falls back to the
// environment.
func chosenAuthMode(cfg providerModel) (authMode, diag.Diagnostics) {
	switch {
	case cfg.AccessToken.ValueString() != "":
		return authAccessToken, nil
	case cfg.OAuth != nil:
		return authOAuth, nil
	case cfg.PersonalAccessToken.ValueString() != "":
		return authPAT, nil
	}
	var named []authMode
	for _, m := range []struct {
		mode authMode
		env  string
	}{{authAccessToken, EnvAccessToken}, {authOAuth, EnvRefreshToken}, {authPAT, EnvPAT}} {
		if os.Getenv(m.env) != "" {
			named = append(named, m.mode)
		}
	}
	switch len(named) {
	case 0:
		return authNone, nil
	case 1:
		return named[0], nil
	}
	var diags diag.Diagnostics
	diags.AddError("Two ways of authenticating are set",
		"More than one of "+EnvAccessToken+", "+EnvRefreshToken+" and "+EnvPAT+" is set in the environment. "+
			"Unset all but one, or choose one in the provider configuration (access_token, oauth or personal_access_token).")
	return authNone, diags
}

// resolveCredentials fills the credentials of mode into out, each from the
// configuration or else its environment variable, and reports those that
// are missing.
func resolveCredentials(cfg providerModel, mode authMode, out *client.Config) diag.Diagnostics {
	var diags diag.Diagnostics
	switch mode {
	case authAccessToken:
		out.AccessToken = stringOr(cfg.AccessToken, EnvAccessToken)
	case authOAuth:
		var block oauthModel // null attributes when only the environment names oauth
		if cfg.OAuth != nil {
			block = *cfg.OAuth
		}
		out.OAuth = &client.OAuthConfig{
			ClientID:     stringOr(block.ClientID, EnvClientID),
			ClientSecret: stringOr(block.ClientSecret, EnvClientSecret),
			RefreshToken: stringOr(block.RefreshToken, EnvRefreshToken),
		}
		diags.Append(missingOAuthAttributes(*out.OAuth)...)
	case authPAT:
		out.PersonalAccessToken = stringOr(cfg.PersonalAccessToken, EnvPAT)
		out.AccountID = stringOr(cfg.AccountID, EnvAccountID)
		if out.AccountID == "" {
			diags.AddAttributeError(path.Root("account_id"), "Missing account_id",
				"personal_access_token (or "+EnvPAT+") is sent as Basic credentials together with the account it "+
					"belongs to: set account_id or "+EnvAccountID+".")
		}
	}
	return diags
}

func missingOAuthAttributes(oauth client.OAuthConfig) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, f := range []struct{ name, env, val string }{
		{"client_id", EnvClientID, oauth.ClientID},
		{"client_secret", EnvClientSecret, oauth.ClientSecret},
		{"refresh_token", EnvRefreshToken, oauth.RefreshToken},
	} {
		if f.val == "" {
			diags.AddAttributeError(path.Root("oauth").AtName(f.name), "Incomplete oauth configuration",
				"oauth."+f.name+" is not set. Set it in the oauth block or through "+f.env+".")
		}
	}
	return diags
}

// resolveProduct is the default billing product. The schema checks a
// configured value; the environment's is checked here.
func resolveProduct(configured types.String) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	product := stringOr(configured, EnvProduct)
	if product == "" {
		product = client.ProductLiveChat
	}
	if !client.IsBillingProduct(product) {
		diags.AddAttributeError(path.Root("product"), "Invalid product",
			fmt.Sprintf("product (or %s) must be one of %s; got %q.", EnvProduct, strings.Join(client.BillingProducts(), ", "), product))
	}
	return product, diags
}

// resolveTestMode is test_mode from the configuration, else from
// LIVECHAT_TEST_MODE (empty counts as not set), else false. A value that is
// not a boolean is refused rather than read as false: the setting guards
// against real charges.
func resolveTestMode(configured types.Bool) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !configured.IsNull() {
		return configured.ValueBool(), diags
	}
	raw := os.Getenv(EnvTestMode)
	if raw == "" {
		return false, diags
	}
	on, err := strconv.ParseBool(raw)
	if err != nil {
		diags.AddAttributeError(path.Root("test_mode"), "Invalid "+EnvTestMode,
			fmt.Sprintf("%s (the fallback of test_mode) must be true or false, got %q.", EnvTestMode, raw))
	}
	return on, diags
}

// resolveEndpoints takes the defaults, then LIVECHAT_API_URL for all four,
// then each address the endpoints block sets.
func resolveEndpoints(block *endpointsModel) (client.Endpoints, diag.Diagnostics) {
	var diags diag.Diagnostics
	out := client.DefaultEndpoints()
	if all := os.Getenv(EnvAPIURL); all != "" {
		if _, err := client.ValidateEndpoint(all); err != nil {
			diags.AddError("Invalid "+EnvAPIURL, EnvAPIURL+": "+err.Error())
		}
		out = client.Endpoints{Billing: all, Partners: all, Accounts: all, DeveloperConsole: all}
	}
	if block == nil {
		return out, diags
	}
	set := func(dst *string, v types.String) {
		if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
			*dst = v.ValueString()
		}
	}
	set(&out.Billing, block.Billing)
	set(&out.Partners, block.Partners)
	set(&out.Accounts, block.Accounts)
	set(&out.DeveloperConsole, block.DeveloperConsole)
	return out, diags
}

// resolveRequestLimits sets retries, the bound of one call and the rate
// limit, each from the configuration or its default.
func resolveRequestLimits(cfg providerModel, out *client.Config) diag.Diagnostics {
	var diags diag.Diagnostics
	out.MaxRetries = client.DefaultMaxRetries
	if !cfg.MaxRetries.IsNull() {
		out.MaxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	out.RequestTimeout = client.DefaultRequestTimeout
	if !cfg.RequestTimeout.IsNull() {
		// The schema's validator has refused a bad value already, unless the
		// caller skipped validation; the rule is the validator's own.
		d, problem := requestTimeoutRule.check(cfg.RequestTimeout.ValueString())
		if problem != "" {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout", "request_timeout "+problem)
		}
		out.RequestTimeout = d
	}
	if !cfg.RequestsPerSecond.IsNull() {
		out.RequestsPerSecond, _ = cfg.RequestsPerSecond.ValueBigFloat().Float64()
	}
	return diags
}

func (p *livechatProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewInAppUpgradeResource,
		NewPartnerCampaignResource,
		NewPartnerSubscriptionResource,
		NewRecurrentChargeResource,
		NewDirectChargeResource,
	}
}

func (p *livechatProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewLedgerBalanceDataSource,
		NewLedgerEntriesDataSource,
		NewRecurrentChargeDataSource,
		NewDirectChargeDataSource,
		NewDirectChargesDataSource,
		NewCouponsDataSource,
		NewCouponDataSource,
		NewPartnerBalanceDataSource,
		NewPartnerEarningsDataSource,
		NewPartnerCampaignsDataSource,
		NewPartnerCampaignSummaryDataSource,
	}
}

// ListResources are what `terraform query` lists, one for each resource
// (platform-api.md §4.10); the recurrent charges, which the platform cannot
// list, are found through their payments.
func (p *livechatProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewDirectChargeList,
		NewInAppUpgradeList,
		NewPartnerCampaignList,
		NewPartnerSubscriptionList,
		NewRecurrentChargeList,
	}
}

func (p *livechatProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewAccessTokenEphemeral,
	}
}

func (p *livechatProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		NewCheckoutURLFunction,
	}
}

// durationBetween checks a Go duration string at validation time: more
// than min and at most max. A string that is not a duration at all is
// reported by timetypes.GoDuration itself.
type durationBetween struct{ min, max time.Duration }

// requestTimeoutRule is the range of request_timeout.
var requestTimeoutRule = durationBetween{min: 0, max: time.Hour}

func (v durationBetween) Description(context.Context) string {
	return fmt.Sprintf("must be a duration more than %s and at most %s", shortDuration(v.min), shortDuration(v.max))
}

func (v durationBetween) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationBetween) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, problem := v.check(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), req.Path.String()+" "+problem)
	}
}

// check parses raw and says why it is out of range, or "".
func (v durationBetween) check(raw string) (time.Duration, string) {
	d, err := time.ParseDuration(raw)
	if err != nil || d <= v.min || d > v.max {
		return d, fmt.Sprintf("must be a Go duration such as 30s or 2m, more than %s and at most %s; got %q.",
			shortDuration(v.min), shortDuration(v.max), raw)
	}
	return d, ""
}

// shortDuration writes d as a person would, 1h rather than Go's 1h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// endpointValidator checks an endpoint URL at plan time.
type endpointValidator struct{}

func (endpointValidator) Description(context.Context) string {
	return "must be an absolute https URL (http only for a loopback address)"
}

func (v endpointValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (endpointValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := client.ValidateEndpoint(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid endpoint URL", req.Path.String()+": "+err.Error())
	}
}

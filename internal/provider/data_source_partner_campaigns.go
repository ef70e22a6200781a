package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var _ datasource.DataSourceWithConfigure = &partnerCampaignsDataSource{}

// NewPartnerCampaignsDataSource returns the livechat_partner_campaigns data source.
func NewPartnerCampaignsDataSource() datasource.DataSource { return &partnerCampaignsDataSource{} }

type partnerCampaignsDataSource struct {
	configuredDataSource
}

type partnerCampaignsModel struct {
	State     types.String               `tfsdk:"state"`
	Product   types.String               `tfsdk:"product"`
	Campaigns []partnerCampaignItemModel `tfsdk:"campaigns"`
}

type partnerCampaignItemModel struct {
	CampaignID     types.Int64       `tfsdk:"campaign_id"`
	Name           types.String      `tfsdk:"name"`
	Product        types.String      `tfsdk:"product"`
	Slug           types.String      `tfsdk:"slug"`
	URL            types.String      `tfsdk:"url"`
	ShortURL       types.String      `tfsdk:"short_url"`
	LandingPageURL types.String      `tfsdk:"landing_page_url"`
	TrialDuration  types.Int64       `tfsdk:"trial_duration"`
	Discount       types.String      `tfsdk:"discount"`
	CreatedAt      timetypes.RFC3339 `tfsdk:"created_at"`
	Active         types.Bool        `tfsdk:"active"`
}

func (d *partnerCampaignsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_partner_campaigns"
}

func (d *partnerCampaignsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Your Partner Program affiliate campaigns, active or disabled, with their numeric IDs. The " +
			"platform's list has the links but no IDs and its search has the IDs but no links, so this data source " +
			"reads both and joins them by slug and creation time. Needs the provider's `partner_token`.",
		Attributes: map[string]schema.Attribute{
			"state": schema.StringAttribute{
				MarkdownDescription: "`active` (the default) or `disabled`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.CampaignStateActive, client.CampaignStateDisabled)},
			},
			"product": schema.StringAttribute{
				MarkdownDescription: "Only campaigns of this product: `livechat`, `chatbot`, `helpdesk` or `partner_program`. All when not set.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.CampaignProducts()...)},
			},
			"campaigns": schema.ListNestedAttribute{
				MarkdownDescription: "The campaigns, oldest first.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"campaign_id":      schema.Int64Attribute{MarkdownDescription: "The numeric campaign ID; null if the search did not report this campaign.", Computed: true},
						"name":             schema.StringAttribute{MarkdownDescription: "The campaign's name.", Computed: true},
						"product":          schema.StringAttribute{MarkdownDescription: "The product it promotes.", Computed: true},
						"slug":             schema.StringAttribute{MarkdownDescription: "The slug (`pp_…`), the import ID of `livechat_partner_campaign`.", Computed: true},
						"url":              schema.StringAttribute{MarkdownDescription: "The tracked referral link.", Computed: true},
						"short_url":        schema.StringAttribute{MarkdownDescription: "The short referral link.", Computed: true},
						"landing_page_url": schema.StringAttribute{MarkdownDescription: "The landing page; null if the search did not report this campaign.", Computed: true},
						"trial_duration":   schema.Int64Attribute{MarkdownDescription: "Days of trial.", Computed: true},
						"discount":         schema.StringAttribute{MarkdownDescription: "The coupon label; null without a coupon.", Computed: true},
						"created_at": schema.StringAttribute{
							CustomType:          timetypes.RFC3339Type{},
							MarkdownDescription: "When it was created, RFC 3339 in UTC.",
							Computed:            true,
						},
						"active": schema.BoolAttribute{MarkdownDescription: "Whether the campaign is active.", Computed: true},
					},
				},
			},
		},
	}
}

func (d *partnerCampaignsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	cfg, ok := clientAndModel[partnerCampaignsModel](ctx, d.data, req.Config.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	listState, searchState := client.CampaignStateActive, client.CampaignStateActive
	if cfg.State.ValueString() == client.CampaignStateDisabled {
		listState, searchState = client.CampaignStateDisabled, client.CampaignStateArchived
	}
	c := d.data.client
	list, err := c.ListCampaignsShared(ctx, listState)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to list partner campaigns", err)
		return
	}
	found, err := c.SearchCampaigns(ctx, client.CampaignSearch{State: searchState, Product: cfg.Product.ValueString()})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to search partner campaigns", err)
		return
	}
	cfg.Campaigns = joinCampaigns(list, found, cfg.Product.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

// joinCampaigns merges the list (links, no ids) with the search (ids) by
// slug and creation time; a disabled name can be reused, so the slug alone
// is not unique among disabled campaigns.
func joinCampaigns(list []client.Campaign, found []client.CampaignSearchResult, product string) []partnerCampaignItemModel {
	type key struct {
		slug    string
		created int64
	}
	byKey := map[key]client.CampaignSearchResult{}
	for _, f := range found {
		byKey[key{f.Slug, f.CreatedAt.Unix()}] = f
	}
	out := []partnerCampaignItemModel{}
	for _, c := range list {
		if product != "" && c.Product != product {
			continue
		}
		item := partnerCampaignItemModel{
			CampaignID:     types.Int64Null(),
			Name:           types.StringValue(c.Name),
			Product:        types.StringValue(c.Product),
			Slug:           types.StringValue(c.Slug),
			URL:            types.StringValue(c.URL),
			ShortURL:       types.StringValue(c.ShortURL),
			LandingPageURL: types.StringNull(),
			TrialDuration:  types.Int64Value(c.TrialDuration),
			Discount:       types.StringPointerValue(c.Discount),
			CreatedAt:      partnerTimeValue(c.CreatedAt),
			Active:         types.BoolValue(c.Active),
		}
		if f, ok := byKey[key{c.Slug, c.CreatedAt.Unix()}]; ok {
			item.CampaignID = types.Int64Value(f.ID)
			item.LandingPageURL = types.StringValue(f.LandingPageURL)
		}
		out = append(out, item)
	}
	return out
}

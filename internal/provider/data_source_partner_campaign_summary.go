package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var _ datasource.DataSourceWithConfigure = &partnerCampaignSummaryDataSource{}

// NewPartnerCampaignSummaryDataSource returns the
// livechat_partner_campaign_summary data source.
func NewPartnerCampaignSummaryDataSource() datasource.DataSource {
	return &partnerCampaignSummaryDataSource{}
}

type partnerCampaignSummaryDataSource struct {
	configuredDataSource
}

type partnerCampaignSummaryModel struct {
	CampaignID      wholeNumber  `tfsdk:"campaign_id"`
	Clicks          types.Int64  `tfsdk:"clicks"`
	Trials          types.Int64  `tfsdk:"trials"`
	PaidConversions types.Int64  `tfsdk:"paid_conversions"`
	Earnings        types.String `tfsdk:"earnings"`
	EarningsCents   types.Int64  `tfsdk:"earnings_cents"`
}

func (d *partnerCampaignSummaryDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_partner_campaign_summary"
}

func (d *partnerCampaignSummaryDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The performance of one affiliate campaign, from the Partner Program's per-campaign " +
			"summary: the clicks on its links, the trials they started, the trials that became paid licenses, and the " +
			"commission the campaign earned. The platform reports earnings in dollars; they are given exactly as a " +
			"decimal string and as integer cents, never as a binary float. Needs the provider's `partner_token`. " +
			"The figures are read at every plan and refresh; `terraform apply -refresh-only` records newer ones in " +
			"the state without changing anything else.",
		Attributes: mergeAttributes(map[string]schema.Attribute{
			"campaign_id": schema.Int64Attribute{
				MarkdownDescription: "The platform's numeric campaign ID, at least 1: the `campaign_id` of a " +
					"`livechat_partner_campaign`, or of an item of the `livechat_partner_campaigns` data source. " +
					"Disabled campaigns keep their figures.",
				Required:   true,
				CustomType: countType,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"clicks":           schema.Int64Attribute{MarkdownDescription: "Clicks on the campaign's links.", Computed: true},
			"trials":           schema.Int64Attribute{MarkdownDescription: "Trials started through the campaign.", Computed: true},
			"paid_conversions": schema.Int64Attribute{MarkdownDescription: "Trials of the campaign that became paid licenses.", Computed: true},
		}, dollarsAttributes("earnings", "The commission the campaign earned")),
	}
}

func (d *partnerCampaignSummaryDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	cfg, ok := clientAndModel[partnerCampaignSummaryModel](ctx, d.data, req.Config.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	id := cfg.CampaignID.ValueInt64()
	sum, err := d.data.client.GetCampaignSummary(ctx, id)
	if err != nil {
		summary, detail := describeAPIError(fmt.Sprintf("Unable to read the summary of partner campaign %d", id), err)
		if client.IsNotFound(err) {
			detail += "\n\nFind campaign IDs with the livechat_partner_campaigns data source (state = \"disabled\" for disabled ones)."
		}
		resp.Diagnostics.AddAttributeError(path.Root("campaign_id"), summary, detail)
		return
	}
	m, diags := partnerCampaignSummaryModelFrom(id, sum)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// partnerCampaignSummaryModelFrom converts a summary; earnings go through
// the same exact conversion as every other partner dollar amount.
func partnerCampaignSummaryModelFrom(id int64, s *client.CampaignSummary) (partnerCampaignSummaryModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	m := partnerCampaignSummaryModel{
		CampaignID:      countValue(id),
		Clicks:          types.Int64Value(s.Click),
		Trials:          types.Int64Value(s.Trial),
		PaidConversions: types.Int64Value(s.Paid),
	}
	m.Earnings, m.EarningsCents = dollarsValues("earnings", s.Earnings, &diags)
	return m, diags
}

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var _ datasource.DataSourceWithConfigure = &partnerEarningsDataSource{}

// NewPartnerEarningsDataSource returns the livechat_partner_earnings data source.
func NewPartnerEarningsDataSource() datasource.DataSource { return &partnerEarningsDataSource{} }

type partnerEarningsDataSource struct {
	configuredDataSource
}

type partnerEarningsModel struct {
	Balance                   types.String          `tfsdk:"balance"`
	BalanceCents              types.Int64           `tfsdk:"balance_cents"`
	Blocked                   types.String          `tfsdk:"blocked"`
	BlockedCents              types.Int64           `tfsdk:"blocked_cents"`
	CommissionTotal           types.String          `tfsdk:"commission_total"`
	CommissionTotalCents      types.Int64           `tfsdk:"commission_total_cents"`
	CommissionLast30Days      types.String          `tfsdk:"commission_last_30_days"`
	CommissionLast30DaysCents types.Int64           `tfsdk:"commission_last_30_days_cents"`
	Withdrawals               types.String          `tfsdk:"withdrawals"`
	WithdrawalsCents          types.Int64           `tfsdk:"withdrawals_cents"`
	Pending                   types.String          `tfsdk:"pending"`
	PendingCents              types.Int64           `tfsdk:"pending_cents"`
	Affiliate                 *earningsProgramModel `tfsdk:"affiliate"`
	Solution                  *earningsProgramModel `tfsdk:"solution"`
}

type earningsProgramModel struct {
	CommissionTotal           types.String                    `tfsdk:"commission_total"`
	CommissionTotalCents      types.Int64                     `tfsdk:"commission_total_cents"`
	CommissionLast30Days      types.String                    `tfsdk:"commission_last_30_days"`
	CommissionLast30DaysCents types.Int64                     `tfsdk:"commission_last_30_days_cents"`
	Products                  map[string]earningsProductModel `tfsdk:"products"`
}

type earningsProductModel struct {
	CommissionTotal           types.String `tfsdk:"commission_total"`
	CommissionTotalCents      types.Int64  `tfsdk:"commission_total_cents"`
	CommissionLast30Days      types.String `tfsdk:"commission_last_30_days"`
	CommissionLast30DaysCents types.Int64  `tfsdk:"commission_last_30_days_cents"`
	Discount                  types.String `tfsdk:"discount"`
	DiscountCents             types.Int64  `tfsdk:"discount_cents"`
}

func (d *partnerEarningsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_partner_earnings"
}

func commissionAttributes() map[string]schema.Attribute {
	return mergeAttributes(
		dollarsAttributes("commission_total", "Commission earned in all"),
		dollarsAttributes("commission_last_30_days", "Commission earned in the last 30 days"),
	)
}

func programAttribute(desc string) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: desc,
		Computed:            true,
		Attributes: mergeAttributes(commissionAttributes(), map[string]schema.Attribute{
			"products": schema.MapNestedAttribute{
				MarkdownDescription: "The program's commission per product, keyed by product (`livechat`, `chatbot`, " +
					"`helpdesk`, `partner_program`, or others the platform adds).",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: mergeAttributes(commissionAttributes(),
						dollarsAttributes("discount", "What your clients saved (solution program; null elsewhere)")),
				},
			},
		}),
	}
}

func (d *partnerEarningsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Your Partner Program earnings: balance, blocked and pending amounts, withdrawals and commission, " +
			"in all and per program (affiliate, solution) and product. The platform reports dollars; each figure is " +
			"given exactly as a decimal string and as integer cents, never as a binary float. Needs the provider's " +
			"`partner_token`." + figuresReadAtPlan,
		Attributes: mergeAttributes(
			dollarsAttributes("balance", "Commission available to withdraw"),
			dollarsAttributes("blocked", "Commission on hold"),
			dollarsAttributes("withdrawals", "Commission paid out"),
			dollarsAttributes("pending", "Commission not yet available"),
			commissionAttributes(),
			map[string]schema.Attribute{
				"affiliate": programAttribute("Commission from the affiliate program (campaigns)."),
				"solution":  programAttribute("Commission from the solution program (client licenses), with client discounts."),
			},
		),
	}
}

func (d *partnerEarningsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.data, &resp.Diagnostics) {
		return
	}
	e, err := d.data.client.GetPartnerEarnings(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read partner earnings", err)
		return
	}
	m, diags := partnerEarningsModelFrom(e)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func partnerEarningsModelFrom(e *client.PartnerEarnings) (partnerEarningsModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	var m partnerEarningsModel
	m.Balance, m.BalanceCents = dollarsValues("balance", e.Balance, &diags)
	m.Blocked, m.BlockedCents = dollarsValues("blocked", e.Blocked, &diags)
	m.CommissionTotal, m.CommissionTotalCents = dollarsValues("commission_total", e.CommissionTotal, &diags)
	m.CommissionLast30Days, m.CommissionLast30DaysCents = dollarsValues("commission_last_30_days", e.CommissionLast30Days, &diags)
	m.Withdrawals, m.WithdrawalsCents = dollarsValues("withdrawals", e.Withdrawals, &diags)
	m.Pending, m.PendingCents = dollarsValues("pending", e.Pending, &diags)
	m.Affiliate = earningsProgramModelFrom("affiliate", e.Affiliate, &diags)
	m.Solution = earningsProgramModelFrom("solution", e.Solution, &diags)
	return m, diags
}

func earningsProgramModelFrom(name string, p client.EarningsProgram, diags *diag.Diagnostics) *earningsProgramModel {
	out := &earningsProgramModel{Products: map[string]earningsProductModel{}}
	out.CommissionTotal, out.CommissionTotalCents = dollarsValues(name+".commission_total", p.CommissionTotal, diags)
	out.CommissionLast30Days, out.CommissionLast30DaysCents = dollarsValues(name+".commission_last_30_days", p.CommissionLast30Days, diags)
	for product, v := range p.Products {
		var pm earningsProductModel
		prefix := name + ".products." + product + "."
		pm.CommissionTotal, pm.CommissionTotalCents = dollarsValues(prefix+"commission_total", v.CommissionTotal, diags)
		pm.CommissionLast30Days, pm.CommissionLast30DaysCents = dollarsValues(prefix+"commission_last_30_days", v.CommissionLast30Days, diags)
		pm.Discount, pm.DiscountCents = dollarsValues(prefix+"discount", v.Discount, diags)
		out.Products[product] = pm
	}
	return out
}

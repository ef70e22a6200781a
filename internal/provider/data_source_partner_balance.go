package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var _ datasource.DataSourceWithConfigure = &partnerBalanceDataSource{}

// NewPartnerBalanceDataSource returns the livechat_partner_balance data source.
func NewPartnerBalanceDataSource() datasource.DataSource { return &partnerBalanceDataSource{} }

type partnerBalanceDataSource struct {
	configuredDataSource
}

type partnerBalanceModel struct {
	Pending        types.String `tfsdk:"pending"`
	PendingCents   types.Int64  `tfsdk:"pending_cents"`
	Withdrawn      types.String `tfsdk:"withdrawn"`
	WithdrawnCents types.Int64  `tfsdk:"withdrawn_cents"`
	Available      types.String `tfsdk:"available"`
	AvailableCents types.Int64  `tfsdk:"available_cents"`
	Total          types.String `tfsdk:"total"`
	TotalCents     types.Int64  `tfsdk:"total_cents"`
}

func (d *partnerBalanceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_partner_balance"
}

// dollarsAttributes returns the pair of attributes for one dollar figure:
// the exact decimal string and the integer cents.
func dollarsAttributes(name, what string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		name: schema.StringAttribute{
			MarkdownDescription: what + ", in dollars, as the exact decimal the platform sent with at least two decimals (`\"362.00\"`).",
			Computed:            true,
		},
		name + "_cents": schema.Int64Attribute{
			MarkdownDescription: what + ", in integer cents (`36200` is $362.00); a fraction of a cent is rounded half away from zero.",
			Computed:            true,
		},
	}
}

func mergeAttributes(parts ...map[string]schema.Attribute) map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for _, p := range parts {
		for k, v := range p {
			out[k] = v
		}
	}
	return out
}

func (d *partnerBalanceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Your Partner Program balance: commission pending, withdrawn and available. The platform reports " +
			"dollars; each figure is given exactly as a decimal string and as integer cents, never as a binary float. " +
			"Needs the provider's `partner_token`." + figuresReadAtPlan,
		Attributes: mergeAttributes(
			dollarsAttributes("pending", "Commission not yet available"),
			dollarsAttributes("withdrawn", "Commission paid out"),
			dollarsAttributes("available", "Commission you can withdraw"),
			dollarsAttributes("total", "All commission: pending + withdrawn + available"),
		),
	}
}

func (d *partnerBalanceDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.data, &resp.Diagnostics) {
		return
	}
	b, err := d.data.client.GetPartnerBalance(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read the partner balance", err)
		return
	}
	m, diags := partnerBalanceModelFrom(b)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func partnerBalanceModelFrom(b *client.PartnerBalance) (partnerBalanceModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	var m partnerBalanceModel
	m.Pending, m.PendingCents = dollarsValues("pending", b.Pending, &diags)
	m.Withdrawn, m.WithdrawnCents = dollarsValues("withdrawn", b.Withdrawn, &diags)
	m.Available, m.AvailableCents = dollarsValues("available", b.Available, &diags)
	m.Total, m.TotalCents = dollarsValues("total", b.Total, &diags)
	return m, diags
}

// dollarsValues converts one amount; an amount the platform left out is null.
func dollarsValues(name string, d client.Dollars, diags *diag.Diagnostics) (types.String, types.Int64) {
	if !d.IsSet() {
		return types.StringNull(), types.Int64Null()
	}
	cents, exact, err := d.Cents()
	if err != nil {
		diags.AddError("Amount out of range", fmt.Sprintf("%s: %v.", name, err))
		return types.StringValue(d.String()), types.Int64Null()
	}
	if !exact {
		diags.AddWarning("Amount rounded to cents",
			fmt.Sprintf("The platform reported %s as %s dollars, a fraction of a cent; %s_cents is rounded to %d. "+
				"The string attribute keeps the exact value.", name, d.String(), name, cents))
	}
	return types.StringValue(d.String()), types.Int64Value(cents)
}

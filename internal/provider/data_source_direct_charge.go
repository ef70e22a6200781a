package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var _ datasource.DataSourceWithConfigure = &directChargeDataSource{}

// NewDirectChargeDataSource returns the livechat_direct_charge data source.
func NewDirectChargeDataSource() datasource.DataSource { return &directChargeDataSource{} }

type directChargeDataSource struct {
	configuredDataSource
}

// directChargeDataModel is one direct charge as the data sources show it
// (also the element of livechat_direct_charges).
type directChargeDataModel struct {
	chargeModel
	Quantity          wholeNumber  `tfsdk:"quantity"`
	RecurrentChargeID types.String `tfsdk:"recurrent_charge_id"`
}

func (d *directChargeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_direct_charge"
}

// directChargeDataAttributes are the attributes of one direct charge; the
// single data source takes id and product as inputs, the list computes them.
func directChargeDataAttributes(single bool) map[string]schema.Attribute {
	attrs := chargeDataAttributes(single, "The price of one unit in cents.")
	attrs["quantity"] = dataCount("How many units the buyer pays for.")
	attrs["per_account"] = dataBool("Whether the price is also per agent account.")
	attrs["status"] = dataString("The status: `pending`, `accepted`, `declined`, `processed`, `success` or `failed`.")
	attrs["recurrent_charge_id"] = dataString("The recurrent charge this payment belongs to, or null for a one-time charge.")
	return attrs
}

func (d *directChargeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a direct (one-time) charge of the LiveChat Billing API by its ID. Money is in cents.",
		Attributes:          directChargeDataAttributes(true),
	}
}

func (d *directChargeDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	readChargeData(ctx, d.data, req, resp, "direct charge", (*client.Client).GetDirectCharge, directChargeDataModelFrom)
}

// directChargeDataModelFrom converts a platform charge for the data sources.
func directChargeDataModelFrom(product string, c *client.DirectCharge) (directChargeDataModel, diag.Diagnostics) {
	common, diags := chargeModelFrom(product, client.ChargeTypeDirect, &c.ChargeCommon)
	return directChargeDataModel{
		chargeModel:       common,
		Quantity:          countValue(c.Quantity),
		RecurrentChargeID: stringOrNull(c.RecurrentChargeID),
	}, diags
}

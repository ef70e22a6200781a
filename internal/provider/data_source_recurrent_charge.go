package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var _ datasource.DataSourceWithConfigure = &recurrentChargeDataSource{}

// NewRecurrentChargeDataSource returns the livechat_recurrent_charge data source.
func NewRecurrentChargeDataSource() datasource.DataSource { return &recurrentChargeDataSource{} }

type recurrentChargeDataSource struct {
	configuredDataSource
}

// recurrentChargeDataModel is one recurrent charge as the data source
// shows it.
type recurrentChargeDataModel struct {
	chargeModel
	recurrentChargeFields
}

// recurrentChargeFields are what a recurrent charge has beyond every
// charge's fields, in the data source and the resource alike.
type recurrentChargeFields struct {
	ExternalID      types.String      `tfsdk:"external_id"`
	TrialDays       wholeNumber       `tfsdk:"trial_days"`
	Months          wholeNumber       `tfsdk:"months"`
	TrialEndsAt     timetypes.RFC3339 `tfsdk:"trial_ends_at"`
	CurrentChargeAt timetypes.RFC3339 `tfsdk:"current_charge_at"`
	NextChargeAt    timetypes.RFC3339 `tfsdk:"next_charge_at"`
	CancelledAt     timetypes.RFC3339 `tfsdk:"cancelled_at"`
}

func (d *recurrentChargeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_recurrent_charge"
}

func (d *recurrentChargeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := chargeDataAttributes(true, "The price of one period in cents.")
	attrs["external_id"] = dataString("The seller's own reference, or null.")
	attrs["trial_days"] = dataCount("Days of free trial.")
	attrs["months"] = dataCount("The billing period in months.")
	attrs["per_account"] = dataBool("Whether the price is per agent account.")
	attrs["status"] = dataString("The status: `pending`, `accepted`, `declined`, `processed`, `active`, `past_due`, `frozen` or `cancelled`.")
	attrs["trial_ends_at"] = dataTime("When the free trial ends (RFC 3339), or null.")
	attrs["current_charge_at"] = dataTime("When the current billing period started (RFC 3339), or null.")
	attrs["next_charge_at"] = dataTime("When the next payment falls due (RFC 3339), or null.")
	attrs["cancelled_at"] = dataTime("When the charge was cancelled (RFC 3339), or null.")
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a recurrent charge (subscription) of the LiveChat Billing API by its ID, for " +
			"example one created by your app outside Terraform. Money is in cents.",
		Attributes: attrs,
	}
}

func (d *recurrentChargeDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	readChargeData(ctx, d.data, req, resp, "recurrent charge", (*client.Client).GetRecurrentCharge, recurrentChargeDataModelFrom)
}

// recurrentChargeDataModelFrom converts a platform charge for the data
// source.
func recurrentChargeDataModelFrom(product string, c *client.RecurrentCharge) (recurrentChargeDataModel, diag.Diagnostics) {
	common, diags := chargeModelFrom(product, client.ChargeTypeRecurrent, &c.ChargeCommon)
	return recurrentChargeDataModel{chargeModel: common, recurrentChargeFields: recurrentChargeFieldsFrom(c)}, diags
}

// recurrentChargeFieldsFrom converts what only a recurrent charge has.
func recurrentChargeFieldsFrom(c *client.RecurrentCharge) recurrentChargeFields {
	return recurrentChargeFields{
		ExternalID:      stringOrNull(c.ExternalID),
		TrialDays:       countValue(c.TrialDays),
		Months:          countValue(c.Months),
		TrialEndsAt:     rfc3339(c.TrialEndsAt),
		CurrentChargeAt: rfc3339(c.CurrentChargeAt),
		NextChargeAt:    rfc3339(c.NextChargeAt),
		CancelledAt:     rfc3339(c.CancelledAt),
	}
}

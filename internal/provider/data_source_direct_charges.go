package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var _ datasource.DataSourceWithConfigure = &directChargesDataSource{}

// NewDirectChargesDataSource returns the livechat_direct_charges data source.
func NewDirectChargesDataSource() datasource.DataSource { return &directChargesDataSource{} }

type directChargesDataSource struct {
	configuredDataSource
}

type directChargesDataModel struct {
	Product           types.String            `tfsdk:"product"`
	Status            types.String            `tfsdk:"status"`
	RecurrentChargeID types.String            `tfsdk:"recurrent_charge_id"`
	Charges           []directChargeDataModel `tfsdk:"charges"`
}

// directChargeStatuses are the statuses the list can filter by.
var directChargeStatuses = []string{
	client.ChargePending, client.ChargeAccepted, client.ChargeDeclined,
	client.ChargeProcessed, client.ChargeSuccess, client.ChargeFailed,
}

func (d *directChargesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_direct_charges"
}

func (d *directChargesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the direct charges of a billing product, newest first, optionally only those with a " +
			"status or those that pay for one recurrent charge (its periodic payments). Money is in cents.",
		Attributes: map[string]schema.Attribute{
			"product": schema.StringAttribute{
				MarkdownDescription: "The billing product: `livechat` or `helpdesk`. Defaults to the provider's `product`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.BillingProducts()...)},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only charges with this status: `pending`, `accepted`, `declined`, `processed`, `success` or `failed`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(directChargeStatuses...)},
			},
			"recurrent_charge_id": schema.StringAttribute{
				MarkdownDescription: "Only the payments of this recurrent charge.",
				Optional:            true,
				Validators:          []validator.String{chargeIDRule},
			},
			"charges": schema.ListNestedAttribute{
				MarkdownDescription: "The matching direct charges, newest first.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: directChargeDataAttributes(false)},
			},
		},
	}
}

func (d *directChargesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	cfg, ok := clientAndModel[directChargesDataModel](ctx, d.data, req.Config.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	product := d.data.productOr(cfg.Product)
	charges, err := d.data.client.ListDirectCharges(ctx, product, client.DirectChargeFilter{
		Status:            cfg.Status.ValueString(),
		RecurrentChargeID: cfg.RecurrentChargeID.ValueString(),
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to list direct charges", err)
		return
	}
	cfg.Product = types.StringValue(product)
	cfg.Charges = make([]directChargeDataModel, 0, len(charges))
	for i := range charges {
		m, diags := directChargeDataModelFrom(product, &charges[i])
		resp.Diagnostics.Append(diags...)
		cfg.Charges = append(cfg.Charges, m)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

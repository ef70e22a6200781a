package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var _ datasource.DataSourceWithConfigure = &directChargeDataSource{}

// NewDirectChargeDataSource returns the livechat_direct_charge data source.
func NewDirectChargeDataSource() datasource.DataSource { return &directChargeDataSource{} }

type directChargeDataSource struct {
	data *providerData
}

// directChargeDataModel is one direct charge as the data sources show it
// (also the element of livechat_direct_charges).
type directChargeDataModel struct {
	ID                  types.String      `tfsdk:"id"`
	Product             types.String      `tfsdk:"product"`
	Name                types.String      `tfsdk:"name"`
	Price               types.Int64       `tfsdk:"price"`
	Quantity            types.Int64       `tfsdk:"quantity"`
	ReturnURL           types.String      `tfsdk:"return_url"`
	Test                types.Bool        `tfsdk:"test"`
	PerAccount          types.Bool        `tfsdk:"per_account"`
	Status              types.String      `tfsdk:"status"`
	RecurrentChargeID   types.String      `tfsdk:"recurrent_charge_id"`
	ConfirmationURL     types.String      `tfsdk:"confirmation_url"`
	CheckoutURL         types.String      `tfsdk:"checkout_url"`
	CommissionPercent   types.Int64       `tfsdk:"commission_percent"`
	BuyerOrganizationID types.String      `tfsdk:"buyer_organization_id"`
	BuyerLicenseID      types.Int64       `tfsdk:"buyer_license_id"`
	BuyerAccountID      types.String      `tfsdk:"buyer_account_id"`
	BuyerEntityID       types.String      `tfsdk:"buyer_entity_id"`
	SellerClientID      types.String      `tfsdk:"seller_client_id"`
	OrderClientID       types.String      `tfsdk:"order_client_id"`
	OrderOrganizationID types.String      `tfsdk:"order_organization_id"`
	CreatedAt           timetypes.RFC3339 `tfsdk:"created_at"`
	UpdatedAt           timetypes.RFC3339 `tfsdk:"updated_at"`
}

func (d *directChargeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_direct_charge"
}

// directChargeDataAttributes are the attributes of one direct charge; the
// single data source takes id and product as inputs, the list computes them.
func directChargeDataAttributes(single bool) map[string]schema.Attribute {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	num := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{MarkdownDescription: desc, Computed: true}
	}
	ts := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true, CustomType: timetypes.RFC3339Type{}}
	}
	attrs := map[string]schema.Attribute{
		"id":                    str("The charge ID."),
		"product":               str("The billing product the charge belongs to."),
		"name":                  str("The name the buyer sees."),
		"price":                 num("The price of one unit in cents."),
		"quantity":              num("How many units the buyer pays for."),
		"return_url":            str("Where the buyer returns after answering the charge."),
		"test":                  schema.BoolAttribute{MarkdownDescription: "Whether this is a test charge.", Computed: true},
		"per_account":           schema.BoolAttribute{MarkdownDescription: "Whether the price is also per agent account.", Computed: true},
		"status":                str("The status: `pending`, `accepted`, `declined`, `processed`, `success` or `failed`."),
		"recurrent_charge_id":   str("The recurrent charge this payment belongs to, or null for a one-time charge."),
		"confirmation_url":      str("The platform's page where the buyer answers the charge."),
		"checkout_url":          str("The Marketplace checkout link for the charge."),
		"commission_percent":    num("The platform's commission, in percent."),
		"buyer_organization_id": str("The buyer's organization ID."),
		"buyer_license_id":      num("The buyer's LiveChat license number."),
		"buyer_account_id":      str("The buyer's account ID."),
		"buyer_entity_id":       str("The buyer's login (email address)."),
		"seller_client_id":      str("The OAuth client ID of the app that created the charge."),
		"order_client_id":       str("The OAuth client ID of the app the charge pays for."),
		"order_organization_id": str("The organization ID of the app's owner."),
		"created_at":            ts("When the charge was created (RFC 3339)."),
		"updated_at":            ts("When the charge last changed (RFC 3339)."),
	}
	if single {
		attrs["id"] = schema.StringAttribute{
			MarkdownDescription: "The charge ID.",
			Required:            true,
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		}
		attrs["product"] = schema.StringAttribute{
			MarkdownDescription: "The billing product the charge belongs to: `livechat` or `helpdesk`. Defaults to the provider's `product`.",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.OneOf(ProductLiveChat, ProductHelpDesk)},
		}
	}
	return attrs
}

func (d *directChargeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a direct (one-time) charge of the LiveChat Billing API by its ID. Money is in cents.",
		Attributes:          directChargeDataAttributes(true),
	}
}

func (d *directChargeDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (d *directChargeDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.data, &resp.Diagnostics) {
		return
	}
	var cfg directChargeDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	product := d.data.product
	if !cfg.Product.IsNull() {
		product = cfg.Product.ValueString()
	}
	charge, err := d.data.client.GetDirectCharge(ctx, product, cfg.ID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read %s direct charge %s", product, cfg.ID.ValueString()), err)
		return
	}
	m, diags := directChargeDataFrom(product, charge)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// directChargeDataFrom converts a platform charge for the data sources.
func directChargeDataFrom(product string, c *client.DirectCharge) (directChargeDataModel, diag.Diagnostics) {
	m, diags := modelFromDirectCharge(product, types.BoolValue(true), c)
	return directChargeDataModel{
		ID: m.ID, Product: m.Product, Name: m.Name, Price: m.Price, Quantity: m.Quantity, ReturnURL: m.ReturnURL,
		Test: m.Test, PerAccount: m.PerAccount, Status: m.Status, RecurrentChargeID: stringOrNull(c.RecurrentChargeID),
		ConfirmationURL: m.ConfirmationURL, CheckoutURL: m.CheckoutURL, CommissionPercent: m.CommissionPercent,
		BuyerOrganizationID: m.BuyerOrganizationID, BuyerLicenseID: m.BuyerLicenseID, BuyerAccountID: m.BuyerAccountID,
		BuyerEntityID: m.BuyerEntityID, SellerClientID: m.SellerClientID, OrderClientID: m.OrderClientID,
		OrderOrganizationID: m.OrderOrganizationID, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
	}, diags
}

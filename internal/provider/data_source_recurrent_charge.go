package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = &recurrentChargeDataSource{}

// NewRecurrentChargeDataSource returns the livechat_recurrent_charge data source.
func NewRecurrentChargeDataSource() datasource.DataSource { return &recurrentChargeDataSource{} }

type recurrentChargeDataSource struct {
	data *providerData
}

type recurrentChargeDataModel struct {
	ID                  types.String      `tfsdk:"id"`
	Product             types.String      `tfsdk:"product"`
	Name                types.String      `tfsdk:"name"`
	Price               types.Int64       `tfsdk:"price"`
	ReturnURL           types.String      `tfsdk:"return_url"`
	ExternalID          types.String      `tfsdk:"external_id"`
	Test                types.Bool        `tfsdk:"test"`
	TrialDays           types.Int64       `tfsdk:"trial_days"`
	Months              types.Int64       `tfsdk:"months"`
	PerAccount          types.Bool        `tfsdk:"per_account"`
	Status              types.String      `tfsdk:"status"`
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
	TrialEndsAt         timetypes.RFC3339 `tfsdk:"trial_ends_at"`
	CurrentChargeAt     timetypes.RFC3339 `tfsdk:"current_charge_at"`
	NextChargeAt        timetypes.RFC3339 `tfsdk:"next_charge_at"`
	CancelledAt         timetypes.RFC3339 `tfsdk:"cancelled_at"`
	CreatedAt           timetypes.RFC3339 `tfsdk:"created_at"`
	UpdatedAt           timetypes.RFC3339 `tfsdk:"updated_at"`
}

func (d *recurrentChargeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_recurrent_charge"
}

func (d *recurrentChargeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	num := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{MarkdownDescription: desc, Computed: true}
	}
	ts := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true, CustomType: timetypes.RFC3339Type{}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a recurrent charge (subscription) of the LiveChat Billing API by its ID, for " +
			"example one created by your app outside Terraform. Money is in cents.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The charge ID.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"product": schema.StringAttribute{
				MarkdownDescription: "The billing product the charge belongs to: `livechat` or `helpdesk`. Defaults to the provider's `product`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.OneOf(ProductLiveChat, ProductHelpDesk)},
			},
			"name":                  str("The name the buyer sees."),
			"price":                 num("The price of one period in cents."),
			"return_url":            str("Where the buyer returns after answering the charge."),
			"external_id":           str("The seller's own reference, or null."),
			"test":                  schema.BoolAttribute{MarkdownDescription: "Whether this is a test charge.", Computed: true},
			"trial_days":            num("Days of free trial."),
			"months":                num("The billing period in months."),
			"per_account":           schema.BoolAttribute{MarkdownDescription: "Whether the price is per agent account.", Computed: true},
			"status":                str("The status: `pending`, `accepted`, `declined`, `processed`, `active`, `past_due`, `frozen` or `cancelled`."),
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
			"trial_ends_at":         ts("When the free trial ends (RFC 3339), or null."),
			"current_charge_at":     ts("When the current billing period started (RFC 3339), or null."),
			"next_charge_at":        ts("When the next payment falls due (RFC 3339), or null."),
			"cancelled_at":          ts("When the charge was cancelled (RFC 3339), or null."),
			"created_at":            ts("When the charge was created (RFC 3339)."),
			"updated_at":            ts("When the charge last changed (RFC 3339)."),
		},
	}
}

func (d *recurrentChargeDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (d *recurrentChargeDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.data, &resp.Diagnostics) {
		return
	}
	var cfg recurrentChargeDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	product := d.data.product
	if !cfg.Product.IsNull() {
		product = cfg.Product.ValueString()
	}
	charge, err := d.data.client.GetRecurrentCharge(ctx, product, cfg.ID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read %s recurrent charge %s", product, cfg.ID.ValueString()), err)
		return
	}
	m, diags := modelFromRecurrentCharge(product, types.BoolValue(true), charge)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, recurrentChargeDataFrom(m))...)
}

// recurrentChargeDataFrom drops the resource-only auto_activate.
func recurrentChargeDataFrom(m recurrentChargeResourceModel) recurrentChargeDataModel {
	return recurrentChargeDataModel{
		ID: m.ID, Product: m.Product, Name: m.Name, Price: m.Price, ReturnURL: m.ReturnURL, ExternalID: m.ExternalID,
		Test: m.Test, TrialDays: m.TrialDays, Months: m.Months, PerAccount: m.PerAccount, Status: m.Status,
		ConfirmationURL: m.ConfirmationURL, CheckoutURL: m.CheckoutURL, CommissionPercent: m.CommissionPercent,
		BuyerOrganizationID: m.BuyerOrganizationID, BuyerLicenseID: m.BuyerLicenseID, BuyerAccountID: m.BuyerAccountID,
		BuyerEntityID: m.BuyerEntityID, SellerClientID: m.SellerClientID, OrderClientID: m.OrderClientID,
		OrderOrganizationID: m.OrderOrganizationID, TrialEndsAt: m.TrialEndsAt, CurrentChargeAt: m.CurrentChargeAt,
		NextChargeAt: m.NextChargeAt, CancelledAt: m.CancelledAt, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
	}
}

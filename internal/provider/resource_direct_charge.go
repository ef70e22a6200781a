package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = &directChargeResource{}
	_ resource.ResourceWithImportState = &directChargeResource{}
	_ resource.ResourceWithModifyPlan  = &directChargeResource{}
)

// NewDirectChargeResource returns the livechat_direct_charge resource.
func NewDirectChargeResource() resource.Resource { return &directChargeResource{} }

type directChargeResource struct {
	data *providerData
}

type directChargeResourceModel struct {
	ID                  types.String      `tfsdk:"id"`
	Product             types.String      `tfsdk:"product"`
	Name                types.String      `tfsdk:"name"`
	Price               types.Int64       `tfsdk:"price"`
	Quantity            types.Int64       `tfsdk:"quantity"`
	ReturnURL           types.String      `tfsdk:"return_url"`
	Test                types.Bool        `tfsdk:"test"`
	PerAccount          types.Bool        `tfsdk:"per_account"`
	AutoActivate        types.Bool        `tfsdk:"auto_activate"`
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
	CreatedAt           timetypes.RFC3339 `tfsdk:"created_at"`
	UpdatedAt           timetypes.RFC3339 `tfsdk:"updated_at"`
}

func (r *directChargeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_direct_charge"
}

func (r *directChargeResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	replaceInt := []planmodifier.Int64{int64planmodifier.RequiresReplace()}
	replaceBool := []planmodifier.Bool{boolplanmodifier.RequiresReplace()}
	keepString := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	keepInt := []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}
	computedString := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true, PlanModifiers: keepString}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A direct (one-time) charge of the LiveChat Billing API: the buyer pays `price` × `quantity` " +
			"cents once. The charge is created `pending`; send the buyer to `confirmation_url` or `checkout_url` to accept " +
			"it. Once the buyer has accepted it, the next plan shows an in-place update and apply activates it (status " +
			"`processed`, then `success` or `failed` as the payment goes through), unless `auto_activate` is `false`.\n\n" +
			"~> **Immutable.** The platform cannot change a charge: changing any argument except `auto_activate` " +
			"creates a new charge, which the buyer must accept again. The old charge stays on the platform.\n\n" +
			"~> **Destroy cannot undo a charge.** The platform has no way to cancel or delete a direct charge, so " +
			"destroy (and replacement) only removes it from the Terraform state, with a warning at plan and apply time.",
		Attributes: map[string]schema.Attribute{
			"id": computedString("The charge ID (a UUID)."),
			"product": schema.StringAttribute{
				MarkdownDescription: "The billing product: `livechat` or `helpdesk`. Defaults to the provider's `product`. " +
					"A charge keeps the product it was created for when the provider's default changes; setting " +
					"another value here creates a new charge.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.OneOf(ProductLiveChat, ProductHelpDesk)},
				PlanModifiers: []planmodifier.String{keepStateWhenUnconfigured{}, stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The name the buyer sees, such as `10 extra seats`. Changing it creates a new charge.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       replace,
			},
			"price": schema.Int64Attribute{
				MarkdownDescription: "The price of one unit in **cents** (`1900` is $19.00), at least `1`. Changing it creates a new charge.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       replaceInt,
			},
			"quantity": schema.Int64Attribute{
				MarkdownDescription: "How many units the buyer pays for, at least `1`. Changing it creates a new charge.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       replaceInt,
			},
			"return_url": schema.StringAttribute{
				MarkdownDescription: "Where the buyer returns after answering the charge: an absolute `http` or `https` URL. " +
					"Changing it creates a new charge.",
				Required:      true,
				Validators:    []validator.String{absoluteHTTPURL{}},
				PlanModifiers: replace,
			},
			"test": schema.BoolAttribute{
				MarkdownDescription: "Whether this is a test charge that moves no money. Defaults to `false`. Changing it creates a new charge.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				PlanModifiers:       replaceBool,
			},
			"per_account": schema.BoolAttribute{
				MarkdownDescription: "Whether the price is also multiplied by the buyer's number of agent accounts. " +
					"Defaults to `false`. Changing it creates a new charge.",
				Optional:      true,
				Computed:      true,
				Default:       booldefault.StaticBool(false),
				PlanModifiers: replaceBool,
			},
			"auto_activate": schema.BoolAttribute{
				MarkdownDescription: "Whether apply activates the charge once the buyer has accepted it. The plan shows the " +
					"activation as an in-place update. Defaults to `true`. Changing it never creates a new charge.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"status": computedString("The charge's status: `pending`, `accepted`, `declined`, `processed`, `success` or " +
				"`failed` (other values the platform may add are passed through)."),
			"confirmation_url": computedString("The platform's page where the buyer accepts or declines the charge."),
			"checkout_url": computedString("The Marketplace checkout link for this charge " +
				"(`https://www.livechat.com/marketplace/checkout/charge/<id>/direct_charge`)."),
			"commission_percent": schema.Int64Attribute{
				MarkdownDescription: "The platform's commission on the payment, in percent.",
				Computed:            true,
				PlanModifiers:       keepInt,
			},
			"buyer_organization_id": computedString("The buyer's organization ID."),
			"buyer_license_id": schema.Int64Attribute{
				MarkdownDescription: "The buyer's LiveChat license number.",
				Computed:            true,
				PlanModifiers:       keepInt,
			},
			"buyer_account_id":      computedString("The buyer's account ID."),
			"buyer_entity_id":       computedString("The buyer's login (email address)."),
			"seller_client_id":      computedString("The OAuth client ID of the app that created the charge."),
			"order_client_id":       computedString("The OAuth client ID of the app the charge pays for."),
			"order_organization_id": computedString("The organization ID of the app's owner."),
			"created_at": schema.StringAttribute{
				CustomType:          timetypes.RFC3339Type{},
				MarkdownDescription: "When the charge was created (RFC 3339).",
				Computed:            true,
				PlanModifiers:       keepString,
			},
			"updated_at": schema.StringAttribute{
				CustomType:          timetypes.RFC3339Type{},
				MarkdownDescription: "When the charge last changed (RFC 3339).",
				Computed:            true,
				PlanModifiers:       keepString,
			},
		},
	}
}

func (r *directChargeResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (r *directChargeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	var plan directChargeResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	product := plan.Product.ValueString()
	if plan.Product.IsUnknown() || plan.Product.IsNull() {
		product = r.data.product
	}
	charge, err := r.data.client.CreateDirectCharge(ctx, product, directChargeRequestFrom(plan))
	if err != nil {
		summary, detail := describeAPIError("Unable to create direct charge", err)
		if !isAPIClientError(err) {
			detail += mayExistNote("direct charge")
		}
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	state, diags := modelFromDirectCharge(product, plan.AutoActivate, charge)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *directChargeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	var state directChargeResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	product := state.Product.ValueString()
	charge, err := r.data.client.GetDirectCharge(ctx, product, state.ID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read direct charge", err)
		return
	}
	next, diags := modelFromDirectCharge(product, state.AutoActivate, charge)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
}

// Update activates a charge when the plan says so; an auto_activate change
// alone only updates the state.
func (r *directChargeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	var plan, state directChargeResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !directActivationDue(state.Status, plan.AutoActivate) {
		state.AutoActivate = plan.AutoActivate
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	product := state.Product.ValueString()
	charge, err := r.data.client.ActivateDirectCharge(ctx, product, state.ID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to activate direct charge", err)
		return
	}
	next, diags := modelFromDirectCharge(product, plan.AutoActivate, charge)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
}

// Delete forgets the charge: the platform cannot cancel or delete it.
func (r *directChargeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state directChargeResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(directChargeDestroyWarning(state.ID.ValueString(), state.Status.ValueString()))
}

func (r *directChargeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defaultProduct := ProductLiveChat
	if r.data != nil {
		defaultProduct = r.data.product
	}
	product, id, err := parseChargeImportID(req.ID, defaultProduct)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("product"), product)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("auto_activate"), true)...)
}

// ModifyPlan fills in the default product of a new charge, warns before a
// destroy that nothing will be undone, and shows the activation of an
// accepted charge as an in-place update with status and updated_at unknown.
func (r *directChargeResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		var state directChargeResourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !resp.Diagnostics.HasError() {
			resp.Diagnostics.Append(directChargeDestroyWarning(state.ID.ValueString(), state.Status.ValueString()))
		}
		return
	}
	if req.State.Raw.IsNull() {
		var configured types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("product"), &configured)...)
		if configured.IsNull() && r.data != nil {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("product"), r.data.product)...)
		}
		return
	}
	var state directChargeResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if len(resp.RequiresReplace) > 0 {
		// The old charge is forgotten, not undone: say so before apply.
		resp.Diagnostics.Append(directChargeDestroyWarning(state.ID.ValueString(), state.Status.ValueString()))
		return
	}
	var autoActivate types.Bool
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("auto_activate"), &autoActivate)...)
	if resp.Diagnostics.HasError() || !directActivationDue(state.Status, autoActivate) {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), types.StringUnknown())...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("updated_at"), timetypes.NewRFC3339Unknown())...)
}

func directChargeDestroyWarning(id, status string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Direct charge is only removed from the Terraform state",
		fmt.Sprintf("The platform cannot cancel or delete direct charge %s (status %s). Destroying or replacing it "+
			"removes it from the Terraform state only; if the buyer accepts it later it can still be activated "+
			"outside Terraform.", id, status))
}

// directActivationDue reports whether apply should activate a charge in
// status with the planned auto_activate.
func directActivationDue(status types.String, autoActivate types.Bool) bool {
	return autoActivate.ValueBool() && status.ValueString() == client.ChargeAccepted
}

// directChargeRequestFrom builds the create request from a plan.
func directChargeRequestFrom(m directChargeResourceModel) client.DirectChargeRequest {
	return client.DirectChargeRequest{
		Name:       m.Name.ValueString(),
		Price:      m.Price.ValueInt64(),
		Quantity:   m.Quantity.ValueInt64(),
		ReturnURL:  m.ReturnURL.ValueString(),
		PerAccount: m.PerAccount.ValueBool(),
		Test:       m.Test.ValueBool(),
	}
}

// modelFromDirectCharge converts a platform charge into state. product and
// auto_activate are not part of the platform's object.
func modelFromDirectCharge(product string, autoActivate types.Bool, c *client.DirectCharge) (directChargeResourceModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	if autoActivate.IsNull() || autoActivate.IsUnknown() {
		autoActivate = types.BoolValue(true)
	}
	checkout := types.StringNull()
	if link, err := client.CheckoutURL(c.ID, client.ChargeTypeDirect, "", ""); err != nil {
		diags.AddWarning("No checkout link for this charge", "checkout_url is null: "+err.Error())
	} else {
		checkout = types.StringValue(link)
	}
	return directChargeResourceModel{
		ID:                  types.StringValue(c.ID),
		Product:             types.StringValue(product),
		Name:                types.StringValue(c.Name),
		Price:               types.Int64Value(c.Price),
		Quantity:            types.Int64Value(c.Quantity),
		ReturnURL:           types.StringValue(c.ReturnURL),
		Test:                types.BoolValue(c.Test),
		PerAccount:          types.BoolValue(c.PerAccount),
		AutoActivate:        autoActivate,
		Status:              types.StringValue(c.Status),
		ConfirmationURL:     types.StringValue(c.ConfirmationURL),
		CheckoutURL:         checkout,
		CommissionPercent:   types.Int64Value(c.CommissionPercent),
		BuyerOrganizationID: types.StringValue(c.BuyerOrganizationID),
		BuyerLicenseID:      types.Int64Value(c.BuyerLicenseID),
		BuyerAccountID:      types.StringValue(c.BuyerAccountID),
		BuyerEntityID:       types.StringValue(c.BuyerEntityID),
		SellerClientID:      types.StringValue(c.SellerClientID),
		OrderClientID:       types.StringValue(c.OrderClientID),
		OrderOrganizationID: types.StringValue(c.OrderOrganizationID),
		CreatedAt:           rfc3339(&c.CreatedAt),
		UpdatedAt:           rfc3339(&c.UpdatedAt),
	}, diags
}

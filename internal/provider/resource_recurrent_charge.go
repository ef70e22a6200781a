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
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = &recurrentChargeResource{}
	_ resource.ResourceWithImportState = &recurrentChargeResource{}
	_ resource.ResourceWithModifyPlan  = &recurrentChargeResource{}
)

// NewRecurrentChargeResource returns the livechat_recurrent_charge resource.
func NewRecurrentChargeResource() resource.Resource { return &recurrentChargeResource{} }

type recurrentChargeResource struct {
	data *providerData
}

type recurrentChargeResourceModel struct {
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
	TrialEndsAt         timetypes.RFC3339 `tfsdk:"trial_ends_at"`
	CurrentChargeAt     timetypes.RFC3339 `tfsdk:"current_charge_at"`
	NextChargeAt        timetypes.RFC3339 `tfsdk:"next_charge_at"`
	CancelledAt         timetypes.RFC3339 `tfsdk:"cancelled_at"`
	CreatedAt           timetypes.RFC3339 `tfsdk:"created_at"`
	UpdatedAt           timetypes.RFC3339 `tfsdk:"updated_at"`
}

func (r *recurrentChargeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_recurrent_charge"
}

func (r *recurrentChargeResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	replaceInt := []planmodifier.Int64{int64planmodifier.RequiresReplace()}
	replaceBool := []planmodifier.Bool{boolplanmodifier.RequiresReplace()}
	keepString := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	keepInt := []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}
	keepTime := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	timestamp := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{
			CustomType:          timetypes.RFC3339Type{},
			MarkdownDescription: desc,
			Computed:            true,
			PlanModifiers:       keepTime,
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A recurrent charge (subscription) of the LiveChat Billing API: the buyer pays `price` cents " +
			"every `months` months, after an optional free trial. The charge is created `pending`; send the buyer to " +
			"`confirmation_url` or `checkout_url` to accept it. Once the buyer has accepted it (or when a renewal " +
			"could not be collected and it is `frozen`), the next plan shows an in-place update and apply activates " +
			"it, unless `auto_activate` is `false`.\n\n" +
			"~> **Immutable.** The platform cannot change a charge: changing any argument except `auto_activate` " +
			"cancels this charge and creates a new one, which the buyer must accept again.\n\n" +
			"~> **Destroy cancels the subscription.** A charge that is already cancelled or declined is simply " +
			"forgotten; a charge the platform refuses to cancel is removed from the state with a warning. A charge " +
			"cancelled or declined outside Terraform is removed from the state at the next refresh (with a warning), " +
			"so the next plan proposes a new one.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The charge ID (a UUID).",
				Computed:            true,
				PlanModifiers:       keepString,
			},
			"product": schema.StringAttribute{
				MarkdownDescription: "The billing product: `livechat` or `helpdesk`. Defaults to the provider's `product`. " +
					"A charge keeps the product it was created for when the provider's default changes; setting " +
					"another value here replaces the charge.",
				Optional: true,
				Computed: true,
				Validators: []validator.String{
					stringvalidator.OneOf(ProductLiveChat, ProductHelpDesk),
				},
				PlanModifiers: []planmodifier.String{keepStateWhenUnconfigured{}, stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The name the buyer sees, such as `Chat Transcripts Pro`. Changing it replaces the charge.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       replace,
			},
			"price": schema.Int64Attribute{
				MarkdownDescription: "The price of one period in **cents** (`1900` is $19.00), at least `1`. Changing it replaces the charge.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       replaceInt,
			},
			"return_url": schema.StringAttribute{
				MarkdownDescription: "Where the buyer returns after answering the charge: an absolute `http` or `https` URL. " +
					"Changing it replaces the charge.",
				Required:      true,
				Validators:    []validator.String{absoluteHTTPURL{}},
				PlanModifiers: replace,
			},
			"external_id": schema.StringAttribute{
				MarkdownDescription: "Your own reference for the charge, stored by the platform. Changing it replaces the charge.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       replace,
			},
			"test": schema.BoolAttribute{
				MarkdownDescription: "Whether this is a test charge that moves no money. Defaults to `false`. Changing it replaces the charge.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				PlanModifiers:       replaceBool,
			},
			"trial_days": schema.Int64Attribute{
				MarkdownDescription: "Days of free trial before the first payment, `0` or more. Defaults to `0`. Changing it replaces the charge.",
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(0),
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
				PlanModifiers:       replaceInt,
			},
			"months": schema.Int64Attribute{
				MarkdownDescription: "The billing period in months, from `1` to `12` (`1` is monthly, `12` yearly). Defaults to `1`. " +
					"Changing it replaces the charge.",
				Optional:      true,
				Computed:      true,
				Default:       int64default.StaticInt64(1),
				Validators:    []validator.Int64{int64validator.Between(1, 12)},
				PlanModifiers: replaceInt,
			},
			"per_account": schema.BoolAttribute{
				MarkdownDescription: "Whether the price is per agent account of the buyer (price × number of accounts). " +
					"Defaults to `false`. Changing it replaces the charge.",
				Optional:      true,
				Computed:      true,
				Default:       booldefault.StaticBool(false),
				PlanModifiers: replaceBool,
			},
			"auto_activate": schema.BoolAttribute{
				MarkdownDescription: "Whether apply activates the charge once the buyer has accepted it (and retries a " +
					"`frozen` one). The plan shows the activation as an in-place update. Defaults to `true`. Changing " +
					"it never replaces the charge.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "The charge's status: `pending`, `accepted`, `declined`, `processed`, `active`, " +
					"`past_due`, `frozen` or `cancelled` (other values the platform may add are passed through).",
				Computed:      true,
				PlanModifiers: keepString,
			},
			"confirmation_url": schema.StringAttribute{
				MarkdownDescription: "The platform's page where the buyer accepts or declines the charge.",
				Computed:            true,
				PlanModifiers:       keepString,
			},
			"checkout_url": schema.StringAttribute{
				MarkdownDescription: "The Marketplace checkout link for this charge " +
					"(`https://www.livechat.com/marketplace/checkout/charge/<id>/recurrent_charge`).",
				Computed:      true,
				PlanModifiers: keepString,
			},
			"commission_percent": schema.Int64Attribute{
				MarkdownDescription: "The platform's commission on each payment, in percent.",
				Computed:            true,
				PlanModifiers:       keepInt,
			},
			"buyer_organization_id": schema.StringAttribute{
				MarkdownDescription: "The buyer's organization ID.",
				Computed:            true,
				PlanModifiers:       keepString,
			},
			"buyer_license_id": schema.Int64Attribute{
				MarkdownDescription: "The buyer's LiveChat license number.",
				Computed:            true,
				PlanModifiers:       keepInt,
			},
			"buyer_account_id": schema.StringAttribute{
				MarkdownDescription: "The buyer's account ID.",
				Computed:            true,
				PlanModifiers:       keepString,
			},
			"buyer_entity_id": schema.StringAttribute{
				MarkdownDescription: "The buyer's login (email address).",
				Computed:            true,
				PlanModifiers:       keepString,
			},
			"seller_client_id": schema.StringAttribute{
				MarkdownDescription: "The OAuth client ID of the app that created the charge.",
				Computed:            true,
				PlanModifiers:       keepString,
			},
			"order_client_id": schema.StringAttribute{
				MarkdownDescription: "The OAuth client ID of the app the charge pays for.",
				Computed:            true,
				PlanModifiers:       keepString,
			},
			"order_organization_id": schema.StringAttribute{
				MarkdownDescription: "The organization ID of the app's owner.",
				Computed:            true,
				PlanModifiers:       keepString,
			},
			"trial_ends_at":     timestamp("When the free trial ends (RFC 3339); null without a trial or before activation."),
			"current_charge_at": timestamp("When the current billing period started (RFC 3339); null before activation."),
			"next_charge_at":    timestamp("When the next payment falls due (RFC 3339); null when none is scheduled."),
			"cancelled_at":      timestamp("When the charge was cancelled (RFC 3339); null while it is not."),
			"created_at":        timestamp("When the charge was created (RFC 3339)."),
			"updated_at":        timestamp("When the charge last changed (RFC 3339)."),
		},
	}
}

func (r *recurrentChargeResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (r *recurrentChargeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	var plan recurrentChargeResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	product := plan.Product.ValueString()
	if plan.Product.IsUnknown() || plan.Product.IsNull() {
		product = r.data.product
	}
	charge, err := r.data.client.CreateRecurrentCharge(ctx, product, recurrentChargeRequestFrom(plan))
	if err != nil {
		summary, detail := describeAPIError("Unable to create recurrent charge", err)
		if !isAPIClientError(err) {
			detail += mayExistNote("recurrent charge")
		}
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	state, diags := modelFromRecurrentCharge(product, plan.AutoActivate, charge)
	resp.Diagnostics.Append(diags...)
	// The charge exists now: record it even if a conversion step complained.
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *recurrentChargeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	var state recurrentChargeResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	product, id := state.Product.ValueString(), state.ID.ValueString()
	charge, err := r.data.client.GetRecurrentCharge(ctx, product, id)
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read recurrent charge", err)
		return
	}
	if charge.Status == client.ChargeCancelled || charge.Status == client.ChargeDeclined {
		resp.Diagnostics.AddWarning(fmt.Sprintf("Recurrent charge %s is %s", id, charge.Status),
			fmt.Sprintf("The %s recurrent charge %q (%s) was %s outside Terraform and can never be active again, so "+
				"Terraform has removed it from the state. The next plan proposes a new charge, which the buyer must accept.",
				product, charge.Name, id, charge.Status))
		resp.State.RemoveResource(ctx)
		return
	}
	next, diags := modelFromRecurrentCharge(product, state.AutoActivate, charge)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
}

// Update activates a charge when the plan says so; an auto_activate change
// alone only updates the state.
func (r *recurrentChargeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	var plan, state recurrentChargeResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !recurrentActivationDue(state.Status, plan.AutoActivate) {
		state.AutoActivate = plan.AutoActivate
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	product, id := state.Product.ValueString(), state.ID.ValueString()
	charge, err := r.data.client.ActivateRecurrentCharge(ctx, product, id)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to activate recurrent charge", err)
		return
	}
	next, diags := modelFromRecurrentCharge(product, plan.AutoActivate, charge)
	resp.Diagnostics.Append(diags...)
	if charge.Status == client.ChargeFrozen {
		resp.Diagnostics.AddWarning("Recurrent charge is still frozen",
			fmt.Sprintf("The platform tried to collect the unpaid payment of recurrent charge %s again and failed. "+
				"The buyer must fix their payment method; the next plan proposes another activation.", id))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
}

func (r *recurrentChargeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	var state recurrentChargeResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	product, id := state.Product.ValueString(), state.ID.ValueString()
	_, err := r.data.client.CancelRecurrentCharge(ctx, product, id)
	switch {
	case err == nil, client.IsNotFound(err):
		return
	case client.IsUnprocessable(err):
		// Already over (cancelled or declined) is what destroy wanted.
		if charge, gerr := r.data.client.GetRecurrentCharge(ctx, product, id); gerr == nil &&
			(charge.Status == client.ChargeCancelled || charge.Status == client.ChargeDeclined) {
			return
		}
		_, detail := describeAPIError("", err)
		resp.Diagnostics.AddWarning("Recurrent charge could not be cancelled",
			fmt.Sprintf("The platform refused to cancel recurrent charge %s, so Terraform removed it from the state "+
				"without cancelling it. Check it with the platform.\n\n%s", id, detail))
	default:
		addAPIError(&resp.Diagnostics, "Unable to cancel recurrent charge", err)
	}
}

// ImportState accepts "<id>" (the provider's default product) or
// "<product>/<id>".
func (r *recurrentChargeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
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

// ModifyPlan fills in the default product of a new charge and shows an
// activation as an in-place update: when the buyer has accepted the charge
// (or a renewal failed and it is frozen) and auto_activate is true, the
// status and the timestamps that activation moves become unknown. The
// platform may answer processed before active, so no final value is
// guessed.
func (r *recurrentChargeResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
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
	if len(resp.RequiresReplace) > 0 {
		// Terraform plans the replacement as a new charge.
		return
	}
	var state recurrentChargeResourceModel
	var autoActivate types.Bool
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("auto_activate"), &autoActivate)...)
	if resp.Diagnostics.HasError() || !recurrentActivationDue(state.Status, autoActivate) {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), types.StringUnknown())...)
	for _, attr := range []string{"trial_ends_at", "current_charge_at", "next_charge_at", "updated_at"} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(attr), timetypes.NewRFC3339Unknown())...)
	}
}

// recurrentActivationDue reports whether apply should activate a charge in
// status with the planned auto_activate.
func recurrentActivationDue(status types.String, autoActivate types.Bool) bool {
	if !autoActivate.ValueBool() {
		return false
	}
	s := status.ValueString()
	return s == client.ChargeAccepted || s == client.ChargeFrozen
}

// recurrentChargeRequestFrom builds the create request from a plan.
func recurrentChargeRequestFrom(m recurrentChargeResourceModel) client.RecurrentChargeRequest {
	return client.RecurrentChargeRequest{
		Name:       m.Name.ValueString(),
		Price:      m.Price.ValueInt64(),
		ReturnURL:  m.ReturnURL.ValueString(),
		ExternalID: m.ExternalID.ValueString(),
		Test:       m.Test.ValueBool(),
		TrialDays:  m.TrialDays.ValueInt64(),
		Months:     m.Months.ValueInt64(),
		PerAccount: m.PerAccount.ValueBool(),
	}
}

// modelFromRecurrentCharge converts a platform charge into state. product
// and auto_activate are not part of the platform's object.
func modelFromRecurrentCharge(product string, autoActivate types.Bool, c *client.RecurrentCharge) (recurrentChargeResourceModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	if autoActivate.IsNull() || autoActivate.IsUnknown() {
		autoActivate = types.BoolValue(true)
	}
	checkout := types.StringNull()
	if link, err := client.CheckoutURL(c.ID, client.ChargeTypeRecurrent, "", ""); err != nil {
		diags.AddWarning("No checkout link for this charge", "checkout_url is null: "+err.Error())
	} else {
		checkout = types.StringValue(link)
	}
	return recurrentChargeResourceModel{
		ID:                  types.StringValue(c.ID),
		Product:             types.StringValue(product),
		Name:                types.StringValue(c.Name),
		Price:               types.Int64Value(c.Price),
		ReturnURL:           types.StringValue(c.ReturnURL),
		ExternalID:          stringOrNull(c.ExternalID),
		Test:                types.BoolValue(c.Test),
		TrialDays:           types.Int64Value(c.TrialDays),
		Months:              types.Int64Value(c.Months),
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
		TrialEndsAt:         rfc3339(c.TrialEndsAt),
		CurrentChargeAt:     rfc3339(c.CurrentChargeAt),
		NextChargeAt:        rfc3339(c.NextChargeAt),
		CancelledAt:         rfc3339(c.CancelledAt),
		CreatedAt:           rfc3339(&c.CreatedAt),
		UpdatedAt:           rfc3339(&c.UpdatedAt),
	}, diags
}

package provider

import (
	"context"
	"fmt"

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
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = &recurrentChargeResource{}
	_ resource.ResourceWithImportState = &recurrentChargeResource{}
	_ resource.ResourceWithModifyPlan  = &recurrentChargeResource{}
	_ resource.ResourceWithIdentity    = &recurrentChargeResource{}
)

// NewRecurrentChargeResource returns the livechat_recurrent_charge resource.
func NewRecurrentChargeResource() resource.Resource { return &recurrentChargeResource{} }

type recurrentChargeResource struct {
	configuredResource
}

// recurrentChargeResourceModel is the data sources' model of a recurrent
// charge and the resource-only auto_activate and deletion_protection.
type recurrentChargeResourceModel struct {
	chargeModel
	recurrentChargeFields
	AutoActivate       types.Bool `tfsdk:"auto_activate"`
	DeletionProtection types.Bool `tfsdk:"deletion_protection"`
}

func (r *recurrentChargeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_recurrent_charge"
}

func (r *recurrentChargeResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replaceInt := []planmodifier.Int64{int64planmodifier.RequiresReplace()}
	attrs := chargeResourceAttributes(chargeDescriptions{
		product: "The billing product: `livechat` or `helpdesk`. Defaults to the provider's `product`. " +
			"A charge keeps the product it was created for when the provider's default changes; setting " +
			"another value here replaces the charge.",
		name:  "The name the buyer sees, such as `Chat Transcripts Pro`. Changing it replaces the charge.",
		price: "The price of one period in **cents** (`1900` is $19.00), at least `1`. Changing it replaces the charge.",
		returnURL: "Where the buyer returns after answering the charge: an absolute `http` or `https` URL. " +
			"Changing it replaces the charge.",
		test: "Whether this is a test charge that moves no money. Defaults to the provider's `test_mode` (`false` " +
			"without it) when the charge is created; an existing charge that leaves it unset keeps its value, " +
			"so turning `test_mode` on or off never replaces a charge. Under `test_mode`, `test = false` fails " +
			"at plan time. Changing it replaces the charge.",
		checkoutURL: "The Marketplace checkout link for this charge " +
			"(`https://www.livechat.com/marketplace/checkout/charge/<id>/recurrent_charge`).",
	})
	attrs["external_id"] = schema.StringAttribute{
		MarkdownDescription: "Your own reference for the charge, stored by the platform. Changing it replaces the charge.",
		Optional:            true,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
	attrs["trial_days"] = schema.Int64Attribute{
		MarkdownDescription: "Days of free trial before the first payment, `0` or more. Defaults to `0`. Changing it replaces the charge.",
		CustomType:          countType,
		Optional:            true,
		Computed:            true,
		Default:             int64default.StaticInt64(0),
		Validators:          []validator.Int64{int64validator.AtLeast(0)},
		PlanModifiers:       replaceInt,
	}
	attrs["months"] = schema.Int64Attribute{
		MarkdownDescription: "The billing period in months, from `1` to `12` (`1` is monthly, `12` yearly). Defaults to `1`. " +
			"Changing it replaces the charge.",
		CustomType:    countType,
		Optional:      true,
		Computed:      true,
		Default:       int64default.StaticInt64(1),
		Validators:    []validator.Int64{int64validator.Between(1, 12)},
		PlanModifiers: replaceInt,
	}
	attrs["per_account"] = schema.BoolAttribute{
		MarkdownDescription: "Whether the price is per agent account of the buyer (price × number of accounts). " +
			"Defaults to `false`. Changing it replaces the charge.",
		Optional:      true,
		Computed:      true,
		Default:       booldefault.StaticBool(false),
		PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
	}
	attrs["auto_activate"] = schema.BoolAttribute{
		MarkdownDescription: "Whether apply activates the charge once the buyer has accepted it (and retries a " +
			"`frozen` one). The plan shows the activation as an in-place update. Defaults to `true`. Changing " +
			"it never replaces the charge.",
		Optional: true,
		Computed: true,
		Default:  booldefault.StaticBool(true),
	}
	attrs["deletion_protection"] = deletionProtectionAttribute()
	attrs["status"] = computedKeptString("The charge's status: `pending`, `accepted`, `declined`, `processed`, `active`, " +
		"`past_due`, `frozen` or `cancelled` (other values the platform may add are passed through).")
	attrs["commission_percent"] = computedKeptInt64("The platform's commission on each payment, in percent.")
	attrs["trial_ends_at"] = computedKeptTime("When the free trial ends (RFC 3339); null without a trial or before activation.")
	attrs["current_charge_at"] = computedKeptTime("When the current billing period started (RFC 3339); null before activation.")
	attrs["next_charge_at"] = computedKeptTime("When the next payment falls due (RFC 3339); null when none is scheduled.")
	attrs["cancelled_at"] = computedKeptTime("When the charge was cancelled (RFC 3339); null while it is not.")
	resp.Schema = schema.Schema{
		MarkdownDescription: recurrentChargeDescription,
		Attributes:          attrs,
	}
}

func (r *recurrentChargeResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = chargeIdentitySchema()
}

// recurrentChargeDescription is the resource's documentation.
const recurrentChargeDescription = "A recurrent charge (subscription) of the LiveChat Billing API: the buyer pays `price` cents " +
	"every `months` months, after an optional free trial. The charge is created `pending`; send the buyer to " +
	"`confirmation_url` or `checkout_url` to accept it. Once the buyer has accepted it (or when a renewal " +
	"could not be collected and it is `frozen`), the next plan shows an in-place update and apply activates " +
	"it, unless `auto_activate` is `false`.\n\n" +
	"~> **Immutable.** The platform cannot change a charge: changing any argument except `auto_activate` and " +
	"`deletion_protection` cancels this charge and creates a new one, which the buyer must accept again.\n\n" +
	"~> **Destroy cancels the subscription.** A charge that is already cancelled or declined is simply " +
	"forgotten; a charge the platform refuses to cancel is removed from the state with a warning. A charge " +
	"cancelled or declined outside Terraform is removed from the state at the next refresh (with a warning), " +
	"so the next plan proposes a new one.\n\n" +
	"~> **Plans that end or start payments say so.** A plan that destroys or replaces an `active` or `past_due` " +
	"charge warns that it ends a paying subscription (and fails with `deletion_protection = true`); a plan that " +
	"activates a charge warns that the buyer starts paying, and how much.\n\n" +
	"The platform cannot list recurrent charges. The `livechat_recurrent_charge` list resource (`terraform query`, " +
	"Terraform 1.14 and later) finds those it has billed, through their payments: the direct charges that name them " +
	"as `recurrent_charge_id`. Import any other by its ID."

// deletionProtectionAttribute is the Terraform-only guard of a paying
// subscription (see guardRecurrentChargeEnd).
func deletionProtectionAttribute() schema.BoolAttribute {
	return schema.BoolAttribute{
		MarkdownDescription: "Whether Terraform refuses a plan that destroys or replaces this charge while it is `active` " +
			"or `past_due`, a subscription the buyer pays for. Defaults to `false`. Such a plan always warns; with " +
			"protection it fails. To end a protected charge, set `deletion_protection = false` and apply first: the value " +
			"in the state decides, so turning it off in the same plan that destroys or replaces the charge is not enough. " +
			"A Terraform setting, never sent to the platform: changing it only updates the state (never a replacement), " +
			"and an import sets it to `false`.",
		Optional: true,
		Computed: true,
		Default:  booldefault.StaticBool(false),
	}
}

func (r *recurrentChargeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ok := clientAndModel[recurrentChargeResourceModel](ctx, r.data, req.Plan.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	product := r.data.productOr(plan.Product)
	res, err := r.data.client.CreateRecurrentCharge(ctx, product, recurrentChargeRequestFrom(plan))
	if err != nil {
		addCreateError(&resp.Diagnostics, recurrentChargeTarget, err)
		return
	}
	state, diags := recurrentChargeResourceModelFrom(product, plan, res.Object)
	resp.Diagnostics.Append(diags...)
	keepPlannedRecurrentCharge(&resp.Diagnostics, plan, &state)
	// The charge exists now: record it even if a conversion step complained.
	setStateAndIdentity(ctx, &resp.State, resp.Identity, state, &resp.Diagnostics)
}

// keepPlannedRecurrentCharge keeps the configured arguments of a charge the
// platform answered for differently (see keepPlanned).
func keepPlannedRecurrentCharge(diags *diag.Diagnostics, plan recurrentChargeResourceModel, state *recurrentChargeResourceModel) {
	var diffs []string
	keepPlannedCharge(&diffs, plan.chargeModel, &state.chargeModel)
	keepPlanned(&diffs, "external_id", plan.ExternalID, &state.ExternalID)
	keepPlanned(&diffs, "trial_days", plan.TrialDays, &state.TrialDays)
	keepPlanned(&diffs, "months", plan.Months, &state.Months)
	addAnswerDiffersWarning(diags, "recurrent charge", state.ID.ValueString(), diffs)
}

// recurrentChargeTarget names a recurrent charge in the diagnostics of a
// create. The platform cannot list recurrent charges, so the user is told
// where a charge shows up.
var recurrentChargeTarget = createTarget{
	what:          "recurrent charge",
	importCommand: "terraform import livechat_recurrent_charge.<name> <product>/<id>",
	findHint: "find its id: the platform cannot list recurrent charges, but the provider's TRACE log (TF_LOG_PROVIDER=TRACE) " +
		"of a run that gets an answer shows it, a buyer who opens the charge sees it in the confirmation link, and the " +
		"direct charges that bill it carry it as recurrent_charge_id",
}

func (r *recurrentChargeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	keepIdentityForRead(ctx, req, resp)
	state, ok := clientAndModel[recurrentChargeResourceModel](ctx, r.data, req.State.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	product, id := state.Product.ValueString(), state.ID.ValueString()
	charge, err := r.data.client.GetRecurrentCharge(ctx, product, id)
	if readFailed(ctx, resp, "Unable to read recurrent charge", err) {
		return
	}
	if recurrentChargeOver(charge) {
		resp.Diagnostics.AddWarning(fmt.Sprintf("Recurrent charge %s is %s", id, charge.Status),
			fmt.Sprintf("The %s recurrent charge %q (%s) was %s outside Terraform and can never be active again, so "+
				"Terraform has removed it from the state. The next plan proposes a new charge, which the buyer must accept.",
				product, charge.Name, id, charge.Status))
		resp.State.RemoveResource(ctx)
		return
	}
	next, diags := recurrentChargeResourceModelFrom(product, state, charge)
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
		state.AutoActivate, state.DeletionProtection = plan.AutoActivate, plan.DeletionProtection
		setStateAndIdentity(ctx, &resp.State, resp.Identity, state, &resp.Diagnostics)
		return
	}
	product, id := state.Product.ValueString(), state.ID.ValueString()
	charge, err := r.data.client.ActivateRecurrentCharge(ctx, product, id)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to activate recurrent charge", err)
		return
	}
	next, diags := recurrentChargeResourceModelFrom(product, plan, charge)
	resp.Diagnostics.Append(diags...)
	keepPlannedRecurrentCharge(&resp.Diagnostics, plan, &next)
	if charge.Status == client.ChargeFrozen {
		resp.Diagnostics.AddWarning("Recurrent charge is still frozen",
			fmt.Sprintf("The platform tried to collect the unpaid payment of recurrent charge %s again and failed. "+
				"The buyer must fix their payment method; the next plan proposes another activation.", id))
	}
	setStateAndIdentity(ctx, &resp.State, resp.Identity, next, &resp.Diagnostics)
}

func (r *recurrentChargeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ok := clientAndModel[recurrentChargeResourceModel](ctx, r.data, req.State.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	product, id := state.Product.ValueString(), state.ID.ValueString()
	_, err := r.data.client.CancelRecurrentCharge(ctx, product, id)
	switch {
	case err == nil, client.IsNotFound(err):
		return
	case client.IsUnprocessable(err):
		// Already over (cancelled or declined) is what destroy wanted.
		if charge, gerr := r.data.client.GetRecurrentCharge(ctx, product, id); gerr == nil && recurrentChargeOver(charge) {
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
// "<product>/<id>", or the identity of the same; an imported charge starts
// unprotected.
func (r *recurrentChargeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importChargeState(ctx, r.data, req, resp)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_protection"), false)...)
}

// ModifyPlan fills in the default product of a new charge and shows an
// activation as an in-place update: when the buyer has accepted the charge
// (or a renewal failed and it is frozen) and auto_activate is true, the
// status and the timestamps that activation moves become unknown. The
// platform may answer processed before active, so no final value is
// guessed. Activating warns what the buyer pays; ending a paying
// subscription warns, or fails under deletion_protection.
func (r *recurrentChargeResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	modifyChargePlan(ctx, r.data, req, resp, chargePlan{
		activationDue:   recurrentActivationDue,
		activationMoves: []string{"trial_ends_at", "current_charge_at", "next_charge_at", "updated_at"},
		inPlace:         []string{"auto_activate", "deletion_protection"},
		ending:          guardRecurrentChargeEnd,
		payment:         recurrentChargePayment,
	})
}

// guardRecurrentChargeEnd checks a plan that destroys (replace false) or
// replaces the charge in state. Ending an active or past_due charge ends a
// subscription the buyer pays for, and a new charge must be accepted again:
// the plan warns, or fails when the prior state has deletion_protection. The
// prior state decides, as protection must be switched off by an apply.
func guardRecurrentChargeEnd(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, replace bool) {
	var prior recurrentChargeResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	status := prior.Status.ValueString()
	if resp.Diagnostics.HasError() || (status != client.ChargeActive && status != client.ChargePastDue) {
		return
	}
	id := prior.ID.ValueString()
	verb, outcome := "Destroying", "destroys it, which cancels the subscription"
	if replace {
		verb, outcome = "Replacing", "replaces it, which cancels the subscription and creates a new charge that the "+
			"buyer must accept before paying again"
	}
	paying := fmt.Sprintf("Recurrent charge %s (%q) is %s: the buyer pays %s. This plan %s.",
		id, prior.Name.ValueString(), status, recurrentChargeTerms(prior.chargeModel, prior.recurrentChargeFields), outcome)
	if prior.DeletionProtection.ValueBool() {
		resp.Diagnostics.AddError(fmt.Sprintf("Recurrent charge %s is protected by deletion_protection", id),
			paying+" Its deletion_protection is true in the state, so Terraform refuses the plan. To go ahead, "+
				"first set deletion_protection = false on this resource, changing nothing else, and apply; then plan "+
				"the destroy or change again.")
		return
	}
	resp.Diagnostics.AddWarning(fmt.Sprintf("%s recurrent charge %s ends a paying subscription", verb, id),
		paying+" Set deletion_protection = true to make Terraform refuse such plans.")
}

// recurrentChargePayment is what the buyer of the charge in state pays
// once it is activated.
func recurrentChargePayment(ctx context.Context, state tfsdk.State) (string, diag.Diagnostics) {
	var m recurrentChargeResourceModel
	diags := state.Get(ctx, &m)
	if diags.HasError() {
		return "", diags
	}
	terms := recurrentChargeTerms(m.chargeModel, m.recurrentChargeFields)
	if days := m.TrialDays.ValueInt64(); days > 0 && m.Status.ValueString() == client.ChargeAccepted {
		terms += fmt.Sprintf(", the first payment after a %d-day free trial", days)
	}
	return terms, diags
}

// recurrentChargeTerms are a charge's price and period: "1900 cents
// ($19.00) per 1 month(s)".
func recurrentChargeTerms(c chargeModel, r recurrentChargeFields) string {
	terms := fmt.Sprintf("%s per %d month(s)", centsAndDollars(c.Price.ValueInt64()), r.Months.ValueInt64())
	if c.PerAccount.ValueBool() {
		terms += " for each of the buyer's agent accounts (per_account)"
	}
	return terms
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

// recurrentChargeOver reports a charge that can never be active again:
// cancelled, or declined by the buyer.
func recurrentChargeOver(c *client.RecurrentCharge) bool {
	return c.Status == client.ChargeCancelled || c.Status == client.ChargeDeclined
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

// recurrentChargeResourceModelFrom converts a platform charge into state.
// product and the Terraform settings (auto_activate, deletion_protection)
// are not part of the platform's object: they come from settings, the plan
// or the prior state.
func recurrentChargeResourceModelFrom(product string, settings recurrentChargeResourceModel, c *client.RecurrentCharge) (recurrentChargeResourceModel, diag.Diagnostics) {
	common, diags := chargeModelFrom(product, client.ChargeTypeRecurrent, &c.ChargeCommon)
	protection := settings.DeletionProtection
	if protection.IsNull() || protection.IsUnknown() {
		// A state written before the attribute existed is unprotected.
		protection = types.BoolValue(false)
	}
	return recurrentChargeResourceModel{
		chargeModel:           common,
		recurrentChargeFields: recurrentChargeFieldsFrom(c),
		AutoActivate:          autoActivateOrDefault(settings.AutoActivate),
		DeletionProtection:    protection,
	}, diags
}

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var (
	_ resource.ResourceWithConfigure        = &directChargeResource{}
	_ resource.ResourceWithImportState      = &directChargeResource{}
	_ resource.ResourceWithModifyPlan       = &directChargeResource{}
	_ resource.ResourceWithConfigValidators = &directChargeResource{}
	_ resource.ResourceWithIdentity         = &directChargeResource{}
)

// NewDirectChargeResource returns the livechat_direct_charge resource.
func NewDirectChargeResource() resource.Resource { return &directChargeResource{} }

type directChargeResource struct {
	configuredResource
}

type directChargeResourceModel struct {
	chargeModel
	Quantity     wholeNumber `tfsdk:"quantity"`
	AutoActivate types.Bool  `tfsdk:"auto_activate"`
}

func (r *directChargeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_direct_charge"
}

func (r *directChargeResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replaceBool := []planmodifier.Bool{boolplanmodifier.RequiresReplace()}
	attrs := chargeResourceAttributes(chargeDescriptions{
		product: "The billing product: `livechat` or `helpdesk`. Defaults to the provider's `product`. " +
			"A charge keeps the product it was created for when the provider's default changes; setting " +
			"another value here creates a new charge.",
		name:  "The name the buyer sees, such as `10 extra seats`. Changing it creates a new charge.",
		price: "The price of one unit in **cents** (`1900` is $19.00), at least `1`. Changing it creates a new charge.",
		returnURL: "Where the buyer returns after answering the charge: an absolute `http` or `https` URL. " +
			"Changing it creates a new charge.",
		test: "Whether this is a test charge that moves no money. Defaults to the provider's `test_mode` (`false` " +
			"without it) when the charge is created; an existing charge that leaves it unset keeps its value, " +
			"so turning `test_mode` on or off never replaces a charge. Under `test_mode`, `test = false` fails " +
			"at plan time. Changing it creates a new charge.",
		checkoutURL: "The Marketplace checkout link for this charge " +
			"(`https://www.livechat.com/marketplace/checkout/charge/<id>/direct_charge`).",
	})
	attrs["quantity"] = schema.Int64Attribute{
		MarkdownDescription: "How many units the buyer pays for, at least `1`. Changing it creates a new charge.",
		Required:            true,
		CustomType:          countType,
		Validators:          []validator.Int64{int64validator.AtLeast(1)},
		PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
	}
	attrs["per_account"] = schema.BoolAttribute{
		MarkdownDescription: "Whether the price is also multiplied by the buyer's number of agent accounts. " +
			"Defaults to `false`. Changing it creates a new charge.",
		Optional:      true,
		Computed:      true,
		Default:       booldefault.StaticBool(false),
		PlanModifiers: replaceBool,
	}
	attrs["auto_activate"] = schema.BoolAttribute{
		MarkdownDescription: "Whether apply activates the charge once the buyer has accepted it. The plan shows the " +
			"activation as an in-place update. Defaults to `true`. Changing it never creates a new charge.",
		Optional: true,
		Computed: true,
		Default:  booldefault.StaticBool(true),
	}
	attrs["status"] = computedKeptString("The charge's status: `pending`, `accepted`, `declined`, `processed`, `success` or " +
		"`failed` (other values the platform may add are passed through).")
	attrs["commission_percent"] = computedKeptInt64("The platform's commission on the payment, in percent.")
	resp.Schema = schema.Schema{
		MarkdownDescription: "A direct (one-time) charge of the LiveChat Billing API: the buyer pays `price` × `quantity` " +
			"cents once. The charge is created `pending`; send the buyer to `confirmation_url` or `checkout_url` to accept " +
			"it. Once the buyer has accepted it, the next plan shows an in-place update and apply activates it (status " +
			"`processed`, then `success` or `failed` as the payment goes through), unless `auto_activate` is `false`.\n\n" +
			"~> **Immutable.** The platform cannot change a charge: changing any argument except `auto_activate` " +
			"creates a new charge, which the buyer must accept again. The old charge stays on the platform.\n\n" +
			"~> **Destroy cannot undo a charge.** The platform has no way to cancel or delete a direct charge, so " +
			"destroy (and replacement) only removes it from the Terraform state, with a warning at plan and apply time.",
		Attributes: attrs,
	}
}

func (r *directChargeResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = chargeIdentitySchema()
}

func (r *directChargeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ok := clientAndModel[directChargeResourceModel](ctx, r.data, req.Plan.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	product := r.data.productOr(plan.Product)
	res, err := r.data.client.CreateDirectCharge(ctx, product, directChargeRequestFrom(plan))
	if err != nil {
		addCreateError(&resp.Diagnostics, directChargeTarget, err)
		return
	}
	if res.Adopted {
		addAdoptionWarning(&resp.Diagnostics, "direct charge", res.Object.ID, res.FailedWith)
	}
	addLookalikeWarning(&resp.Diagnostics, "direct charge", res.Object.ID, "pending direct charge",
		lookalikeResult{found: res.Lookalikes, unchecked: res.LookalikesUnchecked},
		"import it into a resource of its own ("+directChargeTarget.importCommand+") or leave it pending: a direct "+
			"charge cannot be cancelled, and one the buyer never accepts moves no money.")
	state, diags := directChargeResourceModelFrom(product, plan.AutoActivate, res.Object)
	resp.Diagnostics.Append(diags...)
	keepPlannedDirectCharge(&resp.Diagnostics, plan, &state)
	setStateAndIdentity(ctx, &resp.State, resp.Identity, state, &resp.Diagnostics)
}

// keepPlannedDirectCharge keeps the configured arguments of a charge the
// platform answered for differently (see keepPlanned).
func keepPlannedDirectCharge(diags *diag.Diagnostics, plan directChargeResourceModel, state *directChargeResourceModel) {
	var diffs []string
	keepPlannedCharge(&diffs, plan.chargeModel, &state.chargeModel)
	keepPlanned(&diffs, "quantity", plan.Quantity, &state.Quantity)
	addAnswerDiffersWarning(diags, "direct charge", state.ID.ValueString(), diffs)
}

// directChargeTarget names a direct charge in the diagnostics of a create.
var directChargeTarget = createTarget{
	what:          "direct charge",
	importCommand: "terraform import livechat_direct_charge.<name> <product>/<id>",
	findHint:      "look for it among your app's pending direct charges (the livechat_direct_charges data source with status = \"pending\")",
}

func (r *directChargeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	keepIdentityForRead(ctx, req, resp)
	state, ok := clientAndModel[directChargeResourceModel](ctx, r.data, req.State.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	product := state.Product.ValueString()
	charge, err := r.data.client.GetDirectCharge(ctx, product, state.ID.ValueString())
	if readFailed(ctx, resp, "Unable to read direct charge", err) {
		return
	}
	next, diags := directChargeResourceModelFrom(product, state.AutoActivate, charge)
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
		setStateAndIdentity(ctx, &resp.State, resp.Identity, state, &resp.Diagnostics)
		return
	}
	product := state.Product.ValueString()
	charge, err := r.data.client.ActivateDirectCharge(ctx, product, state.ID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to activate direct charge", err)
		return
	}
	next, diags := directChargeResourceModelFrom(product, plan.AutoActivate, charge)
	resp.Diagnostics.Append(diags...)
	keepPlannedDirectCharge(&resp.Diagnostics, plan, &next)
	setStateAndIdentity(ctx, &resp.State, resp.Identity, next, &resp.Diagnostics)
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
	importChargeState(ctx, r.data, req, resp)
}

// ModifyPlan fills in the default product of a new charge, warns before a
// destroy or replacement that nothing will be undone, and shows the
// activation of an accepted charge as an in-place update with status and
// updated_at unknown, warning that the buyer pays.
func (r *directChargeResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	modifyChargePlan(ctx, r.data, req, resp, chargePlan{
		activationDue:   directActivationDue,
		activationMoves: []string{"updated_at"},
		inPlace:         []string{"auto_activate"},
		ending: func(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, _ bool) {
			addForgetWarning(ctx, req, resp, directChargeDestroyWarning)
		},
		payment: directChargePayment,
	})
}

// ConfigValidators refuse a total (price × quantity) beyond 64 bits.
func (r *directChargeResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{priceTimesQuantityFits{}}
}

// directChargePayment is what the buyer of the charge in state pays:
// "1900 × 10 cents (price × quantity) = 19000 cents ($190.00), once".
func directChargePayment(ctx context.Context, state tfsdk.State) (string, diag.Diagnostics) {
	var m directChargeResourceModel
	diags := state.Get(ctx, &m)
	if diags.HasError() {
		return "", diags
	}
	return directChargeTerms(m.Price.ValueInt64(), m.Quantity.ValueInt64(), m.PerAccount.ValueBool()), diags
}

func directChargeTerms(price, quantity int64, perAccount bool) string {
	total := "more than the platform can hold"
	if t, ok := mulCents(price, quantity); ok {
		total = centsAndDollars(t)
	}
	terms := fmt.Sprintf("%d × %d cents (price × quantity) = %s, once", price, quantity, total)
	if perAccount {
		terms += ", multiplied by the number of the buyer's agent accounts (per_account)"
	}
	return terms
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

// directChargeResourceModelFrom converts a platform charge into state.
// product and auto_activate are not part of the platform's object.
func directChargeResourceModelFrom(product string, autoActivate types.Bool, c *client.DirectCharge) (directChargeResourceModel, diag.Diagnostics) {
	common, diags := chargeModelFrom(product, client.ChargeTypeDirect, &c.ChargeCommon)
	return directChargeResourceModel{
		chargeModel:  common,
		Quantity:     countValue(c.Quantity),
		AutoActivate: autoActivateOrDefault(autoActivate),
	}, diags
}

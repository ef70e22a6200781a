package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = &partnerSubscriptionResource{}
	_ resource.ResourceWithImportState = &partnerSubscriptionResource{}
	_ resource.ResourceWithModifyPlan  = &partnerSubscriptionResource{}
	_ resource.ResourceWithIdentity    = &partnerSubscriptionResource{}
)

var licenseIDRE = regexp.MustCompile(`^[0-9]+$`)

// NewPartnerSubscriptionResource returns the livechat_partner_subscription resource.
func NewPartnerSubscriptionResource() resource.Resource { return &partnerSubscriptionResource{} }

type partnerSubscriptionResource struct {
	configuredResource
}

type partnerSubscriptionModel struct {
	ID              types.String      `tfsdk:"id"`
	Product         types.String      `tfsdk:"product"`
	LicenseID       types.String      `tfsdk:"license_id"`
	Plan            types.String      `tfsdk:"plan"`
	BillingCycle    types.String      `tfsdk:"billing_cycle"`
	Seats           wholeNumber       `tfsdk:"seats"`
	CardTokenWO     types.String      `tfsdk:"card_token_wo"`
	ExpireOnDestroy types.Bool        `tfsdk:"expire_on_destroy"`
	Status          types.String      `tfsdk:"status"`
	CCAdded         types.Bool        `tfsdk:"cc_added"`
	Paid            types.Bool        `tfsdk:"paid"`
	EndAt           timetypes.RFC3339 `tfsdk:"end_at"`
}

func (r *partnerSubscriptionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_partner_subscription"
}

func (r *partnerSubscriptionResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The paid subscription of a client license that you, a solution partner, manage in the " +
			"Partner Program: plan, billing cycle and seats, charged to a card. Needs the provider's `partner_token`, and " +
			"`partner_password` to destroy.\n\n" +
			"The card is given as a one-time token from the card processor (Recurly), `card_token_wo`, a write-only " +
			"argument (Terraform 1.11 or later): it is sent once when the subscription is created and never stored in " +
			"state or plan. The provider never handles card numbers.\n\n" +
			"~> **Destroy closes the subscription** with the provider's `partner_password`. The license then runs until " +
			"the end of the billing cycle, or ends at once with `expire_on_destroy = true`. A subscription closed outside " +
			"Terraform is removed from state (with a warning) and the next plan creates it again, which charges the card " +
			"given in `card_token_wo`.\n\n" +
			"`plan`, `billing_cycle` and `seats` change in place; `product` and `license_id` replace the subscription.",
		Attributes: map[string]schema.Attribute{
			"id": computedKeptString("`<product>/<license_id>`, the import ID."),
			"product": schema.StringAttribute{
				MarkdownDescription: "The license's product: `livechat`, `chatbot` or `helpdesk`. Changing it replaces the subscription.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.LicenseProducts()...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"license_id": schema.StringAttribute{
				MarkdownDescription: "The client license number (`104130623`), as the platform writes it: a string of digits. " +
					"Changing it replaces the subscription.",
				Required: true,
				Validators: []validator.String{stringvalidator.RegexMatches(licenseIDRE,
					"must be a license number, digits only, such as 104130623")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"plan": schema.StringAttribute{
				MarkdownDescription: "The sales plan: `starter`, `team` or `business`. Changes in place.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.PlanStarter, client.PlanTeam, client.PlanBusiness)},
			},
			"billing_cycle": schema.StringAttribute{
				MarkdownDescription: "`monthly` or `annual` (annual is 15% off). Changes in place.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.BillingMonthly, client.BillingAnnual)},
			},
			"seats": schema.Int64Attribute{
				MarkdownDescription: "The number of users, at least 1. Changes in place.",
				Required:            true,
				CustomType:          countType,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"card_token_wo": schema.StringAttribute{
				MarkdownDescription: "A one-time card token from the card processor (Recurly), required to create the " +
					"subscription. Write-only: sent once on create, never stored in state or plan, and never compared, " +
					"so changing it later has no effect. Needs Terraform 1.11 or later.",
				Optional:   true,
				Sensitive:  true,
				WriteOnly:  true,
				Validators: []validator.String{notWhitespaceOnly{}},
			},
			"expire_on_destroy": schema.BoolAttribute{
				MarkdownDescription: "When `true`, destroying the subscription ends the license at once; when `false` " +
					"(the default) the license runs until the end of the paid billing cycle. Changing it only changes state.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"status":   computedKeptString("The license status the platform reports: `trial`, `paid`, `expired` or another value it adds."),
			"cc_added": computedKeptBool("Whether a card is on file for the license."),
			"paid":     computedKeptBool("Whether the license is paid for."),
			"end_at": schema.StringAttribute{
				CustomType: timetypes.RFC3339Type{},
				MarkdownDescription: "When the current billing cycle (or the license) ends, RFC 3339 in UTC. A change of " +
					"`billing_cycle` moves it.",
				Computed: true,
			},
		},
	}
}

// IdentitySchema is the segments of the import ID "<product>/<license_id>".
func (r *partnerSubscriptionResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"product":    identityString("The license's product: `livechat`, `chatbot` or `helpdesk`.", true),
		"license_id": identityString("The client license number, digits only, such as `104130623`.", true),
	}}
}

func (r *partnerSubscriptionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	var plan partnerSubscriptionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	// A write-only value is only in the configuration, never in the plan.
	var token types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("card_token_wo"), &token)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if token.IsNull() || token.ValueString() == "" {
		resp.Diagnostics.AddAttributeError(path.Root("card_token_wo"), "Missing card token",
			"card_token_wo is required to create a subscription: the platform charges the card it stands for. Get a token "+
				"from the card processor (Recurly) and pass it, for example from a sensitive variable.")
		return
	}
	c := r.data.client
	c.Secrets().Add(token.ValueString())
	product, lic := plan.Product.ValueString(), plan.LicenseID.ValueString()
	res, err := c.CreateSubscription(ctx, product, lic, subscriptionCreateFrom(plan, token.ValueString()))
	switch {
	case client.IsConflict(err):
		resp.Diagnostics.AddError("Partner subscription already exists", subscriptionConflictDetail(product, lic, err))
		return
	case client.IsNotFound(err):
		summary, detail := describeAPIError("Client license not found", err)
		resp.Diagnostics.AddAttributeError(path.Root("license_id"), summary,
			detail+fmt.Sprintf("\n\nCheck license_id %q and product %q: the license must be one of your client licenses.", lic, product))
		return
	case err != nil:
		addCreateError(&resp.Diagnostics, partnerSubscriptionTarget, err)
		return
	case res.Adopted:
		addAdoptionWarning(&resp.Diagnostics, "partner subscription", product+"/"+lic, res.FailedWith)
	}

	state := plan
	state.ID = types.StringValue(product + "/" + lic)
	state.CardTokenWO = types.StringNull()
	state.Status, state.CCAdded, state.Paid, state.EndAt = types.StringNull(), types.BoolNull(), types.BoolNull(), timetypes.NewRFC3339Null()
	// The subscription exists: record it before reading it back.
	setStateAndIdentity(ctx, &resp.State, resp.Identity, state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	l, err := c.GetLicense(ctx, product, lic)
	if err != nil {
		resp.Diagnostics.AddWarning("Subscription created, but the license could not be read",
			fmt.Sprintf("The subscription was created, but reading license %s failed: %s. status, cc_added, paid and end_at "+
				"are filled in at the next refresh.", lic, redactSecrets(err.Error())))
		return
	}
	applyLicenseComputed(&state, l)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// partnerSubscriptionTarget names a subscription in the diagnostics of a
// create: a second create may charge the card twice.
var partnerSubscriptionTarget = createTarget{
	what:          "partner subscription",
	importCommand: "terraform import livechat_partner_subscription.<name> <product>/<license_id>",
	findHint:      "check the license in the Partner Program dashboard (a second create may charge the card twice)",
}

func (r *partnerSubscriptionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	keepIdentityForRead(ctx, req, resp)
	state, ok := clientAndModel[partnerSubscriptionModel](ctx, r.data, req.State.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	product, lic := state.Product.ValueString(), state.LicenseID.ValueString()
	l, err := r.data.client.GetLicense(ctx, product, lic)
	if client.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Client license not found",
			fmt.Sprintf("The %s license %s no longer exists, so its subscription is removed from state.", product, lic))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read partner subscription", err)
		return
	}
	switch l.Subscription() {
	case client.SubscriptionUnsure:
		resp.Diagnostics.AddWarning("Partner subscription state unclear",
			fmt.Sprintf("The %s license %s does not say clearly whether its subscription is open (status %q). It is kept in "+
				"state as it was; check the license in the Partner Program dashboard.", product, lic, l.Status))
		return
	case client.SubscriptionClosed:
		resp.Diagnostics.AddWarning("Partner subscription closed outside Terraform",
			fmt.Sprintf("The %s license %s has no open subscription (status %q): it was closed outside Terraform. It is "+
				"removed from state, and the next plan proposes a new subscription, which charges the card in card_token_wo.",
				product, lic, l.Status))
		resp.State.RemoveResource(ctx)
		return
	}
	applyLicense(&state, l)
	state.ID = types.StringValue(product + "/" + lic)
	state.CardTokenWO = types.StringNull()
	if state.ExpireOnDestroy.IsNull() {
		state.ExpireOnDestroy = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *partnerSubscriptionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	var plan, prior partnerSubscriptionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	product, lic := plan.Product.ValueString(), plan.LicenseID.ValueString()
	changed := !plan.Plan.Equal(prior.Plan) || !plan.BillingCycle.Equal(prior.BillingCycle) || !plan.Seats.Equal(prior.Seats)
	if changed {
		err := c.UpdateSubscription(ctx, product, lic, client.SubscriptionUpdate{
			Plan: plan.Plan.ValueString(), BillingCycle: plan.BillingCycle.ValueString(), Seats: plan.Seats.ValueInt64()})
		if client.IsConflict(err) {
			summary, detail := describeAPIError("Partner subscription no longer exists", err)
			resp.Diagnostics.AddError(summary, detail+"\n\nThe subscription was closed outside Terraform since the last "+
				"refresh. Run terraform apply again: the refresh removes it and the plan creates a new one.")
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to update partner subscription", err)
			return
		}
	}
	state := plan
	state.CardTokenWO = types.StringNull()
	l, err := c.GetLicense(ctx, product, lic)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Subscription updated, but the license could not be read", err)
		// Keep what is known; end_at must not stay unknown.
		if state.EndAt.IsUnknown() {
			state.EndAt = prior.EndAt
		}
		setStateAndIdentity(ctx, &resp.State, resp.Identity, state, &resp.Diagnostics)
		return
	}
	applyLicenseComputed(&state, l)
	setStateAndIdentity(ctx, &resp.State, resp.Identity, state, &resp.Diagnostics)
}

func (r *partnerSubscriptionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ok := clientAndModel[partnerSubscriptionModel](ctx, r.data, req.State.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	product, lic := state.Product.ValueString(), state.LicenseID.ValueString()
	err := r.data.client.CloseSubscription(ctx, product, lic, state.ExpireOnDestroy.ValueBool())
	switch {
	case err == nil, client.IsNotFound(err), client.IsConflict(err):
		// Closed now, or already: the license is gone or has no open subscription.
	case errors.Is(err, client.ErrNoPartnerPassword):
		resp.Diagnostics.AddError("Partner password not configured", missingPartnerPasswordDetail(product, lic))
	case client.IsForbidden(err):
		summary, detail := describeAPIError("Unable to close partner subscription", err)
		resp.Diagnostics.AddError(summary, detail+"\n\nThe platform refused the partner password: check the provider's "+
			"partner_password (or "+EnvPartnerPassword+").")
	default:
		addAPIError(&resp.Diagnostics, "Unable to close partner subscription", err)
	}
}

// ImportState accepts "<product>/<license_id>" or the identity of the same.
func (r *partnerSubscriptionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	raw, byIdentity, diags := importedID(ctx, req, "product", "license_id")
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	product, lic, err := parseSubscriptionImportID(raw)
	if err != nil {
		addImportError(&resp.Diagnostics, byIdentity, err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), product+"/"+lic)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("product"), product)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("license_id"), lic)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("expire_on_destroy"), false)...)
	setIdentityFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// ModifyPlan fails, before anything is applied, a plan that destroys a
// subscription when the provider has no partner password, and one that
// creates a subscription without a card token.
func (r *partnerSubscriptionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		if !req.State.Raw.IsNull() && r.data != nil && r.data.client != nil && r.data.client.PartnerPassword() == "" {
			resp.Diagnostics.AddError("Partner password not configured", missingPartnerPasswordDetail("", ""))
		}
		return
	}
	requireCardTokenToCreate(ctx, req, resp)
}

// requireCardTokenToCreate fails a plan that creates the subscription
// (or replaces it, which creates a new one) without card_token_wo: the
// platform charges the card the token stands for. A write-only value is
// only in the configuration; an unknown one (from another resource) is
// known by apply. An update or an imported subscription needs no token.
func requireCardTokenToCreate(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !req.State.Raw.IsNull() {
		changed, diags := changedArguments(req)
		resp.Diagnostics.Append(diags...)
		if !slices.Contains(changed, "product") && !slices.Contains(changed, "license_id") {
			return
		}
	}
	var token types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("card_token_wo"), &token)...)
	if resp.Diagnostics.HasError() || token.IsUnknown() || (!token.IsNull() && token.ValueString() != "") {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("card_token_wo"), "Missing card token", missingCardTokenDetail)
}

// missingCardTokenDetail explains a missing card_token_wo.
const missingCardTokenDetail = "card_token_wo is required to create a subscription: the platform charges the card it " +
	"stands for. Get a one-time card token from the card processor (Recurly) and set card_token_wo to it, for example " +
	"from a sensitive variable: card_token_wo = var.card_token. It is write-only (Terraform 1.11 or later), so it is " +
	"never stored; after the subscription exists, updates need no token."

func missingPartnerPasswordDetail(product, lic string) string {
	what := "a partner subscription"
	if product != "" {
		what = fmt.Sprintf("the subscription of %s license %s", product, lic)
	}
	return fmt.Sprintf("Destroying %s closes it, and the platform requires your Partner Program password for that. Set the "+
		"provider's partner_password (or %s) and run again. Nothing was closed.", what, EnvPartnerPassword)
}

// parseSubscriptionImportID splits "<product>/<license_id>".
func parseSubscriptionImportID(id string) (product, lic string, err error) {
	parts, problem := splitImportID(id, 2, 2)
	if problem != "" {
		return "", "", fmt.Errorf("expected <product>/<license_id> such as livechat/104130623, got %q: %s", id, problem)
	}
	product, lic = parts[0], parts[1]
	if !slices.Contains(client.LicenseProducts(), product) {
		return "", "", fmt.Errorf("expected <product>/<license_id> with product livechat, chatbot or helpdesk, got product %q in %q", product, id)
	}
	if !licenseIDRE.MatchString(lic) {
		return "", "", fmt.Errorf("expected <product>/<license_id> with a license number of digits, got %q in %q", lic, id)
	}
	return product, lic, nil
}

func subscriptionConflictDetail(product, lic string, err error) string {
	_, detail := describeAPIError("", err)
	return fmt.Sprintf("The %s license %s already has a subscription, so Terraform cannot create one. To manage it with "+
		"Terraform, import it:\n\n  terraform import livechat_partner_subscription.<name> %s/%s\n\n(replace <name> with this "+
		"resource's name), or use an import block with id = \"%s/%s\".\n\n%s", product, lic, product, lic, product, lic, detail)
}

// subscriptionCreateFrom builds the create request; the token is used once.
func subscriptionCreateFrom(m partnerSubscriptionModel, token string) client.SubscriptionCreate {
	return client.SubscriptionCreate{Token: token, Plan: m.Plan.ValueString(),
		BillingCycle: m.BillingCycle.ValueString(), Seats: m.Seats.ValueInt64()}
}

// applyLicense takes the subscription's settings (drift) and the computed
// values from a license.
func applyLicense(m *partnerSubscriptionModel, l *client.License) {
	if l.Plan != nil {
		m.Plan = types.StringValue(*l.Plan)
	}
	if l.BillingCycle != nil {
		m.BillingCycle = types.StringValue(*l.BillingCycle)
	}
	if l.Seats != nil {
		m.Seats = countValue(*l.Seats)
	}
	applyLicenseComputed(m, l)
}

// applyLicenseComputed takes only the values the platform sets by itself.
func applyLicenseComputed(m *partnerSubscriptionModel, l *client.License) {
	m.Status = types.StringValue(l.Status)
	m.CCAdded = types.BoolValue(l.CCAdded)
	m.Paid = types.BoolValue(l.Paid)
	m.EndAt = partnerTimeValue(l.EndAt)
}

package provider

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

// Helpers shared by the charge resources and data sources: the attributes
// and state every charge has, and the steps of the resources' flows that do
// not depend on the kind of charge.

// chargeModel is the part of the state every charge has, in the resources
// and the data sources alike; their models embed it.
type chargeModel struct {
	ID                  types.String      `tfsdk:"id"`
	Product             types.String      `tfsdk:"product"`
	Name                types.String      `tfsdk:"name"`
	Price               wholeNumber       `tfsdk:"price"`
	ReturnURL           types.String      `tfsdk:"return_url"`
	Test                types.Bool        `tfsdk:"test"`
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
	CreatedAt           timetypes.RFC3339 `tfsdk:"created_at"`
	UpdatedAt           timetypes.RFC3339 `tfsdk:"updated_at"`
}

// chargeModelFrom converts the fields every platform charge has; kind
// (client.ChargeTypeDirect or client.ChargeTypeRecurrent) names the charge
// in its checkout link, and product is not part of the platform's object.
func chargeModelFrom(product, kind string, c *client.ChargeCommon) (chargeModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	checkout := types.StringNull()
	if link, err := client.CheckoutURL(c.ID, kind, "", ""); err != nil {
		diags.AddWarning("No checkout link for this charge", "checkout_url is null: "+err.Error())
	} else {
		checkout = types.StringValue(link)
	}
	return chargeModel{
		ID:                  types.StringValue(c.ID),
		Product:             types.StringValue(product),
		Name:                types.StringValue(c.Name),
		Price:               centsValue(c.Price),
		ReturnURL:           types.StringValue(c.ReturnURL),
		Test:                types.BoolValue(c.Test),
		PerAccount:          types.BoolValue(c.PerAccount),
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

// autoActivateOrDefault is auto_activate as state keeps it: true unless
// the plan or state says otherwise (an import or a data source has none).
func autoActivateOrDefault(v types.Bool) types.Bool {
	if v.IsNull() || v.IsUnknown() {
		return types.BoolValue(true)
	}
	return v
}

// chargeDescriptions are the sentences in which each charge resource
// describes the attributes both have, written whole so that a sentence of
// the documentation can be found in the code.
type chargeDescriptions struct {
	product, name, price, returnURL, test, checkoutURL string
}

// chargeResourceAttributes are the attributes both charge resources have;
// each resource adds its own (per_account, auto_activate, status and
// commission_percent included, which it describes in its own words).
func chargeResourceAttributes(d chargeDescriptions) map[string]schema.Attribute {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	return map[string]schema.Attribute{
		"id": computedKeptString("The charge ID (a UUID)."),
		"product": schema.StringAttribute{
			MarkdownDescription: d.product,
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.OneOf(client.BillingProducts()...)},
			PlanModifiers:       []planmodifier.String{keepStateWhenUnconfigured{}, stringplanmodifier.RequiresReplace()},
		},
		"name": schema.StringAttribute{
			MarkdownDescription: d.name,
			Required:            true,
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1), notWhitespaceOnly{}, noControlCharacters{}},
			PlanModifiers:       replace,
		},
		"price": schema.Int64Attribute{
			MarkdownDescription: d.price,
			Required:            true,
			CustomType:          centsType,
			Validators:          []validator.Int64{int64validator.AtLeast(1)},
			PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
		},
		"return_url": schema.StringAttribute{
			MarkdownDescription: d.returnURL,
			Required:            true,
			Validators:          []validator.String{absoluteHTTPURL{rule: "must be an absolute http or https URL, such as https://example.com/billing/done"}},
			PlanModifiers:       replace,
		},
		// test has no static default: a new charge's default is the
		// provider's test_mode, which only the resource's ModifyPlan knows
		// (planTest). An existing charge that leaves it unset keeps the
		// prior state's value.
		"test": schema.BoolAttribute{
			MarkdownDescription: d.test,
			Optional:            true,
			Computed:            true,
			PlanModifiers:       []planmodifier.Bool{keepStateWhenUnconfigured{}, boolplanmodifier.RequiresReplace()},
		},
		"checkout_url":          computedKeptString(d.checkoutURL),
		"confirmation_url":      computedKeptString("The platform's page where the buyer accepts or declines the charge."),
		"buyer_organization_id": computedKeptString("The buyer's organization ID."),
		"buyer_license_id":      computedKeptInt64("The buyer's LiveChat license number."),
		"buyer_account_id":      computedKeptString("The buyer's account ID."),
		"buyer_entity_id":       computedKeptString("The buyer's login (email address)."),
		"seller_client_id":      computedKeptString("The OAuth client ID of the app that created the charge."),
		"order_client_id":       computedKeptString("The OAuth client ID of the app the charge pays for."),
		"order_organization_id": computedKeptString("The organization ID of the app's owner."),
		"created_at":            computedKeptTime("When the charge was created (RFC 3339)."),
		"updated_at":            computedKeptTime("When the charge last changed (RFC 3339)."),
	}
}

// The computed attributes of the charge data sources.
func dataString(desc string) dsschema.StringAttribute {
	return dsschema.StringAttribute{MarkdownDescription: desc, Computed: true}
}

func dataInt64(desc string) dsschema.Int64Attribute {
	return dsschema.Int64Attribute{MarkdownDescription: desc, Computed: true}
}

// dataCents and dataCount are dataInt64 with the types the resources use
// for the same attributes, so that the models can be shared.
func dataCents(desc string) dsschema.Int64Attribute {
	return dsschema.Int64Attribute{MarkdownDescription: desc, Computed: true, CustomType: centsType}
}

func dataCount(desc string) dsschema.Int64Attribute {
	return dsschema.Int64Attribute{MarkdownDescription: desc, Computed: true, CustomType: countType}
}

func dataBool(desc string) dsschema.BoolAttribute {
	return dsschema.BoolAttribute{MarkdownDescription: desc, Computed: true}
}

func dataTime(desc string) dsschema.StringAttribute {
	return dsschema.StringAttribute{MarkdownDescription: desc, Computed: true, CustomType: timetypes.RFC3339Type{}}
}

// chargeDataAttributes are the attributes every charge data source shows;
// each adds its own. A single lookup (single) takes id and product as
// inputs; a list computes them. priceDescription says what price pays for.
func chargeDataAttributes(single bool, priceDescription string) map[string]dsschema.Attribute {
	attrs := map[string]dsschema.Attribute{
		"id":                    dataString("The charge ID."),
		"product":               dataString("The billing product the charge belongs to."),
		"name":                  dataString("The name the buyer sees."),
		"price":                 dataCents(priceDescription),
		"return_url":            dataString("Where the buyer returns after answering the charge."),
		"test":                  dataBool("Whether this is a test charge."),
		"confirmation_url":      dataString("The platform's page where the buyer answers the charge."),
		"checkout_url":          dataString("The Marketplace checkout link for the charge."),
		"commission_percent":    dataInt64("The platform's commission, in percent."),
		"buyer_organization_id": dataString("The buyer's organization ID."),
		"buyer_license_id":      dataInt64("The buyer's LiveChat license number."),
		"buyer_account_id":      dataString("The buyer's account ID."),
		"buyer_entity_id":       dataString("The buyer's login (email address)."),
		"seller_client_id":      dataString("The OAuth client ID of the app that created the charge."),
		"order_client_id":       dataString("The OAuth client ID of the app the charge pays for."),
		"order_organization_id": dataString("The organization ID of the app's owner."),
		"created_at":            dataTime("When the charge was created (RFC 3339)."),
		"updated_at":            dataTime("When the charge last changed (RFC 3339)."),
	}
	if single {
		attrs["id"] = dsschema.StringAttribute{
			MarkdownDescription: "The charge ID.",
			Required:            true,
			Validators:          []validator.String{chargeIDRule},
		}
		attrs["product"] = dsschema.StringAttribute{
			MarkdownDescription: "The billing product the charge belongs to: `livechat` or `helpdesk`. Defaults to the provider's `product`.",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.OneOf(client.BillingProducts()...)},
		}
	}
	return attrs
}

// chargeIDRule checks a charge ID that the provider puts in a request.
var chargeIDRule = idSegmentValidator{example: "1c286f7a-aab8-4384-8e09-dc6749c550cd"}

// productOr is the configured or planned product, or the provider's
// default when there is none (yet).
func (d *providerData) productOr(v types.String) string {
	if v.IsNull() || v.IsUnknown() {
		return d.product
	}
	return v.ValueString()
}

// readChargeData is the Read of a data source of one charge: the charge
// id in the configured product (or the provider's default), read with get
// (a client method) and converted with convert. what names the kind of
// charge in errors ("direct charge").
func readChargeData[C, M any](ctx context.Context, data *providerData, req datasource.ReadRequest, resp *datasource.ReadResponse, what string,
	get func(c *client.Client, ctx context.Context, product, id string) (*C, error), convert func(product string, c *C) (M, diag.Diagnostics)) {
	if !requireClient(data, &resp.Diagnostics) {
		return
	}
	var id, configured types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("id"), &id)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("product"), &configured)...)
	if resp.Diagnostics.HasError() {
		return
	}
	product := data.productOr(configured)
	charge, err := get(data.client, ctx, product, id.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read %s %s %s", product, what, id.ValueString()), err)
		return
	}
	m, diags := convert(product, charge)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// chargeIdentitySchema is the identity of both charge resources, the
// segments of their import ID "<product>/<id>".
func chargeIdentitySchema() identityschema.Schema {
	return identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"product": identityString("The billing product, `livechat` or `helpdesk`. An import that leaves it out "+
			"uses the provider's `product`.", false),
		"id": identityString("The charge ID (a UUID).", true),
	}}
}

// importChargeState takes "<id>" (the provider's default product) or
// "<product>/<id>", or the identity of the same, into a charge resource's
// state.
func importChargeState(ctx context.Context, data *providerData, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defaultProduct := client.ProductLiveChat
	if data != nil {
		defaultProduct = data.product
	}
	raw, byIdentity, diags := importedID(ctx, req, "product", "id")
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	product, id, err := parseChargeImportID(raw, defaultProduct)
	if err != nil {
		addImportError(&resp.Diagnostics, byIdentity, err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("product"), product)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("auto_activate"), true)...)
	setIdentityFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// chargePlan is what differs between the plans of the two charge
// resources.
type chargePlan struct {
	// activationDue reports whether apply should activate a charge in
	// status with the planned auto_activate.
	activationDue func(status types.String, autoActivate types.Bool) bool
	// activationMoves are the timestamps an activation changes.
	activationMoves []string
	// inPlace are the arguments whose change updates the charge in place;
	// a change of any other argument replaces it.
	inPlace []string
	// ending checks a plan that destroys (replace false) or replaces the
	// charge in req.State, adding its warnings or errors.
	ending func(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, replace bool)
	// payment says what the buyer of the charge in state pays once it is
	// activated ("1900 cents ($19.00) per 1 month(s)").
	payment func(ctx context.Context, state tfsdk.State) (string, diag.Diagnostics)
}

// modifyChargePlan fills in the default product of a new charge and shows
// an activation as an in-place update: when it is due, the status and the
// timestamps activation moves become unknown (the platform may answer
// processed before the final status, so no value is guessed), and a
// warning says what the buyer will pay. A destroy or replacement is
// checked by p.ending first.
func modifyChargePlan(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, p chargePlan) {
	if req.Plan.Raw.IsNull() {
		p.ending(ctx, req, resp, false)
		return
	}
	planTest(ctx, data, req, resp)
	if resp.Diagnostics.HasError() {
		return
	}
	// The steps below see the planned test.
	req.Plan = resp.Plan
	if req.State.Raw.IsNull() {
		var configured types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("product"), &configured)...)
		if configured.IsNull() && data != nil {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("product"), data.product)...)
		}
		return
	}
	changed, diags := changedArguments(req)
	resp.Diagnostics.Append(diags...)
	if slices.ContainsFunc(changed, func(a string) bool { return !slices.Contains(p.inPlace, a) }) {
		// Terraform plans a replacement: a new charge.
		p.ending(ctx, req, resp, true)
		return
	}
	var status types.String
	var autoActivate types.Bool
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("status"), &status)...)
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("auto_activate"), &autoActivate)...)
	if resp.Diagnostics.HasError() || !p.activationDue(status, autoActivate) {
		return
	}
	if refuseRealActivation(ctx, data, resp) {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), types.StringUnknown())...)
	for _, attr := range p.activationMoves {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(attr), timetypes.NewRFC3339Unknown())...)
	}
	addActivationWarning(ctx, req.State, resp, status.ValueString(), p.payment)
}

// planTest plans test: the configured value, else for a new charge the
// provider's default, its test_mode (platform-api.md §4.9). An existing
// charge that leaves test unset keeps what it is: turning test_mode on or
// off must never replace real charges with test ones (ending paying
// subscriptions) or test charges with real ones (moving money). Under
// test_mode, test = false fails the plan before any request. When the
// configuration or the provider's settings are not known yet, the plan
// made again at apply decides.
func planTest(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var configured types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("test"), &configured)...)
	if resp.Diagnostics.HasError() || configured.IsUnknown() || data == nil {
		return
	}
	if !configured.IsNull() {
		if data.testMode && !configured.ValueBool() {
			resp.Diagnostics.AddAttributeError(path.Root("test"), "Real charge refused in test mode", realChargeInTestMode)
		}
		return
	}
	if req.State.Raw.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("test"), types.BoolValue(data.testMode))...)
	}
}

// refuseRealActivation fails the plan of an activation of a real charge
// under test_mode (platform-api.md §4.9): the activation collects money,
// whether the charge was imported, created before test_mode was turned on,
// or created as a test charge by a platform that then made it a real one.
func refuseRealActivation(ctx context.Context, data *providerData, resp *resource.ModifyPlanResponse) bool {
	var test types.Bool
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("test"), &test)...)
	if data == nil || !data.testMode || resp.Diagnostics.HasError() || test.IsUnknown() || test.ValueBool() {
		return false
	}
	resp.Diagnostics.AddAttributeError(path.Root("auto_activate"), "Activation of a real charge refused in test mode",
		"The buyer has accepted this charge, which is a real charge (test = false on the platform), and activating it "+
			"collects money, but the provider's test_mode is on (test_mode = true in the provider block, or "+EnvTestMode+
			"). Set auto_activate = false to hold the activation, or turn test_mode off where real charges are meant.")
	return true
}

// realChargeInTestMode explains the refusal of test = false.
const realChargeInTestMode = "test = false asks for a real charge, which moves money, but the provider's test_mode is " +
	"on (test_mode = true in the provider block, or " + EnvTestMode + "), and test_mode allows only test charges. " +
	"Remove test = false (the charge is then a test charge), or turn test_mode off where real charges are meant."

// addActivationWarning tells that apply activates the charge in state, so
// the buyer pays: the plan itself shows only "status: known after apply".
func addActivationWarning(ctx context.Context, state tfsdk.State, resp *resource.ModifyPlanResponse, status string,
	payment func(context.Context, tfsdk.State) (string, diag.Diagnostics)) {
	var id, name types.String
	resp.Diagnostics.Append(state.GetAttribute(ctx, path.Root("id"), &id)...)
	resp.Diagnostics.Append(state.GetAttribute(ctx, path.Root("name"), &name)...)
	pays, diags := payment(ctx, state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	why := "The buyer has accepted"
	if status == client.ChargeFrozen {
		why = "A renewal of this charge could not be collected, and apply retries it. The buyer agreed to"
	}
	resp.Diagnostics.AddWarning(fmt.Sprintf("Apply activates charge %s and collects money", id.ValueString()),
		fmt.Sprintf("%s charge %s (%q): apply activates it, and the buyer pays %s. Set auto_activate = false "+
			"to hold the activation.", why, id.ValueString(), name.ValueString(), pays))
}

// changedArguments are the arguments (configurable attributes) whose
// planned value differs from the prior state. The framework does not pass
// the attributes' RequiresReplace results to a resource's ModifyPlan, so
// a resource finds its replacements here.
func changedArguments(req resource.ModifyPlanRequest) ([]string, diag.Diagnostics) {
	var diags diag.Diagnostics
	var plan, state map[string]tftypes.Value
	if err := req.Plan.Raw.As(&plan); err != nil {
		diags.AddError("Unable to read the plan", err.Error())
		return nil, diags
	}
	if err := req.State.Raw.As(&state); err != nil {
		diags.AddError("Unable to read the prior state", err.Error())
		return nil, diags
	}
	var changed []string
	for name, a := range req.Plan.Schema.GetAttributes() {
		if (a.IsRequired() || a.IsOptional()) && !plan[name].Equal(state[name]) {
			changed = append(changed, name)
		}
	}
	slices.Sort(changed)
	return changed, diags
}

// addForgetWarning adds warning(id, status) of the charge in state.
func addForgetWarning(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse,
	warning func(id, status string) diag.Diagnostic) {
	var id, status types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("status"), &status)...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(warning(id.ValueString(), status.ValueString()))
	}
}

// parseChargeImportID accepts "<id>" (the provider's default product) or
// "<product>/<id>".
func parseChargeImportID(raw, defaultProduct string) (product, id string, err error) {
	bad := func(why string) error {
		return fmt.Errorf("expected <id> or <product>/<id>, got %q (product is livechat or helpdesk): %s", raw, why)
	}
	parts, problem := splitImportID(raw, 1, 2)
	if problem != "" {
		return "", "", bad(problem)
	}
	if len(parts) == 1 {
		return defaultProduct, parts[0], nil
	}
	product, id = parts[0], parts[1]
	if !client.IsBillingProduct(product) {
		return "", "", bad(fmt.Sprintf("%q is not a product", product))
	}
	return product, id, nil
}

// rfc3339 converts a nullable platform timestamp.
func rfc3339(t *time.Time) timetypes.RFC3339 {
	if t == nil {
		return timetypes.NewRFC3339Null()
	}
	return timetypes.NewRFC3339TimeValue(*t)
}

// stringOrNull maps the platform's empty string to null.
func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// keepStateWhenUnconfigured keeps the prior state's value of an
// Optional+Computed attribute whose configuration is null. It lets the
// provider's default product change without moving (replacing) the charges
// created under the old default; for test it holds the value until
// planTest decides.
type keepStateWhenUnconfigured struct{}

var (
	_ planmodifier.String = keepStateWhenUnconfigured{}
	_ planmodifier.Bool   = keepStateWhenUnconfigured{}
)

func (keepStateWhenUnconfigured) Description(context.Context) string {
	return "When not configured, keeps the value the object was created with."
}

func (m keepStateWhenUnconfigured) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepStateWhenUnconfigured) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.ConfigValue.IsNull() && !req.StateValue.IsNull() && !req.StateValue.IsUnknown() {
		resp.PlanValue = req.StateValue
	}
}

func (keepStateWhenUnconfigured) PlanModifyBool(_ context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	if req.ConfigValue.IsNull() && !req.StateValue.IsNull() && !req.StateValue.IsUnknown() {
		resp.PlanValue = req.StateValue
	}
}

// keepPlannedCharge applies keepPlanned to the arguments every charge has.
func keepPlannedCharge(diffs *[]string, plan chargeModel, state *chargeModel) {
	keepPlanned(diffs, "name", plan.Name, &state.Name)
	keepPlanned(diffs, "price", plan.Price, &state.Price)
	keepPlanned(diffs, "return_url", plan.ReturnURL, &state.ReturnURL)
	keepPlanned(diffs, "test", plan.Test, &state.Test)
	keepPlanned(diffs, "per_account", plan.PerAccount, &state.PerAccount)
}

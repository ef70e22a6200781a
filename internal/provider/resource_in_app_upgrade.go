package provider

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = &inAppUpgradeResource{}
	_ resource.ResourceWithImportState = &inAppUpgradeResource{}
	_ resource.ResourceWithIdentity    = &inAppUpgradeResource{}
)

// NewInAppUpgradeResource returns the livechat_in_app_upgrade resource.
func NewInAppUpgradeResource() resource.Resource { return &inAppUpgradeResource{} }

type inAppUpgradeResource struct {
	configuredResource
}

type inAppUpgradeResourceModel struct {
	ID            types.String      `tfsdk:"id"`
	AppID         types.String      `tfsdk:"app_id"`
	Name          types.String      `tfsdk:"name"`
	Description   types.String      `tfsdk:"description"`
	WebhookURL    types.String      `tfsdk:"webhook_url"`
	WebhookSecret types.String      `tfsdk:"webhook_secret"`
	Type          types.String      `tfsdk:"type"`
	Price         wholeNumber       `tfsdk:"price"`
	PaymentType   types.String      `tfsdk:"payment_type"`
	Status        types.String      `tfsdk:"status"`
	CreatedAt     timetypes.RFC3339 `tfsdk:"created_at"`
	UpdatedAt     timetypes.RFC3339 `tfsdk:"updated_at"`
}

func (r *inAppUpgradeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_in_app_upgrade"
}

// upgradeNotBlank matches text with at least one character that is not a space.
var upgradeNotBlank = regexp.MustCompile(`\S`)

func (r *inAppUpgradeResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An in-app upgrade of a Developer Console app: something a customer of your app can " +
			"enable (and later disable) from inside LiveChat, free or for a one-time price, with the platform " +
			"notifying your `webhook_url` on every enable and disable. The platform keeps a 20% commission; the " +
			"app's owner cannot buy their own upgrade.\n\n" +
			"The platform documents upgrades only as a Developer Console form; this resource uses the " +
			"`/v2/applications/<app_id>/in-app-upgrades` endpoints of the Developer Console API.\n\n" +
			"~> `type` and `app_id` cannot change: changing either replaces the upgrade (a new `id`, and customers " +
			"of the old one are not moved). Every other argument is updated in place. Destroying the resource " +
			"deletes the upgrade.\n\n" +
			"~> `webhook_secret` is write-only on the platform: it is returned only when the upgrade is created. " +
			"After `terraform import` the secret is unknown and stays `null` in state until you set " +
			"`webhook_secret` in the configuration, which then updates it in place (never a replacement). " +
			"Removing `webhook_secret` from the configuration keeps the current secret.",
		Attributes: map[string]schema.Attribute{
			"id": computedKeptString("The upgrade's ID, eight lowercase letters such as `stsmuqjb`; it is the `id` of every webhook."),
			"app_id": schema.StringAttribute{
				MarkdownDescription: "The Developer Console app (client ID) the upgrade belongs to. Changing it replaces the upgrade.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{idSegmentValidator{example: "sandbox-app"}},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The name customers see, 1 to 64 characters. It is the `name` of every webhook.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.UTF8LengthBetween(1, 64),
					stringvalidator.RegexMatches(upgradeNotBlank, "must contain a character other than spaces"),
					noControlCharacters{},
				},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "One sentence that tells customers what the upgrade gives them, 1 to 200 characters.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.UTF8LengthBetween(1, 200),
					stringvalidator.RegexMatches(upgradeNotBlank, "must contain a character other than spaces"),
					noControlCharacters{lineBreaks: true},
				},
			},
			"webhook_url": schema.StringAttribute{
				MarkdownDescription: "Where the platform POSTs the JSON webhook `{\"id\",\"transaction\",\"organization\",\"license\",\"name\",\"type\":\"ENABLE|DISABLE\",\"quantity\"}` " +
					"when a customer enables or disables the upgrade. Your endpoint answers `200` to accept, or a `4xx` " +
					"with a short plain-text reason that the customer sees. Must be `https://` (plain `http://` only for a " +
					"loopback host such as `127.0.0.1` or `localhost`), and must not carry a secret in its query (such as " +
					"`token=`), which would be kept in plain state: authenticate deliveries with `webhook_secret`.",
				Required:   true,
				Validators: []validator.String{webhookURLValidator{}},
			},
			"webhook_secret": schema.StringAttribute{
				MarkdownDescription: "The secret that authenticates webhooks to your endpoint, 1 to 256 characters. " +
					"When omitted the provider generates one (32 random hexadecimal characters) and sends it with the create " +
					"request, so that a lost answer cannot lose it, and Terraform keeps it in state (sensitive), " +
					"so you can pass it to your endpoint's configuration. The platform never returns it again: after " +
					"an import it is `null` until set here. Changing it updates the upgrade in place.",
				Optional:      true,
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				Validators:    []validator.String{stringvalidator.UTF8LengthBetween(1, 256)},
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "`once`: the customer enables the upgrade once (quantity is always 1); `quantity`: " +
					"the customer can increase and decrease the amount, each disable mirroring an earlier enable. " +
					"Changing it replaces the upgrade.",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.OneOf(client.UpgradeTypeOnce, client.UpgradeTypeQuantity)},
			},
			"price": schema.Int64Attribute{
				MarkdownDescription: "One-time price in cents: `0` makes the upgrade free, otherwise `1` to `2000000` " +
					"($0.01 to $20,000.00). A price change applies to new purchases only: customers who already " +
					"enabled the upgrade keep the price they paid.",
				Required:   true,
				CustomType: centsType,
				Validators: []validator.Int64{int64validator.Between(0, client.UpgradeMaxPrice)},
			},
			"payment_type": schema.StringAttribute{
				MarkdownDescription: "Who pays: `organization` (once per organization, the default) or `account` (per agent account).",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(client.UpgradePaymentOrganization),
				Validators: []validator.String{
					stringvalidator.OneOf(client.UpgradePaymentOrganization, client.UpgradePaymentAccount),
				},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "The upgrade's status on the platform, such as `draft`. Read from the platform; unknown values are kept as they are.",
				Computed:            true,
			},
			"created_at": computedKeptTime("When the upgrade was created (RFC 3339)."),
			"updated_at": schema.StringAttribute{
				MarkdownDescription: "When the upgrade was last changed (RFC 3339).",
				CustomType:          timetypes.RFC3339Type{},
				Computed:            true,
			},
		},
	}
}

// IdentitySchema is the segments of the import ID "<app_id>/<id>".
func (r *inAppUpgradeResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"app_id": identityString("The Developer Console app (client ID) the upgrade belongs to.", true),
		"id":     identityString("The upgrade's ID, eight lowercase letters such as `stsmuqjb`.", true),
	}}
}

func (r *inAppUpgradeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ok := clientAndModel[inAppUpgradeResourceModel](ctx, r.data, req.Plan.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	res, secret, err := r.data.client.CreateInAppUpgrade(ctx, plan.AppID.ValueString(), inAppUpgradeCreateFrom(plan))
	if err != nil {
		addCreateError(&resp.Diagnostics, inAppUpgradeTarget, err)
		return
	}
	if res.Adopted {
		addAdoptionWarning(&resp.Diagnostics, "in-app upgrade", res.Object.ID, res.FailedWith)
	}
	addLookalikeWarning(&resp.Diagnostics, "in-app upgrade", res.Object.ID, "in-app upgrade",
		lookalikeResult{found: res.Lookalikes, unchecked: res.LookalikesUnchecked},
		"delete it in the Developer Console, or import it ("+inAppUpgradeTarget.importCommand+") and set its webhook_secret, "+
			"which the platform never shows.")
	state := inAppUpgradeResourceModelFrom(res.Object, types.StringValue(secret))
	keepPlannedUpgrade(&resp.Diagnostics, plan, &state)
	setStateAndIdentity(ctx, &resp.State, resp.Identity, state, &resp.Diagnostics)
}

// inAppUpgradeTarget names an upgrade in the diagnostics of a create.
var inAppUpgradeTarget = createTarget{
	what:          "in-app upgrade",
	importCommand: "terraform import livechat_in_app_upgrade.<name> <app_id>/<id>",
	findHint:      "look for it among the app's in-app upgrades in the Developer Console",
}

func (r *inAppUpgradeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	keepIdentityForRead(ctx, req, resp)
	state, ok := clientAndModel[inAppUpgradeResourceModel](ctx, r.data, req.State.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	u, err := r.data.client.GetInAppUpgrade(ctx, state.AppID.ValueString(), state.ID.ValueString())
	if readFailed(ctx, resp, "Unable to read in-app upgrade", err) {
		return
	}
	// The platform never returns the secret: keep the one in state.
	resp.Diagnostics.Append(resp.State.Set(ctx, inAppUpgradeResourceModelFrom(u, state.WebhookSecret))...)
}

func (r *inAppUpgradeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	var plan, state inAppUpgradeResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	appID, id := state.AppID.ValueString(), state.ID.ValueString()
	r.data.client.Secrets().Add(plan.WebhookSecret.ValueString())
	change := inAppUpgradeUpdateFrom(plan, state)
	var (
		u   *client.InAppUpgrade
		err error
	)
	if change.IsEmpty() {
		// Only computed values moved; read them back.
		u, err = r.data.client.GetInAppUpgrade(ctx, appID, id)
	} else {
		u, err = r.data.client.UpdateInAppUpgrade(ctx, appID, id, change)
	}
	if err != nil {
		summary := "Unable to update in-app upgrade"
		if client.IsNotFound(err) {
			summary = "In-app upgrade " + id + " no longer exists"
		}
		addAPIError(&resp.Diagnostics, summary, err)
		return
	}
	secret := state.WebhookSecret
	if change.WebhookSecret != nil {
		secret = types.StringValue(*change.WebhookSecret)
	}
	next := inAppUpgradeResourceModelFrom(u, secret)
	keepPlannedUpgrade(&resp.Diagnostics, plan, &next)
	setStateAndIdentity(ctx, &resp.State, resp.Identity, next, &resp.Diagnostics)
}

// keepPlannedUpgrade keeps the configured arguments of an upgrade the
// platform answered for differently (see keepPlanned).
func keepPlannedUpgrade(diags *diag.Diagnostics, plan inAppUpgradeResourceModel, state *inAppUpgradeResourceModel) {
	var diffs []string
	keepPlanned(&diffs, "name", plan.Name, &state.Name)
	keepPlanned(&diffs, "description", plan.Description, &state.Description)
	keepPlanned(&diffs, "webhook_url", plan.WebhookURL, &state.WebhookURL)
	keepPlanned(&diffs, "type", plan.Type, &state.Type)
	keepPlanned(&diffs, "price", plan.Price, &state.Price)
	keepPlanned(&diffs, "payment_type", plan.PaymentType, &state.PaymentType)
	addAnswerDiffersWarning(diags, "in-app upgrade", state.ID.ValueString(), diffs)
}

func (r *inAppUpgradeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ok := clientAndModel[inAppUpgradeResourceModel](ctx, r.data, req.State.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	err := r.data.client.DeleteInAppUpgrade(ctx, state.AppID.ValueString(), state.ID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to delete in-app upgrade", err)
	}
}

// ImportState accepts "<app_id>/<id>" or the identity of the same.
func (r *inAppUpgradeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	raw, byIdentity, diags := importedID(ctx, req, "app_id", "id")
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	appID, id, err := parseInAppUpgradeImportID(raw)
	if err != nil {
		addImportError(&resp.Diagnostics, byIdentity, err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("app_id"), appID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	setIdentityFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// parseInAppUpgradeImportID splits "<app_id>/<id>".
func parseInAppUpgradeImportID(raw string) (string, string, error) {
	parts, problem := splitImportID(raw, 2, 2)
	if problem != "" {
		return "", "", fmt.Errorf("expected <app_id>/<id> such as sandbox-app/stsmuqjb, got %q: %s", raw, problem)
	}
	return parts[0], parts[1], nil
}

// inAppUpgradeResourceModelFrom builds the state of an upgrade; secret comes from
// the create answer, the configuration or the prior state, because the
// platform never returns it.
func inAppUpgradeResourceModelFrom(u *client.InAppUpgrade, secret types.String) inAppUpgradeResourceModel {
	return inAppUpgradeResourceModel{
		ID:            types.StringValue(u.ID),
		AppID:         types.StringValue(u.AppID),
		Name:          types.StringValue(u.Name),
		Description:   types.StringValue(u.Description),
		WebhookURL:    types.StringValue(u.WebhookURL),
		WebhookSecret: secret,
		Type:          types.StringValue(u.Type),
		Price:         centsValue(u.Price),
		PaymentType:   types.StringValue(u.PaymentType),
		Status:        types.StringValue(u.Status),
		CreatedAt:     timetypes.NewRFC3339TimeValue(u.CreatedAt.UTC()),
		UpdatedAt:     timetypes.NewRFC3339TimeValue(u.UpdatedAt.UTC()),
	}
}

// inAppUpgradeCreateFrom builds the create body; an unknown secret (not
// configured) is left empty for the client to generate.
func inAppUpgradeCreateFrom(m inAppUpgradeResourceModel) client.InAppUpgradeCreate {
	in := client.InAppUpgradeCreate{
		Name:        m.Name.ValueString(),
		Description: m.Description.ValueString(),
		WebhookURL:  m.WebhookURL.ValueString(),
		Type:        m.Type.ValueString(),
		Price:       m.Price.ValueInt64(),
		PaymentType: m.PaymentType.ValueString(),
	}
	if !m.WebhookSecret.IsNull() && !m.WebhookSecret.IsUnknown() {
		in.WebhookSecret = m.WebhookSecret.ValueString()
	}
	return in
}

// inAppUpgradeUpdateFrom builds a PATCH of the arguments that differ
// between plan and state. The secret is sent only when the configuration
// sets a new one.
func inAppUpgradeUpdateFrom(plan, state inAppUpgradeResourceModel) client.InAppUpgradeUpdate {
	var u client.InAppUpgradeUpdate
	str := func(p, s types.String) *string {
		if !p.IsNull() && !p.IsUnknown() && !p.Equal(s) {
			v := p.ValueString()
			return &v
		}
		return nil
	}
	u.Name = str(plan.Name, state.Name)
	u.Description = str(plan.Description, state.Description)
	u.WebhookURL = str(plan.WebhookURL, state.WebhookURL)
	u.WebhookSecret = str(plan.WebhookSecret, state.WebhookSecret)
	u.PaymentType = str(plan.PaymentType, state.PaymentType)
	if !plan.Price.IsNull() && !plan.Price.IsUnknown() && !plan.Price.Equal(state.Price) {
		v := plan.Price.ValueInt64()
		u.Price = &v
	}
	return u
}

// webhookURLValidator accepts an absolute https URL, or http for a loopback
// host, at plan time.
type webhookURLValidator struct{}

func (webhookURLValidator) Description(context.Context) string {
	return "must be an absolute https URL (plain http only for a loopback host such as 127.0.0.1 or localhost)"
}

func (v webhookURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (webhookURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := webhookURLProblem(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid webhook URL", req.Path.String()+" "+msg)
	}
}

// webhookURLProblem returns why raw is not an acceptable webhook URL, or "".
func webhookURLProblem(raw string) string {
	shown, hasUserinfo := client.WithoutUserinfo(raw)
	u, ok := client.ParseAbsoluteHTTPURL(raw)
	switch {
	case hasUserinfo:
		return fmt.Sprintf("must not carry user info (user:password@), which would be kept in plain state; "+
			"authenticate deliveries with webhook_secret instead, got %q", shown)
	case !ok:
		return fmt.Sprintf("must be an absolute https URL such as https://example.com/hooks/livechat, got %q", shown)
	case client.PlainHTTPOffLoopback(u):
		return fmt.Sprintf("must use https; plain http is allowed only for a loopback host such as 127.0.0.1 or localhost, got %q", shown)
	case client.HostProblem(u) != "":
		return fmt.Sprintf("must be an absolute https URL that can be reached: %s, got %q", client.HostProblem(u), shown)
	case secretInQuery(u) != "":
		return fmt.Sprintf("must not carry a secret in its query (%s=…), which would be kept in plain state and shown in "+
			"every plan; authenticate deliveries with webhook_secret instead, got %q", secretInQuery(u), client.RedactURL(u))
	}
	return ""
}

// secretInQuery names the first query parameter of u (in name order)
// whose name marks a secret (token, secret, signature, api_key…), or "".
func secretInQuery(u *url.URL) string {
	for _, key := range slices.Sorted(maps.Keys(u.Query())) {
		if client.IsSecretKey(key) {
			return key
		}
	}
	return ""
}

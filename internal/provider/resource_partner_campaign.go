package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = &partnerCampaignResource{}
	_ resource.ResourceWithImportState = &partnerCampaignResource{}
	_ resource.ResourceWithIdentity    = &partnerCampaignResource{}
)

// Campaign input limits at plan time. The platform's documents disagree on
// trial_duration (the 2018 guide: 30–60; current docs: 14–30, default 14;
// earlier docs: up to 60 for LiveChat), so the plan accepts the union and
// leaves the final word to the platform.
const (
	campaignNameMin      = 5
	campaignNameMax      = 100
	campaignTrialMin     = 14
	campaignTrialMax     = 60
	campaignTrialDefault = 14
)

// privateImportedKey marks a campaign that was just imported, so Read also
// recovers the inputs the list does not report (link, coupon_id).
const privateImportedKey = "imported"

var campaignSlugRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// NewPartnerCampaignResource returns the livechat_partner_campaign resource.
func NewPartnerCampaignResource() resource.Resource { return &partnerCampaignResource{} }

type partnerCampaignResource struct {
	configuredResource
}

type partnerCampaignModel struct {
	ID            types.String      `tfsdk:"id"`
	CampaignID    types.Int64       `tfsdk:"campaign_id"`
	Name          types.String      `tfsdk:"name"`
	Product       types.String      `tfsdk:"product"`
	TrialDuration wholeNumber       `tfsdk:"trial_duration"`
	CouponID      wholeNumber       `tfsdk:"coupon_id"`
	Link          types.String      `tfsdk:"link"`
	Slug          types.String      `tfsdk:"slug"`
	URL           types.String      `tfsdk:"url"`
	ShortURL      types.String      `tfsdk:"short_url"`
	Discount      types.String      `tfsdk:"discount"`
	CreatedAt     timetypes.RFC3339 `tfsdk:"created_at"`
	Active        types.Bool        `tfsdk:"active"`
}

func (r *partnerCampaignResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_partner_campaign"
}

func (r *partnerCampaignResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An affiliate campaign of the LiveChat Partner Program: a tracked referral link " +
			"(`url`, `short_url`) that gives the people it brings a trial and, optionally, a coupon's discount. " +
			"Needs the provider's `partner_token`.\n\n" +
			"~> **Campaigns cannot be changed.** The platform has no update: changing any argument disables this " +
			"campaign and creates a new one, with a new slug and new links. Campaign names are unique among active " +
			"campaigns. An active campaign that already has the name and exactly the configured `product`, " +
			"`trial_duration`, `coupon_id` and `link` (which must be set) is taken over with a warning naming it, for example one " +
			"left by an interrupted run; creating a name that any other campaign holds fails with the `terraform import` " +
			"command to adopt it.\n\n" +
			"~> **Destroy disables.** The platform cannot delete a campaign: destroying it disables it, and its " +
			"links stop tracking. A campaign disabled outside Terraform is removed from state (with a warning) " +
			"and the next plan creates it again.\n\n" +
			"The platform has no way to read one campaign, so the provider reads the campaign list once per run " +
			"and shares it between all campaigns.",
		Attributes: map[string]schema.Attribute{
			"id": computedKeptString("The campaign's slug, as `slug`; the import ID."),
			"campaign_id": computedKeptInt64("The platform's numeric campaign ID (from the campaign search; used to disable the campaign " +
				"and for its statistics). Null if the search failed after the create; it is filled in at the next refresh."),
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The campaign's name, %d to %d characters, unique among your active campaigns. "+
					"The slug is made from it. Changing it replaces the campaign.", campaignNameMin, campaignNameMax),
				Required: true,
				Validators: []validator.String{
					stringvalidator.UTF8LengthBetween(campaignNameMin, campaignNameMax),
					// (?s): a line break inside is the next rule's to name.
					stringvalidator.RegexMatches(regexp.MustCompile(`^\S(?s:.*\S)?$`), "must not start or end with whitespace"),
					noControlCharacters{},
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"product": schema.StringAttribute{
				MarkdownDescription: "The product the campaign promotes: `livechat` (the default), `chatbot`, `helpdesk`, " +
					"or `partner_program` (recruiting partners). Changing it replaces the campaign.",
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(client.ProductLiveChat),
				Validators:    []validator.String{stringvalidator.OneOf(client.CampaignProducts()...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"trial_duration": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Days of free trial for the people the campaign brings. The platform's documents "+
					"disagree on the range: the 2018 partner guide says 30 to 60, the current API reference says 14 to 30 "+
					"(default 14), and earlier references allowed up to 60 for LiveChat. The plan accepts %d to %d "+
					"and the platform may refuse a value its current rules do not allow. Defaults to `%d`. "+
					"Changing it replaces the campaign.", campaignTrialMin, campaignTrialMax, campaignTrialDefault),
				CustomType:    countType,
				Optional:      true,
				Computed:      true,
				Default:       int64default.StaticInt64(campaignTrialDefault),
				Validators:    []validator.Int64{int64validator.Between(campaignTrialMin, campaignTrialMax)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"coupon_id": schema.Int64Attribute{
				MarkdownDescription: "A coupon from your coupons (see the `livechat_coupon` and `livechat_coupons` data " +
					"sources) whose discount the campaign offers. The platform answers 403 for a coupon you may not use. " +
					"Changing it replaces the campaign.",
				CustomType:    countType,
				Optional:      true,
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"link": schema.StringAttribute{
				MarkdownDescription: "The landing page the campaign links to, an absolute `http(s)` URL. When not set the " +
					"platform uses the product's home page, and this attribute shows it. Changing it replaces the campaign; " +
					"removing it from the configuration keeps the current landing page.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{absoluteHTTPURL{rule: "must be an absolute http(s) URL such as https://www.livechat.com/pricing/"}},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"slug": computedKeptString("The URL-friendly campaign name with the `pp_` prefix (`pp_summer-sale`); it tags the " +
				"links as `utm_campaign`."),
			"url":       computedKeptString("The tracked referral link: the landing page with your affiliate code and the campaign's slug."),
			"short_url": computedKeptString("The short form of `url` (`https://lc.chat/…`)."),
			"discount":  computedKeptString("The label of the coupon the campaign offers (`30% off first payment`); null without a coupon."),
			"created_at": computedKeptTime("When the campaign was created, RFC 3339 in UTC (the platform writes zone-less " +
				"timestamps, which are read as UTC)."),
			"active": computedKeptBool("Whether the campaign is active. Always `true` in state: a disabled campaign is removed from state."),
		},
	}
}

// IdentitySchema is the import ID, the slug, alone: Read finds a campaign
// by its slug among the active campaigns of every product, so the product
// adds nothing to what names it.
func (r *partnerCampaignResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"slug": identityString("The campaign's slug, such as `pp_summer-sale`.", true),
	}}
}

func (r *partnerCampaignResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, ok := clientAndModel[partnerCampaignModel](ctx, r.data, req.Plan.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	c := r.data.client
	in := campaignRequestFrom(plan)
	res, err := c.CreateCampaign(ctx, in)
	switch {
	case client.IsConflict(err):
		r.addConflict(ctx, &resp.Diagnostics, in, err)
		return
	case err != nil:
		addCreateError(&resp.Diagnostics, partnerCampaignTarget, err)
		return
	case res.Adopted:
		addAdoptionWarning(&resp.Diagnostics, "partner campaign", res.Object.Slug, res.FailedWith)
	}

	state := plan
	applyCreatedCampaign(&state, res.Object)
	// The campaign exists now: record it before the id lookup, so a failed
	// lookup can never lose it. A link left to the platform is null until
	// the lookup (applySearchResult) fills it in.
	if state.Link.IsUnknown() {
		state.Link = types.StringNull()
	}
	setStateAndIdentity(ctx, &resp.State, resp.Identity, state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	matches, err := c.FindActiveCampaignsByName(ctx, in.Product, in.Name)
	if err != nil {
		resp.Diagnostics.AddWarning("Campaign created, but its ID is not known yet",
			fmt.Sprintf("The campaign %s was created, but searching for its numeric ID failed: %s. "+
				"campaign_id stays null until the next refresh finds it.", res.Object.Slug, redactSecrets(err.Error())))
	}
	if m, ok := findSearchResultBySlug(matches, res.Object.Slug); ok {
		applySearchResult(&state, m)
	}
	if res.Preexisting {
		addPreexistingWarning(&resp.Diagnostics, "partner campaign", campaignLabel(state))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// campaignLabel names a campaign by slug and, when known, numeric id.
func campaignLabel(m partnerCampaignModel) string {
	if m.CampaignID.IsNull() || m.CampaignID.IsUnknown() {
		return m.Slug.ValueString()
	}
	return fmt.Sprintf("%s (id %d)", m.Slug.ValueString(), m.CampaignID.ValueInt64())
}

// partnerCampaignTarget names a campaign in the diagnostics of a create.
var partnerCampaignTarget = createTarget{
	what:          "partner campaign",
	importCommand: "terraform import livechat_partner_campaign.<name> <slug>",
	findHint:      "look for a campaign of this name in the Partner Program dashboard or the livechat_partner_campaigns data source",
}

// addConflict explains a 409: the name is taken, and how to adopt the
// existing campaign.
func (r *partnerCampaignResource) addConflict(ctx context.Context, diags *diag.Diagnostics, in client.CampaignCreate, err error) {
	slug := ""
	if list, lerr := r.data.client.ListCampaignsShared(ctx, client.CampaignStateActive); lerr == nil {
		for _, c := range list {
			if c.Name == in.Name {
				slug = c.Slug
				break
			}
		}
	}
	diags.AddAttributeError(path.Root("name"), "Partner campaign already exists", campaignConflictDetail(in.Name, slug, err))
}

// campaignConflictDetail tells how to import the campaign that holds a name.
func campaignConflictDetail(name, slug string, err error) string {
	msg := ""
	if apiErr, ok := client.AsAPIError(err); ok && apiErr.Message != "" {
		msg = " The platform said: " + redactSecrets(apiErr.Message) + "."
	}
	if slug == "" {
		return fmt.Sprintf("A campaign named %q already exists in the Partner Program, and campaign names are unique.%s "+
			"Find its slug (pp_…) with the livechat_partner_campaigns data source or in the dashboard and import it:\n\n"+
			"  terraform import livechat_partner_campaign.<name> <slug>\n\nor choose another name.", name, msg)
	}
	return fmt.Sprintf("A campaign named %q already exists in the Partner Program (slug %s), and campaign names are unique.%s "+
		"To manage it with Terraform, import it:\n\n"+
		"  terraform import livechat_partner_campaign.<name> %s\n\n"+
		"(replace <name> with this resource's name), or use an import block with id = %q. Otherwise choose another name.",
		name, slug, msg, slug, slug)
}

func (r *partnerCampaignResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	keepIdentityForRead(ctx, req, resp)
	state, ok := clientAndModel[partnerCampaignModel](ctx, r.data, req.State.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	imported := false
	if req.Private != nil {
		if v, d := req.Private.GetKey(ctx, privateImportedKey); !d.HasError() && len(v) > 0 {
			imported = true
		}
	}
	c := r.data.client
	list, err := c.ListCampaignsShared(ctx, client.CampaignStateActive)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read partner campaigns", err)
		return
	}
	slug := state.ID.ValueString()
	item, ok := client.FindCampaignBySlug(list, slug)
	if !ok {
		if !imported {
			resp.Diagnostics.AddWarning("Partner campaign no longer active",
				fmt.Sprintf("The campaign %s (%q) is not among your active campaigns: it was disabled or removed outside "+
					"Terraform. It is removed from state, and the next plan proposes a new campaign.", slug, state.Name.ValueString()))
		}
		resp.State.RemoveResource(ctx)
		return
	}
	applyListedCampaign(&state, item)

	if state.CampaignID.IsNull() || state.CampaignID.IsUnknown() || imported {
		matches, err := c.FindActiveCampaignsByName(ctx, item.Product, item.Name)
		if err != nil {
			if imported {
				addAPIError(&resp.Diagnostics, "Unable to find the imported campaign's ID", err)
				return
			}
			logIDLookupFailed(ctx, slug, err)
		}
		if m, ok := findSearchResultBySlug(matches, slug); ok {
			applySearchResult(&state, m)
			if imported {
				state.Link = types.StringValue(m.LandingPageURL)
			}
		}
	}
	if imported {
		resp.Diagnostics.Append(r.recoverCoupon(ctx, &state)...)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImportedKey, nil)...)
	}
	if state.Link.IsUnknown() {
		state.Link = types.StringNull()
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// recoverCoupon sets coupon_id of an imported campaign from its discount
// label; the list reports only the label.
func (r *partnerCampaignResource) recoverCoupon(ctx context.Context, state *partnerCampaignModel) diag.Diagnostics {
	var diags diag.Diagnostics
	state.CouponID = wholeNumber{Int64Value: types.Int64Null()}
	if state.Discount.IsNull() {
		return diags
	}
	coupons, err := r.data.client.ListCoupons(ctx)
	if err != nil {
		addAPIError(&diags, "Unable to list coupons for the imported campaign", err)
		return diags
	}
	id, ok := couponIDForLabel(coupons, state.Discount.ValueString())
	if !ok {
		diags.AddWarning("Coupon of the imported campaign not identified",
			fmt.Sprintf("The campaign offers %q, but not exactly one of your coupons has that label, so coupon_id is left "+
				"empty. Set coupon_id in the configuration to the coupon's ID (a change of coupon_id replaces the campaign).",
				state.Discount.ValueString()))
		return diags
	}
	state.CouponID = countValue(id)
	return diags
}

func (r *partnerCampaignResource) Update(_ context.Context, _ resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.AddError("Updating a partner campaign is not supported",
		"Every argument of livechat_partner_campaign forces a new campaign, so Terraform should never plan an update. "+
			"This is a bug in the provider; please report it.")
}

func (r *partnerCampaignResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ok := clientAndModel[partnerCampaignModel](ctx, r.data, req.State.Get, &resp.Diagnostics)
	if !ok {
		return
	}
	c := r.data.client
	id := state.CampaignID
	if id.IsNull() || id.IsUnknown() {
		matches, err := c.FindActiveCampaignsByName(ctx, state.Product.ValueString(), state.Name.ValueString())
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to find the campaign to disable", err)
			return
		}
		m, ok := findSearchResultBySlug(matches, state.ID.ValueString())
		if !ok {
			// Not active any more: nothing to disable.
			return
		}
		id = types.Int64Value(m.ID)
	}
	err := c.DisableCampaign(ctx, id.ValueInt64())
	if client.IsForbidden(err) {
		// The platform's answer when the campaign is already disabled (or
		// gone): the goal of the destroy is reached.
		tflog.Info(ctx, "campaign already disabled", map[string]any{"slug": state.ID.ValueString(), "campaign_id": id.ValueInt64()})
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to disable partner campaign", err)
	}
}

// ImportState accepts a slug as the import ID or the identity's slug.
func (r *partnerCampaignResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	raw, byIdentity, diags := importedID(ctx, req, "slug")
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	slug, problem := parseCampaignImportID(raw)
	if problem != "" {
		addImportError(&resp.Diagnostics, byIdentity,
			fmt.Sprintf("Expected a campaign slug such as pp_summer-sale (letters, digits, - and _), got %q: %s. "+
				"Find slugs with the livechat_partner_campaigns data source or in the Partner Program dashboard.", raw, problem))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), slug)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("slug"), slug)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImportedKey, []byte(`true`))...)
	setIdentityFromState(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// logIDLookupFailed logs a campaign id search that failed during a
// refresh. This is the provider's own logger, not the client's masked one,
// and the error may quote a secret.
func logIDLookupFailed(ctx context.Context, slug string, err error) {
	tflog.Warn(ctx, "campaign ID lookup failed; it stays null until the next refresh",
		map[string]any{"slug": slug, "error": redactSecrets(err.Error())})
}

// parseCampaignImportID checks the import ID, a slug, or says what is
// wrong with it.
func parseCampaignImportID(raw string) (string, string) {
	parts, problem := splitImportID(raw, 1, 1)
	switch {
	case problem != "":
		return "", problem
	case !campaignSlugRE.MatchString(parts[0]):
		return "", "a slug has only letters, digits, - and _"
	}
	return parts[0], ""
}

// campaignRequestFrom builds the create request from a plan.
func campaignRequestFrom(m partnerCampaignModel) client.CampaignCreate {
	in := client.CampaignCreate{
		Product:       m.Product.ValueString(),
		Name:          m.Name.ValueString(),
		TrialDuration: m.TrialDuration.ValueInt64(),
	}
	if in.Product == "" {
		in.Product = client.ProductLiveChat
	}
	if !m.CouponID.IsNull() && !m.CouponID.IsUnknown() {
		in.CouponID = m.CouponID.ValueInt64()
	}
	if !m.Link.IsNull() && !m.Link.IsUnknown() {
		in.Link = m.Link.ValueString()
	}
	return in
}

// applyCreatedCampaign copies a create answer's computed values into a
// planned model; the inputs keep their planned values.
func applyCreatedCampaign(m *partnerCampaignModel, c *client.CreatedCampaign) {
	m.ID = types.StringValue(c.Slug)
	m.Slug = types.StringValue(c.Slug)
	m.URL = types.StringValue(c.URL)
	m.ShortURL = types.StringValue(c.ShortURL)
	m.Discount = types.StringPointerValue(c.Discount)
	m.CreatedAt = partnerTimeValue(c.CreatedAt)
	m.Active = types.BoolValue(true)
	if m.CampaignID.IsUnknown() {
		m.CampaignID = types.Int64Null()
	}
}

// applyListedCampaign copies a list item into a model. The list does not
// report the link or the coupon id, which keep their values.
func applyListedCampaign(m *partnerCampaignModel, c client.Campaign) {
	m.ID = types.StringValue(c.Slug)
	m.Slug = types.StringValue(c.Slug)
	m.Name = types.StringValue(c.Name)
	m.Product = types.StringValue(c.Product)
	m.TrialDuration = countValue(c.TrialDuration)
	m.URL = types.StringValue(c.URL)
	m.ShortURL = types.StringValue(c.ShortURL)
	m.Discount = types.StringPointerValue(c.Discount)
	m.CreatedAt = partnerTimeValue(c.CreatedAt)
	m.Active = types.BoolValue(c.Active)
}

// applySearchResult takes the id, and the landing page when the plan left
// it to the platform.
func applySearchResult(m *partnerCampaignModel, r client.CampaignSearchResult) {
	m.CampaignID = types.Int64Value(r.ID)
	if (m.Link.IsUnknown() || m.Link.IsNull()) && r.LandingPageURL != "" {
		m.Link = types.StringValue(r.LandingPageURL)
	}
}

// findSearchResultBySlug picks the campaign with slug from search results
// (a name search may find more than one).
func findSearchResultBySlug(results []client.CampaignSearchResult, slug string) (client.CampaignSearchResult, bool) {
	for _, r := range results {
		if r.Slug == slug {
			return r, true
		}
	}
	return client.CampaignSearchResult{}, false
}

// partnerTimeValue is a Partner Program time as RFC 3339 UTC (null when unset).
func partnerTimeValue(t client.PartnerTime) timetypes.RFC3339 {
	if t.IsZero() {
		return timetypes.NewRFC3339Null()
	}
	return timetypes.NewRFC3339TimeValue(t.UTC())
}

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var _ list.ListResourceWithConfigure = &partnerCampaignList{}

// NewPartnerCampaignList returns the livechat_partner_campaign list resource.
func NewPartnerCampaignList() list.ListResource { return &partnerCampaignList{} }

type partnerCampaignList struct {
	configuredResource
}

type partnerCampaignListModel struct {
	State        types.String `tfsdk:"state"`
	Product      types.String `tfsdk:"product"`
	Name         types.String `tfsdk:"name"`
	NameContains types.String `tfsdk:"name_contains"`
}

func (l *partnerCampaignList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_partner_campaign"
}

func (l *partnerCampaignList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists your Partner Program affiliate campaigns through the platform's campaign search, " +
			"with its filters: the state, the product and the name. Each result is a campaign's identity (its slug) " +
			"and its name. Needs the provider's `partner_token`.\n\n" +
			"~> **Disabled campaigns are listed, not imported.** With `state = \"disabled\"` the list shows your " +
			"disabled campaigns, but a disabled campaign no longer exists for Terraform (destroying a " +
			"`livechat_partner_campaign` disables it), so importing one fails. Their slugs may repeat: a disabled " +
			"campaign's name can be used again." + listConfigNote,
		Attributes: map[string]listschema.Attribute{
			"state": listschema.StringAttribute{
				MarkdownDescription: "`active` (the default) or `disabled`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.CampaignStateActive, client.CampaignStateDisabled)},
			},
			"product": listschema.StringAttribute{
				MarkdownDescription: "Only campaigns of this product: `livechat`, `chatbot`, `helpdesk` or `partner_program`. All when not set.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.CampaignProducts()...)},
			},
			"name": listschema.StringAttribute{
				MarkdownDescription: "Only the campaign with exactly this name (the search's `equals` filter).",
				Optional:            true,
				Validators:          nonEmpty,
			},
			"name_contains": listschema.StringAttribute{
				MarkdownDescription: "Only campaigns whose name contains this text, in any case (the search's `contains` filter).",
				Optional:            true,
				Validators:          nonEmpty,
			},
		},
	}
}

func (l *partnerCampaignList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	cfg, ok := listConfig[partnerCampaignListModel](ctx, l.data, req, stream)
	if !ok {
		return
	}
	stream.Results = streamList(ctx, req, "partner campaigns", l.walk(cfg))
}

// walk pages through the search (the only call that has a campaign's id)
// and reads the list (links, trial, discount) only for include_resource.
func (l *partnerCampaignList) walk(cfg partnerCampaignListModel) listWalk {
	listState, search := campaignListSearch(cfg)
	details := &campaignDetails{r: &partnerCampaignResource{configuredResource{data: l.data}}, state: listState}
	return func(ctx context.Context, yield func(listedObject) bool) error {
		c := l.data.client
		fetch := func(ctx context.Context, page int) ([]client.CampaignSearchResult, error) {
			items, _, err := c.SearchCampaignsPage(ctx, search, page)
			return items, err
		}
		return client.VisitPages(ctx, client.CampaignSearchPageSize, fetch, func(items []client.CampaignSearchResult) bool {
			for _, found := range items {
				if campaignMatches(cfg, found) && !yield(details.listed(found)) {
					return true
				}
			}
			return false
		})
	}
}

// campaignListSearch is the state of the campaign list call and the search
// of a list block: the list says "disabled" where the search says "archived".
func campaignListSearch(cfg partnerCampaignListModel) (string, client.CampaignSearch) {
	listState, search := client.CampaignStateActive, client.CampaignSearch{State: client.CampaignStateActive}
	if cfg.State.ValueString() == client.CampaignStateDisabled {
		listState, search.State = client.CampaignStateDisabled, client.CampaignStateArchived
	}
	search.Product = cfg.Product.ValueString()
	if v := cfg.Name.ValueString(); v != "" {
		search.Filters = append(search.Filters, client.CampaignFilter{Field: "name", Value: v, Operator: "equals"})
	}
	if v := cfg.NameContains.ValueString(); v != "" {
		search.Filters = append(search.Filters, client.CampaignFilter{Field: "name", Value: v, Operator: "contains"})
	}
	return listState, search
}

// campaignMatches applies the exact filters again: the search is the
// platform's, and a looser match must not reach an import.
func campaignMatches(cfg partnerCampaignListModel, found client.CampaignSearchResult) bool {
	return (cfg.Product.ValueString() == "" || found.Product == cfg.Product.ValueString()) &&
		(cfg.Name.ValueString() == "" || found.Name == cfg.Name.ValueString())
}

// campaignDetails builds the states of listed campaigns the way an import
// does: the list's links and trial, the search's id and landing page, the
// coupon recovered from its label.
type campaignDetails struct {
	r     *partnerCampaignResource
	state string
}

func (d *campaignDetails) listed(found client.CampaignSearchResult) listedObject {
	name := found.Name
	if d.state == client.CampaignStateDisabled {
		name += " (disabled)"
	}
	return listedObject{
		identity:    map[string]string{"slug": found.Slug},
		displayName: name,
		state:       func(ctx context.Context) (any, diag.Diagnostics) { return d.stateOf(ctx, found) },
	}
}

func (d *campaignDetails) stateOf(ctx context.Context, found client.CampaignSearchResult) (any, diag.Diagnostics) {
	var diags diag.Diagnostics
	campaigns, err := d.r.data.client.ListCampaignsShared(ctx, d.state)
	if err != nil {
		addAPIError(&diags, "Unable to read the listed campaigns' links", err)
		return nil, diags
	}
	item, ok := listedCampaignFor(campaigns, found)
	if !ok {
		diags.AddError("Campaign not in the campaign list",
			fmt.Sprintf("The search found the campaign %s (%q), but the platform's campaign list does not have it: it was "+
				"probably created or disabled just now. Run the query again.", found.Slug, found.Name))
		return nil, diags
	}
	m := partnerCampaignModel{CouponID: wholeNumber{Int64Value: types.Int64Null()}, Link: types.StringNull()}
	applyListedCampaign(&m, item)
	applySearchResult(&m, found)
	m.Link = types.StringValue(found.LandingPageURL)
	diags.Append(d.r.recoverCoupon(ctx, &m)...)
	return m, diags
}

// listedCampaignFor finds a search result in the list by slug and creation
// time: a disabled campaign's name, and so its slug, can be used again.
func listedCampaignFor(campaigns []client.Campaign, found client.CampaignSearchResult) (client.Campaign, bool) {
	for _, c := range campaigns {
		if c.Slug == found.Slug && c.CreatedAt.Equal(found.CreatedAt.Time) {
			return c, true
		}
	}
	return client.Campaign{}, false
}

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

var _ list.ListResourceWithConfigure = &partnerSubscriptionList{}

// NewPartnerSubscriptionList returns the livechat_partner_subscription
// list resource.
func NewPartnerSubscriptionList() list.ListResource { return &partnerSubscriptionList{} }

type partnerSubscriptionList struct {
	configuredResource
}

type partnerSubscriptionListModel struct {
	Product types.String `tfsdk:"product"`
	Status  types.String `tfsdk:"status"`
}

func (l *partnerSubscriptionList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_partner_subscription"
}

func (l *partnerSubscriptionList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the open subscriptions of your clients' licenses, as a solution partner. The " +
			"platform lists the licenses, with their product and status; the provider reads each license to see " +
			"whether it has an open subscription, and lists those that do. Each result is a subscription's identity " +
			"(`product`, `license_id`) and the client, license, plan and seats. A license that does not say clearly " +
			"whether its subscription is open is left out with a warning. Needs the provider's `partner_token`." + listConfigNote,
		Attributes: map[string]listschema.Attribute{
			"product": listschema.StringAttribute{
				MarkdownDescription: "Only licenses of this product: `livechat`, `chatbot` or `helpdesk`. All when not set.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.LicenseProducts()...)},
			},
			"status": listschema.StringAttribute{
				MarkdownDescription: "Only licenses with this status: `trial` (a subscription in its trial) or `paid`. " +
					"`expired` is accepted, as the platform's filter has it, and finds no open subscription.",
				Optional: true,
				Validators: []validator.String{stringvalidator.OneOf(client.LicenseTrial, client.LicensePaid,
					client.LicenseExpired)},
			},
		},
	}
}

func (l *partnerSubscriptionList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	cfg, ok := listConfig[partnerSubscriptionListModel](ctx, l.data, req, stream)
	if !ok {
		return
	}
	c := l.data.client
	walk := func(ctx context.Context, yield func(listedObject) bool) error {
		licenses, err := c.ListLicenses(ctx)
		if err != nil {
			return err
		}
		for _, lic := range licenses {
			if !licenseMatches(cfg, lic) {
				continue
			}
			obj, found, err := listedSubscription(ctx, c, lic.Product, string(lic.License))
			if err != nil {
				return err
			}
			if found && !yield(obj) {
				return nil
			}
		}
		return nil
	}
	stream.Results = streamList(ctx, req, "partner subscriptions", walk)
}

func licenseMatches(cfg partnerSubscriptionListModel, lic client.License) bool {
	return (cfg.Product.ValueString() == "" || lic.Product == cfg.Product.ValueString()) &&
		(cfg.Status.ValueString() == "" || lic.Status == cfg.Status.ValueString())
}

// listedSubscription reads a license to see its subscription: an open one
// is a result, a closed one is not found, an unclear one a warning.
func listedSubscription(ctx context.Context, c *client.Client, product, id string) (listedObject, bool, error) {
	l, err := c.GetLicense(ctx, product, id)
	if err != nil {
		return listedObject{}, false, fmt.Errorf("reading %s license %s: %w", product, id, err)
	}
	switch l.Subscription() {
	case client.SubscriptionClosed:
		return listedObject{}, false, nil
	case client.SubscriptionUnsure:
		return listedObject{leftOut: diag.NewWarningDiagnostic("Partner subscription state unclear",
			fmt.Sprintf("The %s license %s does not say clearly whether its subscription is open (status %q), so it is "+
				"left out of the list; check it in the Partner Program dashboard.", product, id, l.Status))}, true, nil
	}
	return listedObject{
		identity:    map[string]string{"product": product, "license_id": id},
		displayName: subscriptionDisplayName(product, id, l),
		state:       func(context.Context) (any, diag.Diagnostics) { return subscriptionStateFrom(product, id, l), nil },
	}, true, nil
}

// subscriptionDisplayName: "Jane Client: livechat license 104130623, team
// annual, 5 seats".
func subscriptionDisplayName(product, id string, l *client.License) string {
	name := fmt.Sprintf("%s license %s", product, id)
	if l.ClientName != "" {
		name = l.ClientName + ": " + name
	}
	if l.Plan != nil && l.BillingCycle != nil && l.Seats != nil {
		name += fmt.Sprintf(", %s %s, %d seats", *l.Plan, *l.BillingCycle, *l.Seats)
	}
	return name
}

// subscriptionStateFrom is the state a Read writes after an import: no card
// token, the license runs to the end of its cycle on destroy.
func subscriptionStateFrom(product, id string, l *client.License) partnerSubscriptionModel {
	m := partnerSubscriptionModel{
		ID:              types.StringValue(product + "/" + id),
		Product:         types.StringValue(product),
		LicenseID:       types.StringValue(id),
		CardTokenWO:     types.StringNull(),
		ExpireOnDestroy: types.BoolValue(false),
	}
	applyLicense(&m, l)
	return m
}

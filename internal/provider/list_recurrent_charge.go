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

var _ list.ListResourceWithConfigure = &recurrentChargeList{}

// The platform cannot list recurrent charges (platform-api.md §1.1); this
// list finds them through the payments it records as direct charges that
// name them (§1.5).

// NewRecurrentChargeList returns the livechat_recurrent_charge list
// resource.
func NewRecurrentChargeList() list.ListResource { return &recurrentChargeList{} }

type recurrentChargeList struct {
	configuredResource
}

type recurrentChargeListModel struct {
	Product types.String `tfsdk:"product"`
}

func (l *recurrentChargeList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_recurrent_charge"
}

func (l *recurrentChargeList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds the recurrent charges (subscriptions) of a billing product that the platform has " +
			"billed. Each result is a charge's identity (`product`, `id`) and its name and ID.\n\n" +
			"~> **The platform cannot list recurrent charges.** It records each payment it collects for one as a " +
			"direct charge that names it (`recurrent_charge_id`), so this list walks the direct charges and reads " +
			"each recurrent charge they name, most recently billed first. A charge never billed, one still " +
			"`pending`, `accepted` or in its trial, has no payment and is not found: import it by its ID (the " +
			"migration guide says where to find it). Cancelled and declined charges are left out, since they no " +
			"longer exist for Terraform." + listConfigNote,
		Attributes: map[string]listschema.Attribute{
			"product": listschema.StringAttribute{
				MarkdownDescription: "The billing product: `livechat` or `helpdesk`. Defaults to the provider's `product`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.BillingProducts()...)},
			},
		},
	}
}

func (l *recurrentChargeList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	cfg, ok := listConfig[recurrentChargeListModel](ctx, l.data, req, stream)
	if !ok {
		return
	}
	product := l.data.productOr(cfg.Product)
	c := l.data.client
	walk := func(ctx context.Context, yield func(listedObject) bool) error {
		seen := map[string]bool{}
		var lookupErr error
		err := visitDirectCharges(ctx, c, product, client.DirectChargeFilter{}, func(dc client.DirectCharge) bool {
			id := dc.RecurrentChargeID
			if id == "" || seen[id] {
				return true
			}
			seen[id] = true
			obj, found, err := recurrentChargeListed(ctx, c, product, id)
			if err != nil {
				lookupErr = err
				return false
			}
			return !found || yield(obj)
		})
		if lookupErr != nil {
			return lookupErr
		}
		return err
	}
	stream.Results = streamList(ctx, req, "recurrent charges", walk)
}

// recurrentChargeListed reads the recurrent charge a payment names. It is
// not found (no error, no object) when it is over; one the platform does
// not know gives a warning instead of a result.
func recurrentChargeListed(ctx context.Context, c *client.Client, product, id string) (listedObject, bool, error) {
	charge, err := c.GetRecurrentCharge(ctx, product, id)
	switch {
	case client.IsNotFound(err):
		return listedObject{leftOut: diag.NewWarningDiagnostic("Recurrent charge of a payment not found",
			fmt.Sprintf("A direct charge is a payment of the %s recurrent charge %s, which the platform does not know; "+
				"it is left out of the list.", product, id))}, true, nil
	case err != nil:
		return listedObject{}, false, fmt.Errorf("reading recurrent charge %s: %w", id, err)
	case recurrentChargeOver(charge):
		return listedObject{}, false, nil
	}
	return listedObject{
		identity:    map[string]string{"product": product, "id": charge.ID},
		displayName: charge.Name + " (" + charge.ID + ")",
		state: func(context.Context) (any, diag.Diagnostics) {
			// The settings an import gives: auto_activate on, no deletion protection.
			m, diags := recurrentChargeResourceModelFrom(product, recurrentChargeResourceModel{}, charge)
			return m, diags
		},
	}, true, nil
}

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var _ list.ListResourceWithConfigure = &directChargeList{}

// NewDirectChargeList returns the livechat_direct_charge list resource.
func NewDirectChargeList() list.ListResource { return &directChargeList{} }

type directChargeList struct {
	configuredResource
}

type directChargeListModel struct {
	Product           types.String `tfsdk:"product"`
	Status            types.String `tfsdk:"status"`
	RecurrentChargeID types.String `tfsdk:"recurrent_charge_id"`
}

func (l *directChargeList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_direct_charge"
}

func (l *directChargeList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the direct (one-time) charges of a billing product, newest first, with the " +
			"platform's filters: the status and the recurrent charge. Each result is a charge's identity " +
			"(`product`, `id`) and its name and ID.\n\n" +
			"The platform records each payment it collects for a recurrent charge as a direct charge that names the " +
			"recurrent charge (`recurrent_charge_id`). Those payments are not charges you made, so the list leaves them " +
			"out, unless `recurrent_charge_id` asks for the payments of one recurrent charge. The platform cannot " +
			"list recurrent charges themselves: the `livechat_recurrent_charge` list resource finds them through " +
			"these payments." + listConfigNote,
		Attributes: map[string]listschema.Attribute{
			"product": listschema.StringAttribute{
				MarkdownDescription: "The billing product: `livechat` or `helpdesk`. Defaults to the provider's `product`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.BillingProducts()...)},
			},
			"status": listschema.StringAttribute{
				MarkdownDescription: "Only charges with this status: `pending`, `accepted`, `declined`, `processed`, `success` or `failed`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(directChargeStatuses...)},
			},
			"recurrent_charge_id": listschema.StringAttribute{
				MarkdownDescription: "Only the payments the platform collected for this recurrent charge.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

func (l *directChargeList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	cfg, ok := listConfig[directChargeListModel](ctx, l.data, req, stream)
	if !ok {
		return
	}
	product := l.data.productOr(cfg.Product)
	filter := client.DirectChargeFilter{Status: cfg.Status.ValueString(), RecurrentChargeID: cfg.RecurrentChargeID.ValueString()}
	walk := func(ctx context.Context, yield func(listedObject) bool) error {
		return visitDirectCharges(ctx, l.data.client, product, filter, func(dc client.DirectCharge) bool {
			if dc.RecurrentChargeID != "" && filter.RecurrentChargeID == "" {
				return true // a payment of a recurrent charge, not a charge of yours
			}
			return yield(listedDirectCharge(product, dc))
		})
	}
	stream.Results = streamList(ctx, req, "direct charges", walk)
}

// visitDirectCharges hands product's direct charges matching filter to
// visit, newest first, reading a page only when visit wants more.
func visitDirectCharges(ctx context.Context, c *client.Client, product string, filter client.DirectChargeFilter, visit func(client.DirectCharge) bool) error {
	fetch := func(ctx context.Context, page int) ([]client.DirectCharge, error) {
		return c.ListDirectChargesPage(ctx, product, page, filter)
	}
	return client.VisitPages(ctx, client.DirectChargePageSize, fetch, func(items []client.DirectCharge) bool {
		for _, dc := range items {
			if !visit(dc) {
				return true
			}
		}
		return false
	})
}

// listedDirectCharge is a direct charge as a list result; its state is
// what an import's Read writes (auto_activate as an import sets it).
func listedDirectCharge(product string, dc client.DirectCharge) listedObject {
	return listedObject{
		identity:    map[string]string{"product": product, "id": dc.ID},
		displayName: dc.Name + " (" + dc.ID + ")",
		state: func(context.Context) (any, diag.Diagnostics) {
			m, diags := directChargeResourceModelFrom(product, types.BoolNull(), &dc)
			return m, diags
		},
	}
}

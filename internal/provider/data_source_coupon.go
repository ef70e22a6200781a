package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var _ datasource.DataSourceWithConfigure = &couponDataSource{}

// NewCouponDataSource returns the livechat_coupon data source.
func NewCouponDataSource() datasource.DataSource { return &couponDataSource{} }

type couponDataSource struct {
	configuredDataSource
}

func (d *couponDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_coupon"
}

func (d *couponDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One Partner Program coupon, found by its exact label, so a campaign can say " +
			"`coupon_id = data.livechat_coupon.x.id`. Fails when no coupon or more than one has the label, and lists " +
			"the labels there are. Needs the provider's `partner_token`.",
		Attributes: map[string]schema.Attribute{
			"label": schema.StringAttribute{
				MarkdownDescription: "The coupon's exact label, such as `30% off first payment`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"id": schema.Int64Attribute{
				MarkdownDescription: "The coupon's ID, for `coupon_id`.",
				Computed:            true,
			},
		},
	}
}

func (d *couponDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.data, &resp.Diagnostics) {
		return
	}
	var cfg couponModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	coupons, err := d.data.client.ListCoupons(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to list coupons", err)
		return
	}
	id, problem := pickCoupon(coupons, cfg.Label.ValueString())
	if problem != "" {
		resp.Diagnostics.AddAttributeError(path.Root("label"), "Coupon not found", problem)
		return
	}
	cfg.ID = types.Int64Value(id)
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

// pickCoupon finds the only coupon labelled label, or says why it cannot.
func pickCoupon(coupons []client.Coupon, label string) (int64, string) {
	var ids []string
	var found int64
	for _, c := range coupons {
		if c.Label == label {
			ids = append(ids, fmt.Sprint(c.ID))
			found = c.ID
		}
	}
	switch len(ids) {
	case 1:
		return found, ""
	case 0:
		return 0, fmt.Sprintf("No coupon is labelled %q. %s", label, availableCoupons(coupons))
	default:
		return 0, fmt.Sprintf("%d coupons are labelled %q (ids %s), so the label does not pick one. Use the livechat_coupons "+
			"data source and choose by id. %s", len(ids), label, strings.Join(ids, ", "), availableCoupons(coupons))
	}
}

func availableCoupons(coupons []client.Coupon) string {
	if len(coupons) == 0 {
		return "You have no coupons."
	}
	parts := make([]string, len(coupons))
	for i, c := range coupons {
		parts[i] = fmt.Sprintf("%q (id %d)", c.Label, c.ID)
	}
	return "Available coupons: " + strings.Join(parts, ", ") + "."
}

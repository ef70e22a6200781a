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
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), notWhitespaceOnly{}},
			},
			"id": couponIDAttribute,
		},
	}
}

func (d *couponDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg couponModel
	coupons, ok := readCoupons(ctx, d.data, req, resp, &cfg)
	if !ok {
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
	ids := couponIDsLabelled(coupons, label)
	switch len(ids) {
	case 1:
		return ids[0], ""
	case 0:
		return 0, fmt.Sprintf("No coupon is labelled %q. %s", label, availableCoupons(coupons))
	default:
		listed := make([]string, len(ids))
		for i, id := range ids {
			listed[i] = fmt.Sprint(id)
		}
		return 0, fmt.Sprintf("%d coupons are labelled %q (ids %s), so the label does not pick one. Use the livechat_coupons "+
			"data source and choose by id. %s", len(ids), label, strings.Join(listed, ", "), availableCoupons(coupons))
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

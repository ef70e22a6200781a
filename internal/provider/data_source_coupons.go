package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var _ datasource.DataSourceWithConfigure = &couponsDataSource{}

// NewCouponsDataSource returns the livechat_coupons data source.
func NewCouponsDataSource() datasource.DataSource { return &couponsDataSource{} }

type couponsDataSource struct {
	configuredDataSource
}

type couponsModel struct {
	LabelRegex types.String  `tfsdk:"label_regex"`
	Coupons    []couponModel `tfsdk:"coupons"`
}

type couponModel struct {
	ID    types.Int64  `tfsdk:"id"`
	Label types.String `tfsdk:"label"`
}

func (d *couponsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_coupons"
}

func (d *couponsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Partner Program coupons you may attach to a campaign (`coupon_id` of " +
			"`livechat_partner_campaign`), optionally filtered by label. Needs the provider's `partner_token`.",
		Attributes: map[string]schema.Attribute{
			"label_regex": schema.StringAttribute{
				MarkdownDescription: "Keep only coupons whose label matches this regular expression " +
					"([Go RE2 syntax](https://golang.org/s/re2syntax)), such as `^30%`. Checked at plan time.",
				Optional:   true,
				Validators: []validator.String{regexValidator{}},
			},
			"coupons": schema.ListNestedAttribute{
				MarkdownDescription: "The coupons, in the platform's order (by ID).",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id": couponIDAttribute,
						"label": schema.StringAttribute{
							MarkdownDescription: "The coupon's label, which campaigns show as their `discount` (`30% off first payment`).",
							Computed:            true,
						},
					},
				},
			},
		},
	}
}

func (d *couponsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg couponsModel
	coupons, ok := readCoupons(ctx, d.data, req, resp, &cfg)
	if !ok {
		return
	}
	var re *regexp.Regexp
	if !cfg.LabelRegex.IsNull() {
		var err error
		re, err = regexp.Compile(cfg.LabelRegex.ValueString())
		if err != nil {
			resp.Diagnostics.AddError("Invalid label_regex", err.Error())
			return
		}
	}
	cfg.Coupons = couponModelsFrom(coupons, re)
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

// couponIDAttribute is a coupon's id in both coupon data sources.
var couponIDAttribute = schema.Int64Attribute{
	MarkdownDescription: "The coupon's ID, for `coupon_id`.",
	Computed:            true,
}

// readCoupons starts the Read of a coupon data source: the configuration
// into cfg, then every coupon. It reports false when Read must stop.
func readCoupons(ctx context.Context, data *providerData, req datasource.ReadRequest, resp *datasource.ReadResponse, cfg any) ([]client.Coupon, bool) {
	if !requireClient(data, &resp.Diagnostics) {
		return nil, false
	}
	resp.Diagnostics.Append(req.Config.Get(ctx, cfg)...)
	if resp.Diagnostics.HasError() {
		return nil, false
	}
	coupons, err := data.client.ListCoupons(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to list coupons", err)
		return nil, false
	}
	return coupons, true
}

// couponModelsFrom converts coupons, keeping those whose label matches re
// (all when re is nil). The result is never nil, so the list is known.
func couponModelsFrom(coupons []client.Coupon, re *regexp.Regexp) []couponModel {
	out := []couponModel{}
	for _, c := range coupons {
		if re != nil && !re.MatchString(c.Label) {
			continue
		}
		out = append(out, couponModel{ID: types.Int64Value(c.ID), Label: types.StringValue(c.Label)})
	}
	return out
}

// couponIDForLabel returns the id of the only coupon labelled label.
func couponIDForLabel(coupons []client.Coupon, label string) (int64, bool) {
	ids := couponIDsLabelled(coupons, label)
	if len(ids) != 1 {
		return 0, false
	}
	return ids[0], true
}

// couponIDsLabelled returns the ids of the coupons labelled label.
func couponIDsLabelled(coupons []client.Coupon, label string) []int64 {
	var ids []int64
	for _, c := range coupons {
		if c.Label == label {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// regexValidator requires a valid RE2 regular expression.
type regexValidator struct{}

func (regexValidator) Description(context.Context) string {
	return "must be a valid regular expression (Go RE2 syntax)"
}

func (v regexValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (regexValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression",
			fmt.Sprintf("%s must be a valid regular expression (Go RE2 syntax): %v.", req.Path, err))
	}
}

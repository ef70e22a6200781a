package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

var _ function.Function = &checkoutURLFunction{}

// NewCheckoutURLFunction returns provider::livechat::checkout_url.
func NewCheckoutURLFunction() function.Function { return &checkoutURLFunction{} }

// checkoutURLFunction builds the Marketplace checkout link of a charge with
// the same code as the charges' computed checkout_url.
type checkoutURLFunction struct{}

func (f *checkoutURLFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "checkout_url"
}

func (f *checkoutURLFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Build the Marketplace checkout link of a charge",
		MarkdownDescription: "Returns the LiveChat Marketplace link that sends a buyer to an existing charge: " +
			"`https://www.livechat.com/marketplace/checkout/charge/<charge_id>/<charge_type>?icon=<icon>&description=<description>`, " +
			"with the query parameters URL-encoded and left out when empty (`\"\"`; Terraform also accepts `null`). The charge must exist first " +
			"(for example a `livechat_recurrent_charge`); the link only sends the buyer to it. The function calls no API.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "charge_id",
				MarkdownDescription: "The charge's `id`.",
				Validators:          []function.StringParameterValidator{idArgumentValidator{name: "charge_id", idSegmentValidator: chargeIDRule}},
			},
			function.StringParameter{
				Name:                "charge_type",
				MarkdownDescription: "`recurrent_charge` or `direct_charge`.",
				Validators: []function.StringParameterValidator{
					stringvalidator.OneOf(client.ChargeTypeRecurrent, client.ChargeTypeDirect),
				},
			},
			function.StringParameter{
				Name:                "icon",
				MarkdownDescription: "Absolute http(s) URL of an icon shown at checkout, or `\"\"` for none.",
				AllowNullValue:      true,
			},
			function.StringParameter{
				Name:                "description",
				MarkdownDescription: "A short text shown at checkout, or `\"\"` for none.",
				AllowNullValue:      true,
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *checkoutURLFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var chargeID, chargeType string
	var icon, description types.String
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &chargeID, &chargeType, &icon, &description))
	if resp.Error != nil {
		return
	}
	link, err := client.CheckoutURL(chargeID, chargeType, icon.ValueString(), description.ValueString())
	if err != nil {
		resp.Error = function.NewFuncError(err.Error())
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, link))
}

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

// Schema pieces shared by several resources: attribute builders and
// validators.

// computedKeptString is a computed string that only the platform sets and
// that keeps its state value in plans (an id, a link, a status that moves
// only by refresh).
func computedKeptString(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: desc,
		Computed:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// computedKeptInt64 is computedKeptString for a whole number.
func computedKeptInt64(desc string) schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: desc,
		Computed:            true,
		PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
	}
}

// computedKeptBool is computedKeptString for a boolean.
func computedKeptBool(desc string) schema.BoolAttribute {
	return schema.BoolAttribute{
		MarkdownDescription: desc,
		Computed:            true,
		PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
	}
}

// computedKeptTime is computedKeptString for an RFC 3339 timestamp.
func computedKeptTime(desc string) schema.StringAttribute {
	a := computedKeptString(desc)
	a.CustomType = timetypes.RFC3339Type{}
	return a
}

// absoluteHTTPURL validates a URL attribute such as return_url or link: an
// absolute http or https URL. rule is how the attribute's validator
// description and error state it.
type absoluteHTTPURL struct {
	rule string
}

var _ validator.String = absoluteHTTPURL{}

func (v absoluteHTTPURL) Description(context.Context) string { return v.rule }

func (v absoluteHTTPURL) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v absoluteHTTPURL) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	shown, hasUserinfo := client.WithoutUserinfo(raw)
	u, ok := client.ParseAbsoluteHTTPURL(raw)
	switch {
	case hasUserinfo:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL", fmt.Sprintf("%s must not carry user info "+
			"(user:password@), which would be kept in plain state, got %q.", req.Path, shown))
	case !ok:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL",
			fmt.Sprintf("%s %s, got %q.", req.Path, v.Description(ctx), shown))
	case client.HostProblem(u) != "":
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL",
			fmt.Sprintf("%s %s: %s, got %q.", req.Path, v.Description(ctx), client.HostProblem(u), shown))
	}
}

// figuresReadAtPlan is the last sentence of every money data source's
// description: its figures are read when Terraform plans.
const figuresReadAtPlan = " Terraform reads data sources when it plans, so after an apply that collects money (an " +
	"activated charge) the figures are the ones from before it until the next refresh: run " +
	"`terraform apply -refresh-only` to read the new ones."

package provider

import (
	"context"
	"fmt"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

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
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL",
			fmt.Sprintf("%s %s, got %q.", req.Path, v.Description(ctx), raw))
	}
}

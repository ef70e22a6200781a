package provider

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

// Helpers shared by the charge resources and data sources.

// parseChargeImportID accepts "<id>" (the provider's default product) or
// "<product>/<id>".
func parseChargeImportID(raw, defaultProduct string) (product, id string, err error) {
	bad := fmt.Errorf("expected <id> or <product>/<id>, got %q (product is livechat or helpdesk)", raw)
	parts := strings.Split(raw, "/")
	switch len(parts) {
	case 1:
		product, id = defaultProduct, parts[0]
	case 2:
		product, id = parts[0], parts[1]
		if product != ProductLiveChat && product != ProductHelpDesk {
			return "", "", bad
		}
	default:
		return "", "", bad
	}
	if id == "" || strings.TrimSpace(id) != id {
		return "", "", bad
	}
	return product, id, nil
}

// rfc3339 converts a nullable platform timestamp.
func rfc3339(t *time.Time) timetypes.RFC3339 {
	if t == nil {
		return timetypes.NewRFC3339Null()
	}
	return timetypes.NewRFC3339TimeValue(*t)
}

// stringOrNull maps the platform's empty string to null.
func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// absoluteHTTPURL validates a URL attribute such as return_url.
type absoluteHTTPURL struct{}

var _ validator.String = absoluteHTTPURL{}

func (absoluteHTTPURL) Description(context.Context) string {
	return "must be an absolute http or https URL, such as https://example.com/billing/done"
}

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

// keepStateWhenUnconfigured keeps the prior state's value of an
// Optional+Computed attribute whose configuration is null. It lets the
// provider's default product change without moving (replacing) the charges
// created under the old default.
type keepStateWhenUnconfigured struct{}

var _ planmodifier.String = keepStateWhenUnconfigured{}

func (keepStateWhenUnconfigured) Description(context.Context) string {
	return "When not configured, keeps the value the object was created with."
}

func (m keepStateWhenUnconfigured) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepStateWhenUnconfigured) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.ConfigValue.IsNull() && !req.StateValue.IsNull() && !req.StateValue.IsUnknown() {
		resp.PlanValue = req.StateValue
	}
}

// isAPIClientError reports a 4xx answer (the platform refused the request)
// or a request never sent: either way nothing was created.
func isAPIClientError(err error) bool {
	if client.IsMissingCredentials(err) {
		return true
	}
	apiErr, ok := client.AsAPIError(err)
	return ok && apiErr.Status >= 400 && apiErr.Status < 500
}

// mayExistNote is added to a failed create whose outcome is unknown.
func mayExistNote(kind string) string {
	return "\n\nThe request failed in a way that does not tell whether the platform created the " + kind +
		". It may exist without being in the Terraform state: check your app's charges before applying again, " +
		"and import it (terraform import) if it was created."
}

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// configureData takes the provider data handed to a resource, data source
// or ephemeral resource. It is nil before the provider is configured (and
// when its configuration is not yet known).
func configureData(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
		return nil
	}
	return data
}

// requireClient reports an error when the provider could not be configured.
func requireClient(data *providerData, diags *diag.Diagnostics) bool {
	if data == nil || data.client == nil {
		diags.AddError("Provider not configured",
			"The livechat provider's configuration depends on values not known yet (or failed to load), "+
				"so it cannot call the platform. Apply the resources it depends on first, or set the values directly.")
		return false
	}
	return true
}

// clientAndModel is how a resource, data source or ephemeral resource
// begins a call: it needs the configured client and reads its model from
// get (the request's config, plan or state). It reports false once diags
// say why not.
func clientAndModel[T any](ctx context.Context, data *providerData, get func(context.Context, any) diag.Diagnostics, diags *diag.Diagnostics) (T, bool) {
	var m T
	if !requireClient(data, diags) {
		return m, false
	}
	diags.Append(get(ctx, &m)...)
	return m, !diags.HasError()
}

// configuredResource is embedded by every resource: its Configure keeps
// the provider's data, which the resource reads as data.
type configuredResource struct {
	data *providerData
}

func (r *configuredResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

// configuredDataSource is configuredResource for a data source.
type configuredDataSource struct {
	data *providerData
}

func (d *configuredDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureData(req.ProviderData, &resp.Diagnostics)
}

// configuredEphemeral is configuredResource for an ephemeral resource.
type configuredEphemeral struct {
	data *providerData
}

func (e *configuredEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = configureData(req.ProviderData, &resp.Diagnostics)
}

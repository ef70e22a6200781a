package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
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

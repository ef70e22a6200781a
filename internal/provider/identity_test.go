package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	goversion "github.com/hashicorp/go-version"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// identityVersions skips below the CLIs that keep resource identities and
// import by identity: Terraform 1.12 and OpenTofu 1.12.
var identityVersions = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}

// expectIdentity is statecheck.ExpectIdentity on a CLI that keeps
// identities (1.12 or later). An older CLI never sends an identity back nor
// stores one, so there the check asks only that the state has none, rather
// than failing every create step of the suite on Terraform 1.11.
func expectIdentity(addr string, identity map[string]knownvalue.Check) statecheck.StateCheck {
	return identityCheck{addr: addr, inner: statecheck.ExpectIdentity(addr, identity)}
}

type identityCheck struct {
	addr  string
	inner statecheck.StateCheck
}

func (c identityCheck) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State != nil && req.State.TerraformVersion != "" {
		v, err := goversion.NewVersion(req.State.TerraformVersion)
		if err == nil && v.Core().LessThan(tfversion.Version1_12_0) {
			c.noIdentity(req, resp)
			return
		}
	}
	c.inner.CheckState(ctx, req, resp)
}

func (c identityCheck) noIdentity(req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("%s: the state has no values", c.addr)
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == c.addr {
			if len(r.IdentityValues) != 0 {
				resp.Error = fmt.Errorf("%s: Terraform %s stored an identity it cannot know", c.addr, req.State.TerraformVersion)
			}
			return
		}
	}
	resp.Error = fmt.Errorf("%s is not in the state", c.addr)
}

// importByIdentityStep imports addr again, into a fresh state with config,
// through an import block with the identity the prior step stored, and
// expects a no-op plan with the same identity. An empty config is the
// prior step's.
func importByIdentityStep(addr, config string) tfresource.TestStep {
	return tfresource.TestStep{
		ResourceName:    addr,
		Config:          config,
		ImportState:     true,
		ImportStateKind: tfresource.ImportBlockWithResourceIdentity,
	}
}

// importBlock imports into addr by an identity of attrs (HCL lines), the
// way a user adopts an object by identity.
func importBlock(addr, attrs string) string {
	return fmt.Sprintf("\nimport {\n  to = %s\n  identity = {\n%s\n  }\n}\n", addr, attrs)
}

// importedID turns an import by identity into the import ID its parser
// reads: the values in the ID's order, an optional one left out when not
// given, and every value checked on its own first, so a required one that
// is missing or a '/' in a value cannot pass for another ID.
func TestImportedID(t *testing.T) {
	ctx := context.Background()
	schema := chargeIdentitySchema()
	typ := schema.Type().TerraformType(ctx)
	identity := func(product, id any) *tfsdk.ResourceIdentity {
		return &tfsdk.ResourceIdentity{Schema: schema, Raw: tftypes.NewValue(typ, map[string]tftypes.Value{
			"product": tftypes.NewValue(tftypes.String, product),
			"id":      tftypes.NewValue(tftypes.String, id),
		})}
	}
	for _, tc := range []struct {
		name       string
		req        resource.ImportStateRequest
		want       string
		byIdentity bool
		err        string
	}{
		{"an import ID as it is", resource.ImportStateRequest{ID: "helpdesk/x", Identity: identity(nil, nil)}, "helpdesk/x", false, ""},
		{"both segments", resource.ImportStateRequest{Identity: identity("helpdesk", "x")}, "helpdesk/x", true, ""},
		{"the optional product left out", resource.ImportStateRequest{Identity: identity(nil, "x")}, "x", true, ""},
		{"the required id missing", resource.ImportStateRequest{Identity: identity("livechat", nil)}, "", true, "identity.id is not set."},
		{"a '/' in a value", resource.ImportStateRequest{Identity: identity(nil, "livechat/x")}, "", true,
			`identity.id is not one ID: "livechat/x" contains '/', '?' or '#'.`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, byIdentity, diags := importedID(ctx, tc.req, "product", "id")
			if tc.err != "" {
				if !diags.HasError() || diags.Errors()[0].Detail() != tc.err {
					t.Fatalf("diagnostics %v, want the error %q", diags, tc.err)
				}
				return
			}
			if diags.HasError() || got != tc.want || byIdentity != tc.byIdentity {
				t.Fatalf("importedID = %q, %t, %v; want %q, %t", got, byIdentity, diags, tc.want, tc.byIdentity)
			}
		})
	}
}

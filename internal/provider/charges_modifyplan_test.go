package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// runChargeModifyPlan runs r's ModifyPlan for the destroy of an object in state
// with id and status (plan null), or, with replace, for its replacement.
func runChargeModifyPlan(t *testing.T, r resource.ResourceWithModifyPlan, id, status string, replace bool) *resource.ModifyPlanResponse {
	t.Helper()
	ctx := context.Background()
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	if sresp.Diagnostics.HasError() {
		t.Fatal(sresp.Diagnostics)
	}
	typ := sresp.Schema.Type().TerraformType(ctx)
	state := tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, nil)}
	for attr, v := range map[string]string{"id": id, "status": status, "product": "livechat"} {
		if d := state.SetAttribute(ctx, path.Root(attr), v); d.HasError() {
			t.Fatal(d)
		}
	}
	plan := tfsdk.Plan{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, nil)}
	config := tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, nil)}
	resp := &resource.ModifyPlanResponse{Plan: plan}
	if replace {
		plan = tfsdk.Plan{Schema: sresp.Schema, Raw: state.Raw.Copy()}
		config = tfsdk.Config{Schema: sresp.Schema, Raw: state.Raw.Copy()}
		resp = &resource.ModifyPlanResponse{Plan: plan, RequiresReplace: path.Paths{path.Root("name")}}
	}
	r.ModifyPlan(ctx, resource.ModifyPlanRequest{State: state, Plan: plan, Config: config}, resp)
	return resp
}

// Issue 5: destroying or replacing a direct charge only forgets it, and the
// plan says so before apply.
func TestDirectChargeModifyPlan_warnsBeforeForgetting(t *testing.T) {
	for _, replace := range []bool{false, true} {
		resp := runChargeModifyPlan(t, &directChargeResource{}, "dc-42", "success", replace)
		if resp.Diagnostics.HasError() {
			t.Fatalf("replace=%v: %v", replace, resp.Diagnostics)
		}
		w := resp.Diagnostics.Warnings()
		if len(w) != 1 || w[0].Summary() != "Direct charge is only removed from the Terraform state" ||
			!strings.Contains(w[0].Detail(), "dc-42") || !strings.Contains(w[0].Detail(), "status success") {
			t.Fatalf("replace=%v: want one warning naming dc-42 and its status, got %v", replace, resp.Diagnostics)
		}
	}
}

// A recurrent charge's destroy cancels it: no such warning.
func TestRecurrentChargeModifyPlan_destroyDoesNotWarn(t *testing.T) {
	resp := runChargeModifyPlan(t, &recurrentChargeResource{}, "rc-42", "active", false)
	if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() != 0 {
		t.Fatalf("want no diagnostics, got %v", resp.Diagnostics)
	}
}

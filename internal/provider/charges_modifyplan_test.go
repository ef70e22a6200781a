package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// planRun is one call of a resource's ModifyPlan, with the request built
// from the resource's schema the way the framework builds it for the CLI:
// RequiresReplace is empty, because the framework does not pass the
// attributes' replacements to a resource's ModifyPlan.
type planRun struct {
	prior      map[string]any // the prior state; nil for a create
	changes    map[string]any // what the plan (and the configuration) changes
	destroy    bool           // a destroy: the plan is null
	configOnly map[string]any // write-only values, in the configuration only
}

func (p planRun) run(t *testing.T, r resource.ResourceWithModifyPlan) *resource.ModifyPlanResponse {
	t.Helper()
	ctx := context.Background()
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	if sresp.Diagnostics.HasError() {
		t.Fatal(sresp.Diagnostics)
	}
	typ := sresp.Schema.Type().TerraformType(ctx)
	null := tftypes.NewValue(typ, nil)
	state := tfsdk.State{Schema: sresp.Schema, Raw: null}
	setAll(t, p.prior, state.SetAttribute)
	plan := tfsdk.Plan{Schema: sresp.Schema, Raw: null}
	config := tfsdk.Config{Schema: sresp.Schema, Raw: null}
	if !p.destroy {
		plan.Raw = state.Raw.Copy()
		setAll(t, p.changes, plan.SetAttribute)
		// The configuration is the plan with the write-only values; the
		// functions under test read only arguments from it.
		withConfigOnly := tfsdk.Plan{Schema: sresp.Schema, Raw: plan.Raw.Copy()}
		setAll(t, p.configOnly, withConfigOnly.SetAttribute)
		config.Raw = withConfigOnly.Raw
	}
	resp := &resource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(ctx, resource.ModifyPlanRequest{State: state, Plan: plan, Config: config}, resp)
	return resp
}

func setAll(t *testing.T, values map[string]any, set func(context.Context, path.Path, any) diag.Diagnostics) {
	t.Helper()
	for attr, v := range values {
		if d := set(context.Background(), path.Root(attr), v); d.HasError() {
			t.Fatalf("%s: %v", attr, d)
		}
	}
}

// onlyWarning returns the one diagnostic of resp, which must be a warning.
func onlyWarning(t *testing.T, what string, resp *resource.ModifyPlanResponse) diag.Diagnostic {
	t.Helper()
	if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() != 1 {
		t.Fatalf("%s: want exactly one warning, got %v", what, resp.Diagnostics)
	}
	return resp.Diagnostics.Warnings()[0]
}

// containsAll fails unless text has every one of parts.
func containsAll(t *testing.T, what, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Errorf("%s: %q does not say %q", what, text, p)
		}
	}
}

// directPrior is a direct charge in the state.
func directPrior(status string) map[string]any {
	return map[string]any{"id": "dc-42", "status": status, "product": "livechat", "name": "10 extra seats",
		"price": int64(500), "quantity": int64(3), "per_account": true, "auto_activate": true, "test": false,
		"return_url": "https://example.com/"}
}

// Destroying or replacing a direct charge only forgets it, and the plan
// says so before apply.
func TestDirectChargeModifyPlan_warnsBeforeForgetting(t *testing.T) {
	for name, p := range map[string]planRun{
		"destroy": {prior: directPrior("success"), destroy: true},
		"replace": {prior: directPrior("success"), changes: map[string]any{"name": "11 extra seats"}},
	} {
		w := onlyWarning(t, name, p.run(t, &directChargeResource{}))
		if w.Summary() != "Direct charge is only removed from the Terraform state" {
			t.Errorf("%s: summary %q", name, w.Summary())
		}
		containsAll(t, name, w.Detail(), "dc-42", "status success")
	}
}

// An accepted direct charge that apply activates: the plan says who pays
// what, price × quantity, and that per_account multiplies it again.
func TestDirectChargeModifyPlan_warnsBeforeActivating(t *testing.T) {
	resp := planRun{prior: directPrior("accepted")}.run(t, &directChargeResource{})
	w := onlyWarning(t, "activation", resp)
	containsAll(t, "activation", w.Summary()+" "+w.Detail(), "dc-42", `"10 extra seats"`,
		"500 × 3 cents (price × quantity) = 1500 cents ($15.00), once", "number of the buyer's agent accounts")
	for name, p := range map[string]planRun{
		"pending":            {prior: directPrior("pending")},
		"success":            {prior: directPrior("success")},
		"auto_activate off":  {prior: directPrior("accepted"), changes: map[string]any{"auto_activate": false}},
		"auto_activate only": {prior: directPrior("success"), changes: map[string]any{"auto_activate": false}},
	} {
		if resp := p.run(t, &directChargeResource{}); len(resp.Diagnostics) != 0 {
			t.Errorf("%s: want no diagnostics, got %v", name, resp.Diagnostics)
		}
	}
}

// recurrentPrior is a recurrent charge in the state.
func recurrentPrior(status string, protected bool) map[string]any {
	return map[string]any{"id": "rc-42", "status": status, "product": "livechat", "name": "Chat Transcripts Pro",
		"price": int64(1900), "months": int64(1), "trial_days": int64(14), "per_account": false, "test": false,
		"auto_activate": true, "deletion_protection": protected, "return_url": "https://example.com/"}
}

// Destroying or replacing an active or past_due charge ends a paying
// subscription: the plan warns, naming the charge and what it brings in.
func TestRecurrentChargeModifyPlan_warnsBeforeEndingAPayingCharge(t *testing.T) {
	for _, status := range []string{"active", "past_due"} {
		for name, p := range map[string]planRun{
			"destroy": {prior: recurrentPrior(status, false), destroy: true},
			"replace": {prior: recurrentPrior(status, false), changes: map[string]any{"price": int64(2900)}},
		} {
			what := status + " " + name
			w := onlyWarning(t, what, p.run(t, &recurrentChargeResource{}))
			containsAll(t, what, w.Summary()+" "+w.Detail(), "rc-42", `"Chat Transcripts Pro"`, "is "+status,
				"1900 cents ($19.00) per 1 month(s)", "deletion_protection = true")
			if name == "replace" {
				containsAll(t, what, w.Detail(), "must accept before paying again")
			}
		}
	}
}

// A charge nobody pays for (yet, or any more) ends quietly, protected or not;
// in-place changes of a paying charge do not warn either.
func TestRecurrentChargeModifyPlan_quietWhenNoPaymentEnds(t *testing.T) {
	cases := map[string]planRun{
		"active, deletion_protection on":  {prior: recurrentPrior("active", false), changes: map[string]any{"deletion_protection": true}},
		"active, deletion_protection off": {prior: recurrentPrior("active", true), changes: map[string]any{"deletion_protection": false}},
		"active, auto_activate off":       {prior: recurrentPrior("active", true), changes: map[string]any{"auto_activate": false}},
		"active, no change":               {prior: recurrentPrior("active", true)},
	}
	for _, status := range []string{"pending", "accepted", "declined", "cancelled", "frozen"} {
		cases[status+" destroy"] = planRun{prior: recurrentPrior(status, true), destroy: true}
		cases[status+" replace"] = planRun{prior: recurrentPrior(status, true), changes: map[string]any{"name": "New"}}
	}
	for name, p := range cases {
		if resp := p.run(t, &recurrentChargeResource{}); len(resp.Diagnostics) != 0 {
			t.Errorf("%s: want no diagnostics, got %v", name, resp.Diagnostics)
		}
	}
}

// With deletion_protection in the prior state, a plan that ends a paying
// charge fails, even when the same configuration switches it off.
func TestRecurrentChargeModifyPlan_deletionProtectionRefuses(t *testing.T) {
	for name, p := range map[string]planRun{
		"destroy": {prior: recurrentPrior("active", true), destroy: true},
		"replace, switched off in the same plan": {prior: recurrentPrior("past_due", true),
			changes: map[string]any{"price": int64(2900), "deletion_protection": false}},
	} {
		resp := p.run(t, &recurrentChargeResource{})
		errs := resp.Diagnostics.Errors()
		if len(errs) != 1 || resp.Diagnostics.WarningsCount() != 0 {
			t.Fatalf("%s: want one error, got %v", name, resp.Diagnostics)
		}
		containsAll(t, name, errs[0].Summary()+" "+errs[0].Detail(), "rc-42", "deletion_protection",
			"1900 cents ($19.00) per 1 month(s)", "set deletion_protection = false", "and apply")
	}
	// Switching it on in the plan that replaces the charge does not protect
	// the charge being replaced: the prior state decides.
	p := planRun{prior: recurrentPrior("active", false), changes: map[string]any{"price": int64(2900), "deletion_protection": true}}
	onlyWarning(t, "protection switched on with a replacement", p.run(t, &recurrentChargeResource{}))
}

// An accepted (or frozen) charge that apply activates: the plan says what
// the buyer pays and for how long.
func TestRecurrentChargeModifyPlan_warnsBeforeActivating(t *testing.T) {
	w := onlyWarning(t, "accepted", planRun{prior: recurrentPrior("accepted", false)}.run(t, &recurrentChargeResource{}))
	containsAll(t, "accepted", w.Summary()+" "+w.Detail(), "rc-42", `"Chat Transcripts Pro"`, "activates",
		"1900 cents ($19.00) per 1 month(s)", "after a 14-day free trial")

	yearly := recurrentPrior("frozen", false)
	yearly["months"], yearly["per_account"] = int64(12), true
	w = onlyWarning(t, "frozen", planRun{prior: yearly}.run(t, &recurrentChargeResource{}))
	containsAll(t, "frozen", w.Detail(), "retries", "1900 cents ($19.00) per 12 month(s) for each of the buyer's agent accounts")
	if strings.Contains(w.Detail(), "trial") {
		t.Errorf("a frozen charge's trial is over: %q", w.Detail())
	}

	off := planRun{prior: recurrentPrior("accepted", false), changes: map[string]any{"auto_activate": false}}
	if resp := off.run(t, &recurrentChargeResource{}); len(resp.Diagnostics) != 0 {
		t.Errorf("auto_activate false: want no diagnostics, got %v", resp.Diagnostics)
	}
}

package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (platform-api.md §4.8), the same for every resource:
// the identity is the resource's import ID split into its segments, each an
// attribute named as the state attribute that holds it. So the identity is
// always read from the state, and an import by identity goes through the
// same parser as an import by ID.

// identityString is one identity attribute. required says whether an
// import by identity must give it; an optional one has a default that the
// description states.
func identityString(desc string, required bool) identityschema.StringAttribute {
	return identityschema.StringAttribute{Description: desc, RequiredForImport: required, OptionalForImport: !required}
}

// setIdentityFromState copies every identity attribute from state into
// identity. The framework refuses a Create, Read or Update that leaves the
// identity empty, also when the CLI (Terraform before 1.12) never sends one
// back, so each of them calls this. identity is nil only when a test calls
// a method without one.
func setIdentityFromState(ctx context.Context, state tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil || state.Raw.IsNull() {
		return
	}
	for _, name := range identityAttributeNames(identity) {
		var v types.String
		diags.Append(state.GetAttribute(ctx, path.Root(name), &v)...)
		diags.Append(identity.SetAttribute(ctx, path.Root(name), v)...)
	}
}

// setStateAndIdentity records m as the object's state, and its identity.
// The object exists once this is called: the state is kept even when the
// identity could not be set.
func setStateAndIdentity(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity, m any, diags *diag.Diagnostics) {
	d := state.Set(ctx, m)
	diags.Append(d...)
	if !d.HasError() {
		setIdentityFromState(ctx, *state, identity, diags)
	}
}

// keepIdentityForRead sets the identity of a Read from the prior state,
// before anything else: identities never change, and every way out of a
// Read without an error (the object gone and removed from state included)
// must leave one.
func keepIdentityForRead(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	setIdentityFromState(ctx, req.State, resp.Identity, &resp.Diagnostics)
}

func identityAttributeNames(identity *tfsdk.ResourceIdentity) []string {
	var names []string
	for name := range identity.Schema.GetAttributes() {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// importedID is the import ID of an import: the ID itself, or the one an
// import identity stands for, its segments (the attributes named in
// segments, in the ID's order) joined by "/". An optional attribute left
// out is left out of the ID, which then means its default. Each value must
// pass the ID segment rule first, so no value can shift into another
// segment. byIdentity reports which kind of import it was.
func importedID(ctx context.Context, req resource.ImportStateRequest, segments ...string) (id string, byIdentity bool, diags diag.Diagnostics) {
	if req.ID != "" || req.Identity == nil || req.Identity.Raw.IsNull() {
		return req.ID, false, nil
	}
	var parts []string
	for _, name := range segments {
		var v types.String
		diags.Append(req.Identity.GetAttribute(ctx, path.Root(name), &v)...)
		if diags.HasError() {
			return "", true, diags
		}
		if v.IsNull() && !identityRequired(req.Identity, name) {
			continue
		}
		if problem := identitySegmentProblem(v); problem != "" {
			diags.AddError("Invalid import identity", fmt.Sprintf("identity.%s %s.", name, problem))
			return "", true, diags
		}
		parts = append(parts, v.ValueString())
	}
	return strings.Join(parts, "/"), true, diags
}

// identitySegmentProblem applies the ID segment rule to an identity value.
func identitySegmentProblem(v types.String) string {
	if v.IsNull() || v.IsUnknown() {
		return "is not set"
	}
	if problem := idSegmentProblem(v.ValueString()); problem != "" {
		return "is not one ID: " + problem
	}
	return ""
}

func identityRequired(identity *tfsdk.ResourceIdentity, name string) bool {
	a, ok := identity.Schema.GetAttributes()[name].(identityschema.StringAttribute)
	return !ok || a.RequiredForImport
}

// addImportError reports an ID or identity the resource's parser refused,
// with the parser's detail.
func addImportError(diags *diag.Diagnostics, byIdentity bool, detail string) {
	if byIdentity {
		diags.AddError("Invalid import identity", "The import identity's attributes, as an import ID: "+detail)
		return
	}
	diags.AddError("Invalid import ID", detail)
}

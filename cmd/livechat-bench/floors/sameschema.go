package floors

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// SameSchema returns the provider factory of the same-schema floor: every
// resource of the provider that of makes, with that resource's own type name
// and schema (validators, defaults and plan modifiers included), but
// trivial CRUD: create stores the plan with its unknown values filled in,
// read returns what is stored. What the livechat provider costs beyond
// this floor is its own work (the API, models, ModifyPlan), not the
// framework's work on its schemas.
//
// The livechat provider is passed in rather than imported, so that this
// package depends on the framework only and the provider's own benchmarks
// can use it.
func SameSchema(store Store, of func() provider.Provider) func() provider.Provider {
	return func() provider.Provider { return &sameSchemaProvider{store: store, of: of()} }
}

type sameSchemaProvider struct {
	store Store
	of    provider.Provider
}

func (p *sameSchemaProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = providerTypeName
}

func (p *sameSchemaProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {
}

func (p *sameSchemaProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *sameSchemaProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

func (p *sameSchemaProvider) Resources(ctx context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, newResource := range p.of.Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: providerTypeName}, &meta)
		var sch resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &sch)
		floor := &sameSchemaResource{typeName: meta.TypeName, schema: sch.Schema, store: sameSchemaStore{p.store}}
		if withIdentity, ok := r.(resource.ResourceWithIdentity); ok {
			var ids resource.IdentitySchemaResponse
			withIdentity.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &ids)
			identified := &identifiedSameSchemaResource{floor, ids.IdentitySchema}
			out = append(out, func() resource.Resource { return identified })
			continue
		}
		out = append(out, func() resource.Resource { return floor })
	}
	return out
}

// identifiedSameSchemaResource is the floor of a resource with an identity:
// Terraform and the framework store and check an identity with every
// object, so the floor carries the same identity schema. Like the
// provider's, each identity attribute is the state attribute of its name.
type identifiedSameSchemaResource struct {
	*sameSchemaResource
	identity identityschema.Schema
}

func (r *identifiedSameSchemaResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = r.identity
}

func (r *identifiedSameSchemaResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.sameSchemaResource.Create(ctx, req, resp)
	r.setIdentity(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *identifiedSameSchemaResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	r.sameSchemaResource.Read(ctx, req, resp)
	r.setIdentity(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *identifiedSameSchemaResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.sameSchemaResource.Update(ctx, req, resp)
	r.setIdentity(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// setIdentity copies the identity attributes out of state, in one value
// as a trivial provider would.
func (r *identifiedSameSchemaResource) setIdentity(ctx context.Context, state tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil || state.Raw.IsNull() || diags.HasError() {
		return
	}
	var attrs map[string]tftypes.Value
	if err := state.Raw.As(&attrs); err != nil {
		diags.AddError("Unable to set the identity of "+r.typeName, err.Error())
		return
	}
	typ, _ := r.identity.Type().TerraformType(ctx).(tftypes.Object)
	vals := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name := range typ.AttributeTypes {
		vals[name] = attrs[name]
	}
	identity.Raw = tftypes.NewValue(typ, vals)
}

type sameSchemaResource struct {
	typeName string
	schema   schema.Schema
	store    sameSchemaStore
}

// sameSchemaStore keeps whole objects (msgpack, as Terraform sends them).
type sameSchemaStore struct{ Store }

func (r *sameSchemaResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = r.typeName
}

func (r *sameSchemaResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.schema
}

func (r *sameSchemaResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	state, err := r.store.put(ctx, NewID(), req.Plan.Raw)
	if err != nil {
		resp.Diagnostics.AddError("Unable to create "+r.typeName, err.Error())
		return
	}
	resp.State.Raw = state
}

func (r *sameSchemaResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	id, err := objectID(req.State.Raw)
	if err != nil {
		resp.Diagnostics.AddError("Unable to read "+r.typeName, err.Error())
		return
	}
	body, found, err := r.store.Get(ctx, id)
	if err != nil {
		resp.Diagnostics.AddError("Unable to read "+r.typeName, err.Error())
		return
	}
	if !found {
		resp.State.RemoveResource(ctx)
		return
	}
	v, err := (&tfprotov6.DynamicValue{MsgPack: body}).Unmarshal(req.State.Raw.Type())
	if err != nil {
		resp.Diagnostics.AddError("Unable to read "+r.typeName, err.Error())
		return
	}
	resp.State.Raw = v
}

func (r *sameSchemaResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	id, err := objectID(req.State.Raw)
	if err == nil {
		resp.State.Raw, err = r.store.put(ctx, id, req.Plan.Raw)
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to update "+r.typeName, err.Error())
	}
}

func (r *sameSchemaResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	id, err := objectID(req.State.Raw)
	if err == nil {
		err = r.store.Delete(ctx, id)
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to delete "+r.typeName, err.Error())
	}
}

// put fills in the unknown values of a planned object, stores it under id
// and returns it as the new state.
func (s sameSchemaStore) put(ctx context.Context, id string, planned tftypes.Value) (tftypes.Value, error) {
	state, err := fillUnknowns(planned, id)
	if err != nil {
		return tftypes.Value{}, err
	}
	dv, err := tfprotov6.NewDynamicValue(state.Type(), state)
	if err != nil {
		return tftypes.Value{}, err
	}
	return state, s.Put(ctx, id, dv.MsgPack)
}

// fillUnknowns gives every unknown value of an object what a platform
// would have answered: id for "id", a timestamp for "*_at", a placeholder
// string, 1 or true otherwise, and null for anything nested.
func fillUnknowns(v tftypes.Value, id string) (tftypes.Value, error) {
	return tftypes.Transform(v, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		name, _ := p.LastStep().(tftypes.AttributeName)
		typ := v.Type()
		switch {
		case typ.Is(tftypes.String) && name == "id":
			return tftypes.NewValue(typ, id), nil
		case typ.Is(tftypes.String) && strings.HasSuffix(string(name), "_at"):
			return tftypes.NewValue(typ, "2026-01-02T03:04:05Z"), nil
		case typ.Is(tftypes.String):
			return tftypes.NewValue(typ, "floor "+string(name)), nil
		case typ.Is(tftypes.Number):
			return tftypes.NewValue(typ, big.NewFloat(1)), nil
		case typ.Is(tftypes.Bool):
			return tftypes.NewValue(typ, true), nil
		}
		return tftypes.NewValue(typ, nil), nil
	})
}

// objectID is the "id" attribute of a stored object.
func objectID(v tftypes.Value) (string, error) {
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		return "", err
	}
	var id string
	if err := attrs["id"].As(&id); err != nil || id == "" {
		return "", fmt.Errorf("the object has no id (%v)", err)
	}
	return id, nil
}

package floors

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Minimal returns the provider factory of the minimal floor: one resource,
// livechat_item, with four attributes, written the way the framework's
// scaffolding writes a resource (a model struct, Plan.Get, State.Set).
func Minimal(store Store) func() provider.Provider {
	return func() provider.Provider { return &minimalProvider{store: store} }
}

type minimalProvider struct{ store Store }

func (p *minimalProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = providerTypeName
}

func (p *minimalProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (p *minimalProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *minimalProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &itemResource{store: p.store} }}
}

func (p *minimalProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// providerTypeName is the floors' type name: they stand in for the
// livechat provider at the same address, so the same configuration
// (same-schema) or the same CLI setup (minimal) serves all three.
const providerTypeName = "livechat"

type itemResource struct{ store Store }

type itemModel struct {
	ID     types.String `tfsdk:"id"`
	Name   types.String `tfsdk:"name"`
	Size   types.Int64  `tfsdk:"size"`
	Digest types.String `tfsdk:"digest"`
}

// storedItem is what the store keeps of an item.
type storedItem struct {
	Name   string `json:"name"`
	Size   *int64 `json:"size,omitempty"`
	Digest string `json:"digest"`
}

func (r *itemResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_item"
}

func (r *itemResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	kept := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An item of the minimal floor provider.",
		Attributes: map[string]schema.Attribute{
			"id":     schema.StringAttribute{Computed: true, PlanModifiers: kept, MarkdownDescription: "The item's id."},
			"name":   schema.StringAttribute{Required: true, MarkdownDescription: "The item's name."},
			"size":   schema.Int64Attribute{Optional: true, MarkdownDescription: "The item's size."},
			"digest": schema.StringAttribute{Computed: true, PlanModifiers: kept, MarkdownDescription: "A digest of the name."},
		},
	}
}

func (r *itemResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m itemModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.ID = types.StringValue(NewID())
	m.Digest = types.StringValue(digest(m.Name.ValueString()))
	if err := r.put(ctx, m); err != nil {
		resp.Diagnostics.AddError("Unable to create item", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *itemResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m itemModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body, found, err := r.store.Get(ctx, m.ID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Unable to read item", err.Error())
		return
	}
	if !found {
		resp.State.RemoveResource(ctx)
		return
	}
	var s storedItem
	if err := json.Unmarshal(body, &s); err != nil {
		resp.Diagnostics.AddError("Unable to read item", err.Error())
		return
	}
	m.Name, m.Size, m.Digest = types.StringValue(s.Name), types.Int64PointerValue(s.Size), types.StringValue(s.Digest)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *itemResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m itemModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.Digest = types.StringValue(digest(m.Name.ValueString()))
	if err := r.put(ctx, m); err != nil {
		resp.Diagnostics.AddError("Unable to update item", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *itemResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m itemModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.store.Delete(ctx, m.ID.ValueString()); err != nil {
		resp.Diagnostics.AddError("Unable to delete item", err.Error())
	}
}

func (r *itemResource) put(ctx context.Context, m itemModel) error {
	body, err := json.Marshal(storedItem{Name: m.Name.ValueString(), Size: m.Size.ValueInt64Pointer(), Digest: m.Digest.ValueString()})
	if err != nil {
		return err
	}
	return r.store.Put(ctx, m.ID.ValueString(), body)
}

// digest gives the item a computed attribute the platform "derives".
func digest(s string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return fmt.Sprintf("%016x", h.Sum64())
}

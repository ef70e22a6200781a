package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// Every charge resource and data source, and each of their attributes
// (nested ones included), has a MarkdownDescription for the docs.
func TestChargeSchemasHaveDescriptions(t *testing.T) {
	ctx := context.Background()
	for _, r := range []resource.Resource{NewRecurrentChargeResource(), NewDirectChargeResource()} {
		var resp resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &resp)
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "livechat"}, &meta)
		if resp.Schema.MarkdownDescription == "" {
			t.Errorf("%s has no description", meta.TypeName)
		}
		for name, a := range resp.Schema.Attributes {
			if a.GetMarkdownDescription() == "" {
				t.Errorf("%s.%s has no description", meta.TypeName, name)
			}
		}
		if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
			t.Errorf("%s: %v", meta.TypeName, diags)
		}
	}
	for _, d := range []datasource.DataSource{NewRecurrentChargeDataSource(), NewDirectChargeDataSource(), NewDirectChargesDataSource()} {
		var resp datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &resp)
		var meta datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "livechat"}, &meta)
		if resp.Schema.MarkdownDescription == "" {
			t.Errorf("data.%s has no description", meta.TypeName)
		}
		var walk func(prefix string, attrs map[string]dsschema.Attribute)
		walk = func(prefix string, attrs map[string]dsschema.Attribute) {
			for name, a := range attrs {
				if a.GetMarkdownDescription() == "" {
					t.Errorf("data.%s.%s%s has no description", meta.TypeName, prefix, name)
				}
				if n, ok := a.(dsschema.ListNestedAttribute); ok {
					walk(prefix+name+".", n.NestedObject.Attributes)
				}
			}
		}
		walk("", resp.Schema.Attributes)
	}
}

// deletion_protection is the resource's own setting: optional, false by
// default, changed in place; the data source, which shares the resource's
// model of the platform's charge, does not have it.
func TestRecurrentChargeDeletionProtectionSchema(t *testing.T) {
	ctx := context.Background()
	var rresp resource.SchemaResponse
	NewRecurrentChargeResource().Schema(ctx, resource.SchemaRequest{}, &rresp)
	a, ok := rresp.Schema.Attributes["deletion_protection"].(rschema.BoolAttribute)
	if !ok || !a.Optional || !a.Computed || a.Default == nil || len(a.PlanModifiers) != 0 {
		t.Fatalf("deletion_protection must be an optional, computed bool with a default and no replacement: %#v", a)
	}
	var ds datasource.SchemaResponse
	NewRecurrentChargeDataSource().Schema(ctx, datasource.SchemaRequest{}, &ds)
	if _, ok := ds.Schema.Attributes["deletion_protection"]; ok {
		t.Fatal("the data source must not have deletion_protection")
	}
}

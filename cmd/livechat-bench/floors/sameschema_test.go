package floors_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/livechat-tf/terraform-provider-livechat/cmd/livechat-bench/floors"
	"github.com/livechat-tf/terraform-provider-livechat/internal/provider"
)

// The same-schema floor must cost what the provider's schemas cost, and
// an identity is part of what Terraform and the framework handle for
// every object: the floor serves the provider's identity schemas and sets
// an identity on every object it creates.
func TestSameSchemaFloorServesTheProvidersIdentities(t *testing.T) {
	ctx := t.Context()
	want := identitySchemas(ctx, t, providerserver.NewProtocol6(provider.New("test")())())
	floor := providerserver.NewProtocol6(floors.SameSchema(floors.NewMemStore(), provider.New("test"))())()
	if got := identitySchemas(ctx, t, floor); !reflect.DeepEqual(got, want) {
		t.Fatalf("the floor's identity schemas differ from the provider's:\n got %v\nwant %v", got, want)
	}

	identity := createCampaign(ctx, t, floor)
	var attrs map[string]tftypes.Value
	if err := identity.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var slug string
	if err := attrs["slug"].As(&slug); err != nil || slug != "floor slug" {
		t.Errorf("the created campaign's identity slug = %q (%v); want the state's slug, %q", slug, err, "floor slug")
	}
}

func identitySchemas(ctx context.Context, t *testing.T, srv tfprotov6.ProviderServer) map[string]*tfprotov6.ResourceIdentitySchema {
	t.Helper()
	resp, err := srv.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("GetResourceIdentitySchemas: %v %v", err, resp.Diagnostics)
	}
	return resp.IdentitySchemas
}

// createCampaign plans and applies a campaign on the floor and returns the
// identity the apply answered.
func createCampaign(ctx context.Context, t *testing.T, srv tfprotov6.ProviderServer) tftypes.Value {
	t.Helper()
	const typeName = "livechat_partner_campaign"
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: dynamic(t, schemas.Provider.ValueType(), nil)}); err != nil {
		t.Fatal(err)
	}
	typ := schemas.ResourceSchemas[typeName].ValueType()
	obj, _ := typ.(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range obj.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	vals["name"] = tftypes.NewValue(tftypes.String, "Floor campaign")
	config := dynamic(t, typ, vals)
	none := dynamic(t, typ, nil)
	plan, err := srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: typeName, PriorState: none, ProposedNewState: config, Config: config})
	if err != nil || len(plan.Diagnostics) > 0 {
		t.Fatalf("plan: %v %v", err, plan.Diagnostics)
	}
	applied, err := srv.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: typeName, PriorState: none, PlannedState: plan.PlannedState, Config: config})
	if err != nil || len(applied.Diagnostics) > 0 {
		t.Fatalf("apply: %v %v", err, applied.Diagnostics)
	}
	if applied.NewIdentity == nil || applied.NewIdentity.IdentityData == nil {
		t.Fatal("the floor's create answered no identity")
	}
	identityType := identitySchemas(ctx, t, srv)[typeName].ValueType()
	identity, err := applied.NewIdentity.IdentityData.Unmarshal(identityType)
	if err != nil {
		t.Fatal(err)
	}
	return identity
}

// dynamic is an object of typ with vals (nil: a null object).
func dynamic(t *testing.T, typ tftypes.Type, vals map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	var v tftypes.Value
	if vals == nil {
		v = tftypes.NewValue(typ, nil)
	} else {
		v = tftypes.NewValue(typ, vals)
	}
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

package provider

import (
	"context"
	"fmt"
	"math/big"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/livechat-tf/terraform-provider-livechat/cmd/livechat-bench/floors"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// The hot paths of a pipeline's plan, through the protocol server exactly
// as Terraform calls them: a no-change PlanResourceChange and a
// ReadResource of an object that exists, for each resource the benchmark
// harness (cmd/livechat-bench) configures. Each runs against the
// same-schema floor first, then against the provider, which reports its
// time as a multiple of the floor's ("x-same-schema"): what the provider
// itself adds to the framework's work on its schemas. The server is
// called directly, with no SDK logger in the context, so the TRACE logging
// that the harness measures costs nothing here.
//
//	go test ./internal/provider -run '^$' -bench . -benchmem

// benchResources are the resources of the harness's configuration, with the
// arguments it sets.
var benchResources = []struct {
	typeName string
	args     map[string]tftypes.Value
}{
	{"livechat_recurrent_charge", map[string]tftypes.Value{
		"name":       tftypes.NewValue(tftypes.String, "Bench charge"),
		"price":      tftypes.NewValue(tftypes.Number, big.NewFloat(1900)),
		"return_url": tftypes.NewValue(tftypes.String, "https://example.com/billing/done"),
	}},
	{"livechat_partner_campaign", map[string]tftypes.Value{
		"name": tftypes.NewValue(tftypes.String, "Bench campaign"),
	}},
}

// protocolCall is one call of the protocol on an object; it returns the
// object as the call left it.
type protocolCall func(ctx context.Context, o *benchObject) (*tfprotov6.DynamicValue, []*tfprotov6.Diagnostic, error)

func BenchmarkPlanResourceChange(b *testing.B) {
	benchmarkProtocol(b, func(ctx context.Context, o *benchObject) (*tfprotov6.DynamicValue, []*tfprotov6.Diagnostic, error) {
		resp, err := o.srv.PlanResourceChange(ctx, o.noChangePlan())
		if err != nil {
			return nil, nil, err
		}
		if len(resp.RequiresReplace) > 0 {
			return nil, nil, fmt.Errorf("the no-change plan replaces the object (%v)", resp.RequiresReplace)
		}
		return resp.PlannedState, resp.Diagnostics, nil
	})
}

func BenchmarkReadResource(b *testing.B) {
	benchmarkProtocol(b, func(ctx context.Context, o *benchObject) (*tfprotov6.DynamicValue, []*tfprotov6.Diagnostic, error) {
		resp, err := o.srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{
			TypeName: o.typeName, CurrentState: o.state, Private: o.private,
		})
		if err != nil {
			return nil, nil, err
		}
		return resp.NewState, resp.Diagnostics, nil
	})
}

// benchmarkProtocol runs call for every bench resource, on the floor and
// then on the provider.
func benchmarkProtocol(b *testing.B, call protocolCall) {
	for _, r := range benchResources {
		b.Run(r.typeName, func(b *testing.B) {
			var floorNsPerOp float64
			b.Run("same-schema", func(b *testing.B) {
				srv := protocolServer(b, floors.SameSchema(floors.NewMemStore(), New("bench"))())
				floorNsPerOp = loop(b, newBenchObject(b, srv, r.typeName, r.args), call)
			})
			b.Run("livechat", func(b *testing.B) {
				srv, err := NewProtocolServer("bench")()
				if err != nil {
					b.Fatal(err)
				}
				nsPerOp := loop(b, newBenchObject(b, srv, r.typeName, r.args), call)
				if floorNsPerOp > 0 {
					b.ReportMetric(nsPerOp/floorNsPerOp, "x-same-schema")
				}
			})
		})
	}
}

// loop checks once that call leaves the object as it is (a no-change plan,
// a read of an object nobody changed), then runs it as often as the
// benchmark asks and returns its ns/op.
func loop(b *testing.B, o *benchObject, call protocolCall) float64 {
	ctx := b.Context()
	after, diags, err := call(ctx, o)
	failOnDiagnostics(b, o.typeName, err, diags)
	if got, err := after.Unmarshal(o.typ); err != nil || !got.Equal(o.stateVal) {
		b.Fatalf("%s: the call changes the object (%v):\n got %v\nwant %v", o.typeName, err, got, o.stateVal)
	}
	b.ReportAllocs()
	for b.Loop() {
		_, diags, err := call(ctx, o)
		failOnDiagnostics(b, o.typeName, err, diags)
	}
	return float64(b.Elapsed().Nanoseconds()) / float64(b.N)
}

// benchObject is one object that exists on the server's API and in its
// state, as after an apply.
type benchObject struct {
	srv      tfprotov6.ProviderServer
	typeName string
	config   *tfprotov6.DynamicValue
	state    *tfprotov6.DynamicValue
	private  []byte
	typ      tftypes.Type
	stateVal tftypes.Value
}

// newBenchObject configures srv (the provider against an in-process
// sandbox, through the environment) and creates an object of typeName
// with args, by a plan and an apply as Terraform makes them.
func newBenchObject(b testing.TB, srv tfprotov6.ProviderServer, typeName string, args map[string]tftypes.Value) *benchObject {
	b.Helper()
	ctx := b.Context()
	sbx, err := sandbox.New(sandbox.Options{})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(sbx)
	b.Cleanup(func() { hs.Close(); _ = sbx.Close() })
	b.Setenv(EnvAPIURL, hs.URL)
	b.Setenv(EnvAccessToken, sandbox.DefaultAccessToken)
	b.Setenv(EnvPartnerToken, sandbox.DefaultPartnerToken)
	b.Setenv(EnvPartnerPassword, sandbox.DefaultPartnerPassword)

	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	failOnDiagnostics(b, "GetProviderSchema", err, schemas.Diagnostics)
	ptyp := schemas.Provider.ValueType()
	configured, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.11.4", Config: dynamicValue(b, ptyp, objectWith(ptyp, nil)),
	})
	failOnDiagnostics(b, "ConfigureProvider", err, configured.Diagnostics)

	o := &benchObject{srv: srv, typeName: typeName, typ: schemas.ResourceSchemas[typeName].ValueType()}
	o.config = dynamicValue(b, o.typ, objectWith(o.typ, args))
	none := dynamicValue(b, o.typ, tftypes.NewValue(o.typ, nil))
	plan, err := srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, PriorState: none, ProposedNewState: o.config, Config: o.config,
	})
	failOnDiagnostics(b, typeName+" create plan", err, plan.Diagnostics)
	applied, err := srv.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: typeName, PriorState: none, PlannedState: plan.PlannedState, Config: o.config, PlannedPrivate: plan.PlannedPrivate,
	})
	failOnDiagnostics(b, typeName+" create", err, applied.Diagnostics)
	o.state, o.private = applied.NewState, applied.Private
	if o.stateVal, err = o.state.Unmarshal(o.typ); err != nil {
		b.Fatal(err)
	}
	return o
}

// noChangePlan is the request of a plan whose configuration matches the
// state: Terraform's proposed new state is then the prior state itself.
func (o *benchObject) noChangePlan() *tfprotov6.PlanResourceChangeRequest {
	return &tfprotov6.PlanResourceChangeRequest{
		TypeName: o.typeName, PriorState: o.state, ProposedNewState: o.state, Config: o.config, PriorPrivate: o.private,
	}
}

// protocolServer serves p as the framework alone does, less the gRPC
// transport: the floor's server.
func protocolServer(b testing.TB, p provider.Provider) tfprotov6.ProviderServer {
	srv, err := providerserver.NewProtocol6WithError(p)()
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

// objectWith is an object of typ with the values in set and every other
// attribute null, as Terraform sends a configuration.
func objectWith(typ tftypes.Type, set map[string]tftypes.Value) tftypes.Value {
	obj, _ := typ.(tftypes.Object)
	vals := make(map[string]tftypes.Value, len(obj.AttributeTypes))
	for name, at := range obj.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	return tftypes.NewValue(obj, vals)
}

func dynamicValue(b testing.TB, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}

func failOnDiagnostics(b testing.TB, what string, err error, diags []*tfprotov6.Diagnostic) {
	if err != nil {
		b.Fatalf("%s: %v", what, err)
	}
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			b.Fatalf("%s: %s: %s", what, d.Summary, d.Detail)
		}
	}
}

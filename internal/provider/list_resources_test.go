package provider

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// The list path as Terraform 1.14 drives it, at the protocol: the
// provider's own server, configured against a sandbox, answers
// ValidateListResourceConfig and ListResource, and its ImportResourceState
// and ReadResource show what an import of a listed identity makes. The
// CLIs these tests run on (Terraform 1.11, OpenTofu 1.12) cannot run
// `terraform query`; the Query steps in the list resources' tests run it
// where a newer CLI is installed.

// listServer is the provider's protocol server for one test.
type listServer struct {
	t       *testing.T
	srv     tfprotov6.ProviderServerWithListResource //nolint:staticcheck // ListResource lives on this interface in terraform-plugin-go v0.31
	schemas *tfprotov6.GetProviderSchemaResponse
}

// newListServer serves the provider and configures it with the sandbox's
// address and credentials, as a provider block would.
func newListServer(t *testing.T, sbx *testSandbox) *listServer {
	t.Helper()
	ctx := context.Background()
	srv, err := NewProtocolServer("test")()
	if err != nil {
		t.Fatal(err)
	}
	ls, ok := srv.(tfprotov6.ProviderServerWithListResource) //nolint:staticcheck // see listServer
	if !ok {
		t.Fatal("the provider server does not serve list resources")
	}
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	s := &listServer{t: t, srv: ls, schemas: schemas}
	s.noErrors("GetProviderSchema", schemas.Diagnostics)
	providerType := schemas.Provider.ValueType()
	endpoints := tftypes.NewValue(providerType.(tftypes.Object).AttributeTypes["endpoints"], map[string]tftypes.Value{
		"billing": tfString(sbx.URL), "partners": tfString(sbx.URL), "accounts": tfString(sbx.URL), "developer_console": tfString(sbx.URL),
	})
	config := objectOf(t, providerType, map[string]tftypes.Value{
		"access_token":     tfString(sandbox.DefaultAccessToken),
		"partner_token":    tfString(sandbox.DefaultPartnerToken),
		"partner_password": tfString(sandbox.DefaultPartnerPassword),
		"endpoints":        endpoints,
	})
	resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.14.0", Config: dynamicValue(t, providerType, config)})
	if err != nil {
		t.Fatal(err)
	}
	s.noErrors("ConfigureProvider", resp.Diagnostics)
	return s
}

func tfString(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

// objectOf is objectWith that fails the test on a name typ does not
// have, so that a misspelt filter cannot test nothing.
func objectOf(t *testing.T, typ tftypes.Type, set map[string]tftypes.Value) tftypes.Value {
	t.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("%s is not an object type", typ)
	}
	for name := range set {
		if _, ok := obj.AttributeTypes[name]; !ok {
			t.Fatalf("the type has no attribute %q", name)
		}
	}
	return objectWith(typ, set)
}

// noErrors fails the test on an error diagnostic of call.
func (s *listServer) noErrors(call string, diags []*tfprotov6.Diagnostic) {
	s.t.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			s.t.Fatalf("%s: %s: %s", call, d.Summary, d.Detail)
		}
	}
}

// listConfigValue is a list block's config block for typeName.
func (s *listServer) listConfigValue(typeName string, cfg map[string]tftypes.Value) *tfprotov6.DynamicValue {
	s.t.Helper()
	sch, ok := s.schemas.ListResourceSchemas[typeName]
	if !ok {
		s.t.Fatalf("the provider has no list resource %s", typeName)
	}
	typ := sch.ValueType()
	return dynamicValue(s.t, typ, objectOf(s.t, typ, cfg))
}

// validate is Terraform's check of a list block before any listing.
func (s *listServer) validate(typeName string, cfg map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	s.t.Helper()
	config := s.listConfigValue(typeName, cfg)
	resp, err := s.srv.ValidateListResourceConfig(context.Background(), &tfprotov6.ValidateListResourceConfigRequest{TypeName: typeName, Config: config})
	if err != nil {
		s.t.Fatal(err)
	}
	return resp.Diagnostics
}

// listedResult is one result of a list, decoded.
type listedResult struct {
	displayName string
	identity    map[string]string
	resource    tftypes.Value
	diags       []*tfprotov6.Diagnostic
}

// list runs a list block's query as Terraform does: validation first,
// then the stream, read to the end.
func (s *listServer) list(typeName string, cfg map[string]tftypes.Value, include bool, limit int64) []listedResult {
	s.t.Helper()
	s.noErrors("ValidateListResourceConfig "+typeName, s.validate(typeName, cfg))
	config := s.listConfigValue(typeName, cfg)
	stream, err := s.srv.ListResource(context.Background(), &tfprotov6.ListResourceRequest{
		TypeName: typeName, Config: config, IncludeResource: include, Limit: limit})
	if err != nil {
		s.t.Fatal(err)
	}
	var out []listedResult
	for r := range stream.Results {
		out = append(out, s.decode(typeName, r))
	}
	return out
}

func (s *listServer) decode(typeName string, r tfprotov6.ListResourceResult) listedResult {
	s.t.Helper()
	out := listedResult{displayName: r.DisplayName, diags: r.Diagnostics}
	if r.Identity != nil {
		out.identity = s.identityOf(typeName, r.Identity)
	}
	if r.Resource != nil {
		v, err := r.Resource.Unmarshal(s.schemas.ResourceSchemas[typeName].ValueType())
		if err != nil {
			s.t.Fatal(err)
		}
		out.resource = v
	}
	return out
}

func (s *listServer) identityType(typeName string) tftypes.Type {
	s.t.Helper()
	resp, err := s.srv.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		s.t.Fatal(err)
	}
	return resp.IdentitySchemas[typeName].ValueType()
}

func (s *listServer) identityOf(typeName string, id *tfprotov6.ResourceIdentityData) map[string]string {
	s.t.Helper()
	v, err := id.IdentityData.Unmarshal(s.identityType(typeName))
	if err != nil {
		s.t.Fatal(err)
	}
	out := map[string]string{}
	for name, attr := range attributesOf(s.t, v) {
		var str string
		if !attr.IsNull() {
			if err := attr.As(&str); err != nil {
				s.t.Fatal(err)
			}
		}
		out[name] = str
	}
	return out
}

// importAndRead is what `terraform plan` does with an import block by
// identity: ImportResourceState, then ReadResource of the imported state.
// It returns the state the plan compares the configuration with.
func (s *listServer) importAndRead(typeName string, identity map[string]string) tftypes.Value {
	s.t.Helper()
	ctx := context.Background()
	idType := s.identityType(typeName)
	set := map[string]tftypes.Value{}
	for k, v := range identity {
		set[k] = tfString(v)
	}
	idData := &tfprotov6.ResourceIdentityData{IdentityData: dynamicValue(s.t, idType, objectOf(s.t, idType, set))}
	imp, err := s.srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: typeName, Identity: idData})
	if err != nil {
		s.t.Fatal(err)
	}
	s.noErrors("ImportResourceState", imp.Diagnostics)
	if len(imp.ImportedResources) != 1 {
		s.t.Fatalf("ImportResourceState imported %d objects", len(imp.ImportedResources))
	}
	in := imp.ImportedResources[0]
	read, err := s.srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: typeName, CurrentState: in.State,
		Private: in.Private, CurrentIdentity: in.Identity})
	if err != nil {
		s.t.Fatal(err)
	}
	s.noErrors("ReadResource", read.Diagnostics)
	v, err := read.NewState.Unmarshal(s.schemas.ResourceSchemas[typeName].ValueType())
	if err != nil {
		s.t.Fatal(err)
	}
	if v.IsNull() {
		s.t.Fatalf("importing %s %v finds nothing", typeName, identity)
	}
	return v
}

// expectImportMatches checks that each listed resource is the state an
// import of its identity reads, attribute by attribute: what
// -generate-config-out writes from the list then plans no change.
func (s *listServer) expectImportMatches(typeName string, results []listedResult) {
	s.t.Helper()
	for _, r := range results {
		if r.resource.IsNull() {
			s.t.Fatalf("%s: include_resource is set, but the result has no resource", r.displayName)
		}
		imported := s.importAndRead(typeName, r.identity)
		if diffs, err := r.resource.Diff(imported); err != nil || len(diffs) > 0 {
			var lines []string
			for _, d := range diffs {
				lines = append(lines, fmt.Sprintf("%s: listed %v, imported %v", d.Path, d.Value1, d.Value2))
			}
			s.t.Errorf("%s: the listed resource differs from its import (%v):\n%s", r.displayName, err, strings.Join(lines, "\n"))
		}
	}
}

func attributesOf(t *testing.T, v tftypes.Value) map[string]tftypes.Value {
	t.Helper()
	var m map[string]tftypes.Value
	if err := v.As(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// attrString reads a string attribute of an object value ("" for null).
func attrString(t *testing.T, v tftypes.Value, name string) string {
	t.Helper()
	var s string
	if a := attributesOf(t, v)[name]; !a.IsNull() {
		if err := a.As(&s); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// attrNumber reads a whole-number attribute; -1 stands for null.
func attrNumber(t *testing.T, v tftypes.Value, name string) int64 {
	t.Helper()
	a := attributesOf(t, v)[name]
	if a.IsNull() {
		return -1
	}
	var n big.Float
	if err := a.As(&n); err != nil {
		t.Fatal(err)
	}
	i, _ := n.Int64()
	return i
}

// displayNames are the display names of results, sorted.
func displayNames(results []listedResult) []string {
	var out []string
	for _, r := range results {
		out = append(out, r.displayName)
	}
	sort.Strings(out)
	return out
}

// expectOnlyResults fails on a result without an identity (a diagnostic
// alone) or with any diagnostic.
func expectOnlyResults(t *testing.T, results []listedResult) {
	t.Helper()
	for _, r := range results {
		if r.identity == nil || len(r.diags) > 0 {
			t.Errorf("result %q has identity %v and diagnostics %v", r.displayName, r.identity, diagTexts(r.diags))
		}
	}
}

func diagTexts(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		out = append(out, fmt.Sprintf("%s: %s: %s", d.Severity, d.Summary, d.Detail))
	}
	return out
}

// expectValidationError: the list block is refused before any request,
// naming the attribute and what it allows.
func expectValidationError(t *testing.T, s *listServer, sbx *testSandbox, typeName string, cfg map[string]tftypes.Value, want ...string) {
	t.Helper()
	before := apiRequests(t, sbx)
	diags := s.validate(typeName, cfg)
	text := strings.Join(diagTexts(diags), "\n")
	if !slices.ContainsFunc(diags, func(d *tfprotov6.Diagnostic) bool { return d.Severity == tfprotov6.DiagnosticSeverityError }) {
		t.Fatalf("%v: want a validation error, got %q", cfg, text)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%v: the error does not say %q:\n%s", cfg, w, text)
		}
	}
	if n := apiRequests(t, sbx) - before; n != 0 {
		t.Errorf("validation sent %d requests", n)
	}
}

// The shared stream: it stops the walk at Terraform's limit and when
// Terraform stops reading, does not count left-out objects, and ends with
// an error result naming the list when the walk fails.
func TestStreamList(t *testing.T) {
	ctx := context.Background()
	req := list.ListRequest{
		ResourceSchema: schema.Schema{Attributes: map[string]schema.Attribute{"id": schema.StringAttribute{Computed: true}}},
		ResourceIdentitySchema: identityschema.Schema{Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{RequiredForImport: true}}},
		Limit: 3,
	}
	offered := 0
	walk := func(ctx context.Context, yield func(listedObject) bool) error {
		if !yield(listedObject{leftOut: diag.NewWarningDiagnostic("left out", "why")}) {
			return nil
		}
		for i := 0; i < 10; i++ {
			offered++
			if !yield(listedObject{identity: map[string]string{"id": fmt.Sprint(i)}, displayName: fmt.Sprint("object ", i)}) {
				return nil
			}
		}
		return errors.New("the walk must have stopped")
	}
	var got []string
	for r := range streamList(ctx, req, "objects", walk) {
		if r.Identity == nil {
			got = append(got, "warning: "+r.Diagnostics[0].Summary())
			continue
		}
		got = append(got, r.DisplayName)
	}
	if strings.Join(got, ", ") != "warning: left out, object 0, object 1, object 2" || offered != 3 {
		t.Fatalf("with limit 3: %v after %d offered", got, offered)
	}

	req.Limit = 0
	failing := func(ctx context.Context, yield func(listedObject) bool) error {
		yield(listedObject{identity: map[string]string{"id": "1"}, displayName: "one"})
		return errors.New("connection reset")
	}
	var last list.ListResult
	n := 0
	for r := range streamList(ctx, req, "objects", failing) {
		last, n = r, n+1
	}
	if n != 2 || !last.Diagnostics.HasError() || last.Diagnostics[0].Summary() != "Unable to list objects" ||
		!strings.Contains(last.Diagnostics[0].Detail(), "connection reset") {
		t.Fatalf("a failing walk: %d results, last %v", n, last.Diagnostics)
	}
	for r := range streamList(ctx, req, "objects", failing) {
		_ = r
		break // Terraform stops reading: no error may be pushed after that
	}
}

// tfStrings is a map of string attributes for a list block.
func tfStrings(kv ...string) map[string]tftypes.Value {
	out := map[string]tftypes.Value{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = tfString(kv[i+1])
	}
	return out
}

// partnerClient is an API client with the sandbox's partner credentials,
// for arranging test data the sandbox's Go API does not make.
func partnerClient(t *testing.T, sbx *testSandbox) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{
		Endpoints:       client.Endpoints{Billing: sbx.URL, Partners: sbx.URL, Accounts: sbx.URL, DeveloperConsole: sbx.URL},
		AccessToken:     sandbox.DefaultAccessToken,
		PartnerToken:    sandbox.DefaultPartnerToken,
		PartnerPassword: sandbox.DefaultPartnerPassword,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// queryTestCase applies before (the provider block and what the list must
// find) and then runs query as a `terraform query` step with checks; it is
// skipped below Terraform 1.14, the first CLI with list blocks.
func queryTestCase(before, query string, checks ...querycheck.QueryResultCheck) resource.TestCase {
	return resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{Config: before},
			{Query: true, Config: query, QueryResultChecks: checks},
		},
	}
}

package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/zclconf/go-cty/cty"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// identityExample is the one import block of an import-by-identity.tf.
type identityExample struct {
	to       string            // the address imported into
	typeName string            // its resource type
	identity map[string]string // the identity's attributes
}

func readIdentityExample(t *testing.T, path string) identityExample {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	blocks := f.Body.(*hclsyntax.Body).Blocks
	if len(blocks) != 1 || blocks[0].Type != "import" {
		t.Fatalf("%s: want one import block, not %d blocks", path, len(blocks))
	}
	attrs := blocks[0].Body.Attributes
	if len(attrs) != 2 || attrs["to"] == nil || attrs["identity"] == nil {
		t.Fatalf("%s: the import block sets exactly to and identity", path)
	}
	to, diags := hcl.AbsTraversalForExpr(attrs["to"].Expr)
	if diags.HasErrors() || len(to) != 2 {
		t.Fatalf("%s: to is not a resource address: %s", path, diags.Error())
	}
	ex := identityExample{typeName: to.RootName(), identity: map[string]string{}}
	ex.to = ex.typeName + "." + to[1].(hcl.TraverseAttr).Name
	v := literal(t, path+": identity", attrs["identity"].Expr)
	for name, av := range v.AsValueMap() {
		ex.identity[name] = av.AsString()
	}
	return ex
}

func identitySchemas(t *testing.T) map[string]*tfprotov6.ResourceIdentitySchema {
	t.Helper()
	srv, err := NewProtocolServer("test")()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("GetResourceIdentitySchemas: %v %v", err, resp.Diagnostics)
	}
	return resp.IdentitySchemas
}

// Every resource with an identity has examples/resources/<name>/import-by-identity.tf
// (the import section of its page), and each is one import block into a
// resource of its directory's type that the resource's example declares,
// setting every identity attribute required for import and no other than
// the identity's.
func TestImportByIdentityExamples(t *testing.T) {
	for name, schema := range identitySchemas(t) {
		dir := filepath.Join(repoRoot, "examples", "resources", name)
		ex := readIdentityExample(t, filepath.Join(dir, "import-by-identity.tf"))
		if ex.typeName != name {
			t.Errorf("%s: imports into %s", name, ex.to)
		}
		declared := readResourceAddresses(t, filepath.Join(dir, "resource.tf"))
		if !declared[ex.to] {
			t.Errorf("%s: %s is not in resource.tf (%v)", name, ex.to, declared)
		}
		known := map[string]bool{}
		for _, a := range schema.IdentityAttributes {
			known[a.Name] = true
			if _, set := ex.identity[a.Name]; a.RequiredForImport && !set {
				t.Errorf("%s: identity.%s is required for import", name, a.Name)
			}
		}
		for attr := range ex.identity {
			if !known[attr] {
				t.Errorf("%s: identity.%s is not an identity attribute", name, attr)
			}
		}
	}
}

// readResourceAddresses are the resources a configuration file declares.
func readResourceAddresses(t *testing.T, path string) map[string]bool {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	out := map[string]bool{}
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type == "resource" && len(b.Labels) == 2 {
			out[b.Labels[0]+"."+b.Labels[1]] = true
		}
	}
	return out
}

// TestAccImportByIdentityExamples runs each import-by-identity.tf where the
// CLI imports by identity (Terraform and OpenTofu 1.12 on): the resource's
// example creates the object, then, in a fresh state, the example's import
// block, its identity values those of the object just created (the
// example's own name objects of another account), imports it beside the
// resource's example configuration.
func TestAccImportByIdentityExamples(t *testing.T) {
	for name := range identitySchemas(t) {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(repoRoot, "examples", "resources", name)
			ex := readIdentityExample(t, filepath.Join(dir, "import-by-identity.tf"))
			body, err := os.ReadFile(filepath.Join(dir, "resource.tf"))
			if err != nil {
				t.Fatal(err)
			}
			sbx := newTestSandbox(t, sandbox.Options{})
			cfg, vars := identityExampleSetup(t, sbx, name, string(body))
			created := map[string]string{}
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   identityVersions,
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{
					{Config: cfg, ConfigVariables: vars, ConfigStateChecks: []statecheck.StateCheck{captureIdentity{ex.to, created}}},
					{
						ResourceName: ex.to, ImportState: true, ImportStateConfigExact: true,
						ImportStateKind: resource.ImportBlockWithResourceIdentity, ConfigVariables: vars,
						ExpectNonEmptyPlan: importUpdates[name],
						ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(ex.to, importAction(name))}},
						ConfigDirectory: func(config.TestStepConfigRequest) string {
							return writeImportConfig(t, cfg, filepath.Join(dir, "import-by-identity.tf"), created)
						},
					},
				},
			})
		})
	}
}

// importUpdates are the resources whose import plans an update in place: a
// recurrent charge's deletion_protection is a provider-side setting that
// an import starts at false, and the example sets it to true.
var importUpdates = map[string]bool{"livechat_recurrent_charge": true}

func importAction(name string) plancheck.ResourceActionType {
	if importUpdates[name] {
		return plancheck.ResourceActionUpdate
	}
	return plancheck.ResourceActionNoop
}

// identityExampleSetup is the configuration and variables under which the
// resource's example applies against sbx; the provider finds the sandbox
// through the environment, since a ConfigDirectory step may hold no
// provider block.
func identityExampleSetup(t *testing.T, sbx *testSandbox, name, body string) (string, config.Variables) {
	t.Helper()
	t.Setenv(EnvAPIURL, sbx.URL)
	t.Setenv(EnvAccessToken, sandbox.DefaultAccessToken)
	t.Setenv(EnvPartnerToken, sandbox.DefaultPartnerToken)
	t.Setenv(EnvPartnerPassword, sandbox.DefaultPartnerPassword)
	if name != "livechat_partner_subscription" {
		return body, nil
	}
	license, err := sbx.NewClientLicense("livechat", "Acme", "Jane Client", "jane@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	return body, config.Variables{"license_id": config.StringVariable(license), "card_token": config.StringVariable("tok_sandbox_visa")}
}

// writeImportConfig writes cfg and the example's import block, its identity
// values replaced by those of identity, into a directory of its own.
func writeImportConfig(t *testing.T, cfg, example string, identity map[string]string) string {
	src, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	f, diags := hclwrite.ParseConfig(src, example, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	values := map[string]cty.Value{}
	for name := range readIdentityExample(t, example).identity {
		values[name] = cty.StringVal(identity[name])
	}
	f.Body().Blocks()[0].Body().SetAttributeValue("identity", cty.ObjectVal(values))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), append([]byte(cfg+"\n"), f.Bytes()...), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// captureIdentity records the identity the CLI stored for addr.
type captureIdentity struct {
	addr string
	into map[string]string
}

func (c captureIdentity) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == c.addr {
			for k, v := range r.IdentityValues {
				if s, ok := v.(string); ok {
					c.into[k] = s
				}
			}
		}
	}
	if len(c.into) == 0 {
		resp.Error = fmt.Errorf("%s has no identity in state", c.addr)
	}
}

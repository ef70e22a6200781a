package provider

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
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
	srv, err := providerserver.NewProtocol6WithError(New("test")())()
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

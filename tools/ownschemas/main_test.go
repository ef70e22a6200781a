package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

const addr = "registry.terraform.io/hashicorp/livechat"

// dump is what Terraform 1.11 writes: no list_resource_schemas; the stale
// entry stands for one an older provider build left in the file.
const dump = `{"format_version":"1.0","provider_schemas":{"registry.terraform.io/hashicorp/livechat":{` +
	`"provider":{"version":0,"block":{"description":"P."}},` +
	`"resource_schemas":{"livechat_partner_campaign":{"version":0,"block":{"description":"Kept as it was."}}},` +
	`"list_resource_schemas":{"livechat_gone":{"version":0,"block":{}}}}}}`

func writeDump(t *testing.T, body string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "schema.json")
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// The file gets the provider's own list resource schemas, every attribute
// typed and described as the CLI would write it, in place of what it had;
// the rest of the file is kept.
func TestAddListSchemas(t *testing.T) {
	file := writeDump(t, dump)
	written, err := addOwnSchemas(context.Background(), file, addr)
	if err != nil {
		t.Fatal(err)
	}
	names := written["list_resource_schemas"]
	want := []string{"livechat_direct_charge", "livechat_in_app_upgrade", "livechat_partner_campaign",
		"livechat_partner_subscription", "livechat_recurrent_charge"}
	if !slices.Equal(names, want) {
		t.Fatalf("names %v, want %v", names, want)
	}
	raw, _ := os.ReadFile(file)
	var doc struct {
		ProviderSchemas map[string]struct {
			ResourceSchemas     map[string]jsonSchema `json:"resource_schemas"`
			ListResourceSchemas map[string]jsonSchema `json:"list_resource_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	p := doc.ProviderSchemas[addr]
	if p.ResourceSchemas["livechat_partner_campaign"].Block.Description != "Kept as it was." {
		t.Error("the resource schemas changed")
	}
	if _, stale := p.ListResourceSchemas["livechat_gone"]; stale || len(p.ListResourceSchemas) != len(want) {
		t.Errorf("list schemas %v", p.ListResourceSchemas)
	}
	campaign := p.ListResourceSchemas["livechat_partner_campaign"].Block
	if campaign.DescriptionKind != "markdown" || !strings.Contains(campaign.Description, "campaign search") {
		t.Errorf("block description %q (%s)", campaign.Description, campaign.DescriptionKind)
	}
	for _, name := range []string{"state", "product", "name", "name_contains"} {
		a := campaign.Attributes[name]
		if a == nil || string(a.Type) != `"string"` || !a.Optional || a.Required || a.Description == "" || a.DescriptionKind != "markdown" {
			t.Errorf("attribute %s: %+v", name, a)
		}
	}
	if a := p.ListResourceSchemas["livechat_in_app_upgrade"].Block.Attributes["app_id"]; a == nil || !a.Required {
		t.Errorf("app_id: %+v", a)
	}
}

// A file without the provider, or not a schema dump at all, is an error
// and is left as it was.
func TestAddOwnSchemas_errors(t *testing.T) {
	for body, want := range map[string]string{
		`{"format_version":"1.0","provider_schemas":{"registry.opentofu.org/hashicorp/livechat":{}}}`: "has no provider " + addr,
		`{"resources":[]}`: "has no provider_schemas",
		`not json`:         "invalid character",
	} {
		file := writeDump(t, body)
		if _, err := addOwnSchemas(context.Background(), file, addr); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", body, err, want)
		}
		if raw, _ := os.ReadFile(file); string(raw) != body {
			t.Errorf("%s: the file changed", body)
		}
	}
}

// Types are written as `terraform providers schema -json` writes them.
func TestTypeJSON(t *testing.T) {
	for want, typ := range map[string]tftypes.Type{
		`"string"`:                             tftypes.String,
		`["list","string"]`:                    tftypes.List{ElementType: tftypes.String},
		`["map","number"]`:                     tftypes.Map{ElementType: tftypes.Number},
		`["set",["list","dynamic"]]`:           tftypes.Set{ElementType: tftypes.List{ElementType: tftypes.DynamicPseudoType}},
		`["object",{"a":"bool","b":"string"}]`: tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": tftypes.Bool, "b": tftypes.String}},
	} {
		v, err := typeJSON(typ)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := json.Marshal(v); string(got) != want {
			t.Errorf("%s: %s, want %s", typ, got, want)
		}
	}
	if _, err := typeJSON(tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String}}); err == nil {
		t.Error("a tuple type has no form here and must be an error")
	}
}

// tofuIdentityDump is dump as OpenTofu 1.12 writes it: with the identity
// schemas of testdata/tofu-1.12-identity.json, its export of this provider.
func tofuIdentityDump(t *testing.T) string {
	t.Helper()
	identities, err := os.ReadFile(filepath.Join("testdata", "tofu-1.12-identity.json"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(dump, "}}}") + `,"resource_identity_schemas":` + string(identities) + "}}}"
}

// Terraform 1.11 exports no identity schemas and OpenTofu 1.12 does; after
// the tool both files are the same, byte for byte, so both CLIs give
// tfplugindocs the same input and so the same docs.
func TestAddOwnSchemas_sameForEveryCLI(t *testing.T) {
	terraform, tofu := writeDump(t, dump), writeDump(t, tofuIdentityDump(t))
	for _, file := range []string{terraform, tofu} {
		if _, err := addOwnSchemas(context.Background(), file, addr); err != nil {
			t.Fatal(err)
		}
	}
	a, _ := os.ReadFile(terraform)
	b, _ := os.ReadFile(tofu)
	if string(a) != string(b) {
		t.Fatalf("the two CLIs' files differ:\n%s\n%s", a, b)
	}
}

// The identity schemas written read as terraform-json's tfjson.IdentitySchema
// (what tfplugindocs renders), with the types and import flags OpenTofu 1.12
// exports for this provider, and a description on every attribute.
func TestAddOwnSchemas_identity(t *testing.T) {
	file := writeDump(t, dump)
	written, err := addOwnSchemas(context.Background(), file, addr)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(file)
	var doc tfjson.ProviderSchemas
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	got := doc.Schemas[addr].ResourceIdentitySchemas
	var want map[string]*tfjson.IdentitySchema
	wantRaw, _ := os.ReadFile(filepath.Join("testdata", "tofu-1.12-identity.json"))
	if err := json.Unmarshal(wantRaw, &want); err != nil {
		t.Fatal(err)
	}
	if names := written["resource_identity_schemas"]; len(got) != len(want) || len(names) != len(want) {
		t.Fatalf("identities %v (written %v), want those of %v", got, names, want)
	}
	for name, w := range want {
		g := got[name]
		if g == nil || g.Version != w.Version || len(g.Attributes) != len(w.Attributes) {
			t.Errorf("%s: %+v, want %+v", name, g, w)
			continue
		}
		for attr, wa := range w.Attributes {
			ga := g.Attributes[attr]
			if ga == nil || !ga.IdentityType.Equals(wa.IdentityType) || ga.RequiredForImport != wa.RequiredForImport ||
				ga.OptionalForImport != wa.OptionalForImport || ga.Description == "" {
				t.Errorf("%s.%s: %+v, want %+v", name, attr, ga, wa)
			}
		}
	}
	if p := got["livechat_direct_charge"].Attributes["product"]; p == nil || !p.OptionalForImport || p.RequiredForImport {
		t.Errorf("a charge's product is optional for import: %+v", p)
	}
}

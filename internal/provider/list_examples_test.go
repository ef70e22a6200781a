package provider

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	"github.com/zclconf/go-cty/cty"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// The examples of the list resources' pages (examples/list-resources) and
// the migration guide's query file are .tfquery.hcl files, which only
// Terraform 1.14 runs. Here each list block of them is read as Terraform
// reads it and run through the provider's protocol server against a
// sandbox with objects of every kind; on a newer CLI the files also run
// as they are, through `terraform query`.

// queryList is one list block of a .tfquery.hcl file.
type queryList struct {
	typeName, name string
	include        bool
	limit          int64
	config         map[string]tftypes.Value
}

// readQueryFile parses the list blocks of a .tfquery.hcl file.
func readQueryFile(t *testing.T, path string) []queryList {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseQueryFile(t, path, src)
}

// parseQueryFile parses the list blocks of a query file's source. Every
// list names the provider, as a query of several providers must; the
// values are literals.
func parseQueryFile(t *testing.T, path string, src []byte) []queryList {
	t.Helper()
	file, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("%s: %s", path, diags.Error())
	}
	var out []queryList
	for _, block := range file.Body.(*hclsyntax.Body).Blocks {
		if block.Type != "list" || len(block.Labels) != 2 {
			t.Fatalf("%s:%d: a %s block, want only list \"<type>\" \"<name>\" blocks", path, block.DefRange().Start.Line, block.Type)
		}
		out = append(out, readListBlock(t, path, block))
	}
	return out
}

func readListBlock(t *testing.T, path string, block *hclsyntax.Block) queryList {
	t.Helper()
	l := queryList{typeName: block.Labels[0], name: block.Labels[1], config: map[string]tftypes.Value{}}
	at := func(what string) string { return path + ": list." + l.typeName + "." + l.name + " " + what }
	for name, attr := range block.Body.Attributes {
		switch name {
		case "provider":
			if trav, diags := hcl.AbsTraversalForExpr(attr.Expr); diags.HasErrors() || trav.RootName() != "livechat" {
				t.Fatalf("%s: provider must be livechat", at(""))
			}
		case "include_resource":
			l.include = literal(t, at(name), attr.Expr).True()
		case "limit":
			n, _ := literal(t, at(name), attr.Expr).AsBigFloat().Int64()
			l.limit = n
		default:
			t.Fatalf("%s: unexpected argument %s", at(""), name)
		}
	}
	for _, inner := range block.Body.Blocks {
		if inner.Type != "config" {
			t.Fatalf("%s: unexpected block %s", at(""), inner.Type)
		}
		for name, attr := range inner.Body.Attributes {
			v := literal(t, at("config."+name), attr.Expr)
			if v.Type() != cty.String {
				t.Fatalf("%s: every filter is a string", at("config."+name))
			}
			l.config[name] = tfString(v.AsString())
		}
	}
	return l
}

func literal(t *testing.T, where string, expr hcl.Expression) cty.Value {
	t.Helper()
	v, diags := expr.Value(nil)
	if diags.HasErrors() {
		t.Fatalf("%s: %s", where, diags.Error())
	}
	return v
}

// exampleQueryFiles are the list resources' examples, by list resource.
func exampleQueryFiles(t *testing.T) map[string]string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(repoRoot, "examples", "list-resources", "*", "list-resource.tfquery.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range paths {
		out[filepath.Base(filepath.Dir(p))] = p
	}
	return out
}

// everythingToList is a sandbox with objects of every kind a list finds.
func everythingToList(t *testing.T) *testSandbox {
	t.Helper()
	sbx := newTestSandbox(t, sandbox.Options{})
	campaignsToList(t, sbx)
	chargesToList(t, sbx)
	upgradesToList(t, sbx)
	licensesToList(t, sbx)
	return sbx
}

// Every list resource has an example, each example's list blocks are list
// resources of the provider, and each runs through the protocol without an
// error, finding what it is shown to find.
func TestListResourceExamples(t *testing.T) {
	sbx := everythingToList(t)
	s := newListServer(t, sbx)
	files := exampleQueryFiles(t)
	for typeName := range s.schemas.ListResourceSchemas {
		if _, ok := files[typeName]; !ok {
			t.Errorf("%s has no examples/list-resources/%s/list-resource.tfquery.hcl", typeName, typeName)
		}
	}
	for dir, path := range files {
		lists := readQueryFile(t, path)
		if !slices.ContainsFunc(lists, func(l queryList) bool { return l.typeName == dir }) {
			t.Errorf("%s shows no list block of %s", path, dir)
		}
		for _, l := range lists {
			results := s.list(l.typeName, l.config, l.include, l.limit)
			for _, r := range results {
				if len(r.diags) > 0 {
					t.Errorf("%s: list.%s.%s: %v", path, l.typeName, l.name, diagTexts(r.diags))
				}
			}
			if l.include && len(results) == 0 {
				t.Errorf("%s: list.%s.%s finds nothing in a sandbox that has such objects", path, l.typeName, l.name)
			}
		}
	}
}

// The examples through `terraform query` (Terraform 1.14 and later).
func TestAccListResourceExamples_query(t *testing.T) {
	files := exampleQueryFiles(t)
	for dir, path := range files {
		t.Run(dir, func(t *testing.T) {
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			sbx := everythingToList(t)
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{
					{Config: sbx.providerConfig() + `data "livechat_ledger_balance" "this" {}`},
					{Query: true, Config: strings.TrimSpace(string(body))},
				},
			})
		})
	}
}

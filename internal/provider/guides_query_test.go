package provider

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// The migration guide's terraform query flow: discover.tfquery.hcl finds
// what existingSetup made outside Terraform, and the configuration
// -generate-config-out writes from it imports every object cleanly.

const discoverQuery = "examples/guides/migrating/query/discover.tfquery.hcl"

// queryFlowSetup is the guide's existing setup plus a subscription the
// platform has billed, which the query finds; the setup's own recurrent
// charge is in its trial, never billed, and is not found. It returns the
// identities the query must find, by list resource.
func queryFlowSetup(t *testing.T, sbx *testSandbox) map[string][]map[string]string {
	t.Helper()
	ids := existingSetup(t, sbx)
	billed := billedSubscription(t, sbx, "livechat", "Reports Add-on")
	return map[string][]map[string]string{
		"livechat_recurrent_charge":     {{"product": "livechat", "id": billed}},
		"livechat_direct_charge":        {{"product": "livechat", "id": ids["setup_charge_id"]}},
		"livechat_in_app_upgrade":       {{"app_id": "sandbox-app", "id": ids["extra_seats_upgrade_id"]}},
		"livechat_partner_campaign":     {{"slug": "pp_summer-sale-2026"}},
		"livechat_partner_subscription": {{"product": "livechat", "license_id": ids["client_license_id"]}},
	}
}

// At the protocol, on every CLI: each list of the guide's query asks for
// the whole state, finds exactly the objects that exist, and each listed
// state is what an import of its identity reads, so the generated
// configuration plans no change.
func TestGuideMigratingQuery(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	want := queryFlowSetup(t, sbx)
	s := newListServer(t, sbx)
	found := map[string][]map[string]string{}
	for _, l := range parseQueryFile(t, discoverQuery, []byte(guideFile(t, discoverQuery))) {
		if !l.include {
			t.Errorf("list.%s.%s: -generate-config-out writes a resource block only from include_resource", l.typeName, l.name)
		}
		results := s.list(l.typeName, l.config, l.include, l.limit)
		expectOnlyResults(t, results)
		s.expectImportMatches(l.typeName, results)
		for _, r := range results {
			found[l.typeName] = append(found[l.typeName], r.identity)
		}
	}
	if !reflect.DeepEqual(found, want) {
		t.Fatalf("the query finds %v, want %v", found, want)
	}
}

// cliAtLeast skips a test whose CLI is not Terraform v or later (OpenTofu
// has no terraform query).
func cliAtLeast(t *testing.T, cli *terraformCLI, v string) {
	t.Helper()
	raw, err := exec.Command(cli.bin, "version", "-json").Output()
	out := string(raw)
	var info struct {
		Version string `json:"terraform_version"`
	}
	if err != nil || json.Unmarshal([]byte(out[max(strings.Index(out, "{"), 0):]), &info) != nil {
		t.Fatalf("terraform version -json: %v\n%s", err, out)
	}
	got, err := version.NewVersion(info.Version)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("TF_IS_OPENTOFU") != "" || strings.Contains(out, "OpenTofu") || got.LessThan(version.Must(version.NewVersion(v))) {
		t.Skipf("the CLI is %s; terraform query needs Terraform %s or later", info.Version, v)
	}
}

// Through the CLI (Terraform 1.14 and later), as the guide runs it:
// terraform query -generate-config-out writes the resource and import
// blocks, the plan imports the five objects and changes none, and after
// the import a plan is empty.
func TestAccGuideMigratingQuery(t *testing.T) {
	cli := newTerraformCLI(t).in(t)
	cliAtLeast(t, cli, "1.14.0")
	sbx := newTestSandbox(t, sandbox.Options{})
	useSandbox(t, sbx, authAccessTokenEnv)
	queryFlowSetup(t, sbx)
	cli.writeFile("main.tf", guideFile(t, "examples/guides/migrating/query/main.tf"), 0o644)
	cli.writeFile("discover.tfquery.hcl", guideFile(t, discoverQuery), 0o644)

	cli.mustRun("init", "-input=false")
	if code, out := cli.run("query"); code != 0 || !strings.Contains(out, "Summer sale 2026") {
		t.Fatalf("terraform query (exit %d) does not show the campaign:\n%s", code, out)
	}
	cli.mustRun("query", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(cli.dir, "generated.tf"))
	if err != nil || !strings.Contains(string(generated), "import {") {
		t.Fatalf("-generate-config-out wrote no import blocks (%v):\n%s", err, generated)
	}
	cli.mustRun("plan", "-input=false", "-out=import.tfplan")
	expectOnlyImports(t, cli, "import.tfplan", 5)
	cli.mustRun("apply", "-input=false", "import.tfplan")
	if code, out := cli.run("plan", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Fatalf("after the import the generated configuration does not plan clean (exit %d):\n%s", code, out)
	}
	cli.mustRun("destroy", "-auto-approve", "-input=false")
}

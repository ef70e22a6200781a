package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// The guides in templates/guides show only files of examples/guides and
// examples/quickstart, and every one of those files is run by a test, so a
// guide cannot drift from the provider. guideFiles lists each file and the
// test that runs it; TestGuideFiles_listedShownAndRun checks the list
// against the disk and the templates.
var guideFiles = map[string]string{
	"examples/quickstart/main.tf":                                  "TestAccGuideGettingStarted",
	"examples/guides/authentication/access-token/main.tf":          "TestAccGuideConfigs",
	"examples/guides/authentication/refresh-token/main.tf":         "TestAccGuideConfigs",
	"examples/guides/authentication/personal-access-token/main.tf": "TestAccGuideConfigs",
	"examples/guides/authentication/ephemeral/main.tf":             "TestAccGuideConfigs",
	"examples/guides/authentication/exchange-refresh-token.sh":     "TestAccGuideAuthentication_exchangeScript",
	"examples/guides/webhooks/main.tf":                             "TestAccGuideConfigs",
	"examples/guides/webhooks/receiver/main.go":                    "TestReceiverAgainstTheSandbox (examples/guides/webhooks/receiver)",
	"examples/guides/lifecycle/main.tf":                            "TestAccGuideLifecycle",
	"examples/guides/migrating/import.tf":                          "TestAccGuideMigrating",
	"examples/guides/migrating/query/main.tf":                      "TestAccGuideMigratingQuery",
	"examples/guides/migrating/query/discover.tfquery.hcl":         "TestGuideMigratingQuery, TestAccGuideMigratingQuery",
	"examples/guides/gitops/main.tf":                               "TestAccGuideConfigs, TestAccGuideGitOps_sandboxCheck",
	"examples/guides/gitops/backend.tf":                            "TestAccGuideGitOps_sandboxCheck",
	"examples/guides/gitops/ci/backend_override.tf":                "TestAccGuideGitOps_sandboxCheck",
	"examples/guides/gitops/ci/sandbox.tfvars":                     "TestAccGuideGitOps_sandboxCheck",
	"examples/guides/gitops/ci/sandbox-check.sh":                   "TestAccGuideGitOps_sandboxCheck",
	"examples/guides/gitops/hcp-terraform/cloud.tf":                "TestAccGuideGitOps_hcpTerraform",
	"examples/guides/gitops/github-actions.yml":                    "TestGuideWorkflows (cmd/livechat-sandbox)",
	"examples/guides/gitops/atlantis.yaml":                         "TestGuideWorkflows (cmd/livechat-sandbox)",
}

// repoRoot is the module root, from this package's directory.
const repoRoot = "../.."

// guideFile reads a file of guideFiles; a test cannot run a guide file
// the list does not know.
func guideFile(t *testing.T, path string) string {
	t.Helper()
	if _, ok := guideFiles[path]; !ok {
		t.Fatalf("%s is not in guideFiles", path)
	}
	body, err := os.ReadFile(filepath.Join(repoRoot, path))
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// TestGuideFiles_listedShownAndRun: every file under examples/guides and
// examples/quickstart is in guideFiles (so some test runs it) and is shown
// by a guide template, and the list names no file that is gone.
func TestGuideFiles_listedShownAndRun(t *testing.T) {
	var onDisk []string
	for _, dir := range []string{"examples/guides", "examples/quickstart"} {
		err := filepath.WalkDir(filepath.Join(repoRoot, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") {
				return err
			}
			rel, _ := filepath.Rel(repoRoot, path)
			onDisk = append(onDisk, filepath.ToSlash(rel))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	templates := readTemplates(t)
	for _, f := range onDisk {
		if _, ok := guideFiles[f]; !ok {
			t.Errorf("%s is in no test: add it to guideFiles and run it", f)
		}
		if !strings.Contains(templates, `"`+f+`"`) {
			t.Errorf("%s is shown by no template in templates/guides ({{ tffile %q }} or {{ codefile \"…\" %q }})", f, f, f)
		}
	}
	for f := range guideFiles {
		if !slices.Contains(onDisk, f) {
			t.Errorf("guideFiles lists %s, which does not exist", f)
		}
	}
}

func readTemplates(t *testing.T) string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(repoRoot, "templates", "guides", "*.md.tmpl"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no guide templates (%v)", err)
	}
	var all strings.Builder
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	return all.String()
}

// What a reader copies from the guides, their files and the README sends
// nothing in the clear off the machine and holds no secret: plain http
// only to loopback, and every token, secret or password in a
// configuration comes from a variable, never a literal.
func TestGuides_noPlainHTTPOrLiteralSecrets(t *testing.T) {
	texts := map[string]string{"templates/guides/*.md.tmpl": readTemplates(t)}
	for _, f := range append(slices.Collect(maps.Keys(guideFiles)), "README.md") {
		b, err := os.ReadFile(filepath.Join(repoRoot, f))
		if err != nil {
			t.Fatal(err)
		}
		texts[f] = string(b)
	}
	plainHTTP := regexp.MustCompile(`http://[^\s"'` + "`" + `)<>]+`)
	literalSecret := regexp.MustCompile(`(?m)^\s*[a-z_]*(token|secret|password)[a-z_]*\s*=\s*"[^"]*"`)
	for f, text := range texts {
		for _, raw := range plainHTTP.FindAllString(text, -1) {
			u, err := url.Parse(raw)
			if strings.ContainsAny(raw, "%$") { // a format verb or a shell variable, filled with a loopback address
				continue
			}
			if err != nil || !isLoopbackHost(u.Hostname()) {
				t.Errorf("%s: %s is plain http off loopback; use https", f, raw)
			}
		}
		if strings.HasSuffix(f, ".tf") || strings.HasSuffix(f, ".tmpl") || f == "README.md" {
			for _, m := range literalSecret.FindAllString(text, -1) {
				t.Errorf("%s: %q sets a secret from a literal; take it from a sensitive variable", f, strings.TrimSpace(m))
			}
		}
	}
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// The README's first screen shows the quickstart configuration exactly as
// the file that TestAccGuideGettingStarted applies.
func TestREADMEShowsTheQuickstart(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	want := "```hcl\n" + guideFile(t, "examples/quickstart/main.tf") + "```\n"
	if !strings.Contains(string(readme), want) {
		t.Errorf("README.md does not show examples/quickstart/main.tf verbatim in an hcl block")
	}
}

// sandboxAuth is how a guide's provider block finds its credentials.
type sandboxAuth int

const (
	authFromConfig     sandboxAuth = iota // the configuration sets them from variables
	authAccessTokenEnv                    // LIVECHAT_ACCESS_TOKEN, as the README exports it
	authOAuthClientEnv                    // LIVECHAT_CLIENT_ID, _SECRET and _REFRESH_TOKEN
)

// useSandbox sets the environment a guide tells its reader to set for the
// sandbox: LIVECHAT_API_URL, the partner secrets and the chosen Billing
// credentials. The guides' configurations name the provider by its
// registry address, livechat-tf/livechat.
func useSandbox(t *testing.T, sbx *testSandbox, auth sandboxAuth) {
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "livechat-tf")
	t.Setenv(EnvAPIURL, sbx.URL)
	t.Setenv(EnvPartnerToken, sandbox.DefaultPartnerToken)
	t.Setenv(EnvPartnerPassword, sandbox.DefaultPartnerPassword)
	switch auth {
	case authAccessTokenEnv:
		t.Setenv(EnvAccessToken, sandbox.DefaultAccessToken)
	case authOAuthClientEnv:
		t.Setenv(EnvClientID, sandbox.DefaultClientID)
		t.Setenv(EnvClientSecret, sandbox.DefaultClientSecret)
		t.Setenv(EnvRefreshToken, sandbox.DefaultRefreshToken)
	}
}

// TestAccGuideConfigs applies the guides' configurations that need no steps
// of their own, as written, then checks that a second plan is empty and
// that destroy succeeds.
func TestAccGuideConfigs(t *testing.T) {
	balance := statecheck.ExpectKnownOutputValue("ledger_balance_cents", knownvalue.Int64Exact(seedLedgerBalance))
	configs := []struct {
		path   string
		auth   sandboxAuth
		vars   config.Variables
		checks []statecheck.StateCheck
	}{
		{path: "examples/guides/authentication/access-token/main.tf",
			vars:   config.Variables{"livechat_access_token": config.StringVariable(sandbox.DefaultAccessToken)},
			checks: []statecheck.StateCheck{balance}},
		{path: "examples/guides/authentication/refresh-token/main.tf",
			vars: config.Variables{
				"livechat_client_id":     config.StringVariable(sandbox.DefaultClientID),
				"livechat_client_secret": config.StringVariable(sandbox.DefaultClientSecret),
				"livechat_refresh_token": config.StringVariable(sandbox.DefaultRefreshToken),
			},
			checks: []statecheck.StateCheck{balance}},
		{path: "examples/guides/authentication/personal-access-token/main.tf",
			vars: config.Variables{
				"livechat_account_id": config.StringVariable(sandbox.DefaultAccountID),
				"livechat_pat":        config.StringVariable(sandbox.DefaultPersonalAccessToken),
			},
			checks: []statecheck.StateCheck{balance}},
		{path: "examples/guides/authentication/ephemeral/main.tf", auth: authOAuthClientEnv,
			checks: []statecheck.StateCheck{balance}},
		{path: "examples/guides/webhooks/main.tf", auth: authAccessTokenEnv,
			vars: config.Variables{"webhook_secret": config.StringVariable("0123456789abcdef0123456789abcdef")},
			checks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("livechat_in_app_upgrade.extra_seats", tfjsonpath.New("type"), knownvalue.StringExact("quantity")),
				statecheck.ExpectKnownValue("livechat_in_app_upgrade.priority_support", tfjsonpath.New("type"), knownvalue.StringExact("once")),
			}},
		{path: "examples/guides/gitops/main.tf", auth: authAccessTokenEnv,
			// ci/sandbox.tfvars sets the same in the pipeline's rehearsal.
			vars: config.Variables{"app_id": config.StringVariable("sandbox-app")},
			checks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("livechat_recurrent_charge.pro", tfjsonpath.New("deletion_protection"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("livechat_partner_campaign.summer", tfjsonpath.New("slug"), knownvalue.StringExact("pp_summer-sale-2026")),
			}},
	}
	for _, c := range configs {
		t.Run(strings.TrimPrefix(filepath.Dir(c.path), "examples/guides/"), func(t *testing.T) {
			sbx := newTestSandbox(t, sandbox.Options{})
			useSandbox(t, sbx, c.auth)
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:            guideFile(t, c.path),
					ConfigVariables:   c.vars,
					ConfigStateChecks: c.checks,
				}},
			})
		})
	}
}

// The getting-started guide, step by step: apply the quickstart, the buyer
// accepts in the sandbox, the next plan shows the activation and apply
// activates; destroy cancels the subscription.
func TestAccGuideGettingStarted(t *testing.T) {
	const addr = "livechat_recurrent_charge.pro"
	sbx := newTestSandbox(t, sandbox.Options{})
	useSandbox(t, sbx, authAccessTokenEnv)
	quickstart := guideFile(t, "examples/quickstart/main.tf")
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return expectSandboxStatus(sbx, &id, "cancelled")(nil) },
		Steps: []resource.TestStep{
			{
				Config: quickstart,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("status", knownvalue.StringExact("pending")),
				},
				Check: captureID(addr, &id),
			},
			{
				PreConfig: acceptCharge(t, sbx, &id),
				Config:    quickstart,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("status", knownvalue.StringExact("active")),
				},
				Check: expectSameID(addr, &id),
			},
			{Config: quickstart, ConfigPlanChecks: emptyPlan()},
		},
	})
}

// The lifecycle guide's claims, on its own configuration: activation
// through the plan, a new in-app upgrade price updated in place while the
// customers who enabled it keep theirs (platform-api.md §3.1), a new charge
// price replacing the charge new-before-old, and destroy leaving the direct
// charge on the platform.
func TestAccGuideLifecycle(t *testing.T) {
	const pro, seats, setup = "livechat_recurrent_charge.pro", "livechat_in_app_upgrade.extra_seats", "livechat_direct_charge.setup"
	sbx := newTestSandbox(t, sandbox.Options{})
	useSandbox(t, sbx, authAccessTokenEnv)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	t.Cleanup(hook.Close)
	body := guideFile(t, "examples/guides/lifecycle/main.tf")
	vars := func(proPrice, seatPrice int) config.Variables {
		return config.Variables{
			"pro_price":   config.IntegerVariable(proPrice),
			"seat_price":  config.IntegerVariable(seatPrice),
			"webhook_url": config.StringVariable(hook.URL + "/livechat/upgrades"),
		}
	}
	var oldPro, newPro, upgradeID, setupID, earlyEnable string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if sbx.HasUpgrade(upgradeID) {
				return fmt.Errorf("destroy left in-app upgrade %s on the platform", upgradeID)
			}
			return resource.ComposeTestCheckFunc(
				expectSandboxStatus(sbx, &newPro, "cancelled"),
				// Nothing undoes a direct charge: it is still there, as it was.
				expectSandboxStatus(sbx, &setupID, "pending"),
			)(nil)
		},
		Steps: []resource.TestStep{
			{
				Config: body, ConfigVariables: vars(1900, 1500),
				Check: resource.ComposeTestCheckFunc(captureID(pro, &oldPro), captureID(seats, &upgradeID), captureID(setup, &setupID),
					expectSandboxStatus(sbx, &oldPro, "pending")),
			},
			{
				// The buyer accepts: activation is an in-place update.
				PreConfig: acceptCharge(t, sbx, &oldPro),
				Config:    body, ConfigVariables: vars(1900, 1500),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pro, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(setup, plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeTestCheckFunc(expectSameID(pro, &oldPro), expectSandboxStatus(sbx, &oldPro, "active")),
			},
			{
				// A customer enables the upgrade at $15.00; then its price
				// changes in place, and only new purchases pay $25.00.
				PreConfig: func() { earlyEnable = enableUpgrade(t, sbx, upgradeID, "Early Bird", 1500) },
				Config:    body, ConfigVariables: vars(1900, 2500),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(seats, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(pro, plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeTestCheckFunc(expectSameID(seats, &upgradeID), func(*terraform.State) error {
					enableUpgrade(t, sbx, upgradeID, "Late Comer", 2500)
					return expectEnablementPrice(t, sbx, earlyEnable, 1500)
				}),
			},
			{
				// A new charge price replaces the charge, the new one first.
				Config: body, ConfigVariables: vars(2900, 2500),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pro, plancheck.ResourceActionCreateBeforeDestroy),
				}},
				Check: resource.ComposeTestCheckFunc(captureID(pro, &newPro),
					expectSandboxStatus(sbx, &oldPro, "cancelled"), expectSandboxStatus(sbx, &newPro, "pending")),
			},
		},
	})
}

// enableUpgrade plays a customer who enables the upgrade once, through the
// control API, expecting to be charged price; it returns the transaction.
func enableUpgrade(t *testing.T, sbx *testSandbox, id, organization string, price int64) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"organization": organization, "license": "123456", "quantity": 1})
	resp, err := http.Post(sbx.URL+"/_sandbox/upgrades/"+id+"/enable", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Recorded    bool   `json:"recorded"`
		Price       int64  `json:"price"`
		Transaction string `json:"transaction"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || !out.Recorded {
		t.Fatalf("enabling upgrade %s for %s: recorded %v (%v, HTTP %d)", id, organization, out.Recorded, err, resp.StatusCode)
	}
	if out.Price != price {
		t.Fatalf("%s enabled upgrade %s at %d cents, want %d", organization, id, out.Price, price)
	}
	return out.Transaction
}

// expectEnablementPrice: the enablement of that transaction is still
// charged at want cents.
func expectEnablementPrice(t *testing.T, sbx *testSandbox, transaction string, want int64) error {
	for _, e := range sbx.storedObjects(t, "upgrade_enablements") {
		if e["transaction"] == transaction {
			if got, _ := e["price"].(float64); int64(got) != want {
				return fmt.Errorf("the enablement %s is now charged %v cents, want %d", transaction, e["price"], want)
			}
			return nil
		}
	}
	return fmt.Errorf("no enablement with transaction %s", transaction)
}

// stateJSONLine is the first line of the CLI output that is a JSON object
// (`show -json` prints one line; warnings around it are text).
func stateJSONLine(t *testing.T, out string) []byte {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "{") {
			return []byte(line)
		}
	}
	t.Fatalf("no JSON in the output:\n%s", out)
	return nil
}

// The authentication guide's table of the scopes each object needs
// (platform-api.md §0.2), against a sandbox whose tokens carry only the
// scopes of each row: the object works with them and fails without.
func TestAccGuideAuthentication_scopes(t *testing.T) {
	const (
		livechatCharge = `resource "livechat_recurrent_charge" "c" {
  name       = "Scope check"
  price      = 100
  return_url = "https://example.com/done"
}`
		helpdeskCharge = `resource "livechat_direct_charge" "c" {
  product    = "helpdesk"
  name       = "Scope check"
  price      = 100
  quantity   = 1
  return_url = "https://example.com/done"
}`
		ledger  = `data "livechat_ledger_entries" "all" {}`
		upgrade = `resource "livechat_in_app_upgrade" "u" {
  app_id      = "sandbox-app"
  name        = "Scope check"
  description = "Needs an access token, no scope."
  webhook_url = "https://hooks.example.com/u"
  type        = "once"
  price       = 0
}`
	)
	rows := []struct {
		name, hcl string
		scopes    []string
		fails     bool
	}{
		{"livechat charge with billing_manage", livechatCharge, []string{"billing_manage"}, false},
		{"livechat charge with billing_admin", livechatCharge, []string{"billing_admin"}, false},
		{"livechat charge without either", livechatCharge, []string{"billing--all:rw", "ledger_read"}, true},
		{"helpdesk charge with billing--all:rw", helpdeskCharge, []string{"billing--all:rw"}, false},
		{"helpdesk charge without it", helpdeskCharge, []string{"billing_manage", "billing_admin", "ledger_read"}, true},
		{"ledger with ledger_read", ledger, []string{"ledger_read"}, false},
		{"ledger without it", ledger, []string{"billing_manage", "billing_admin", "billing--all:rw"}, true},
		{"in-app upgrade with no scope", upgrade, []string{}, false},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			sbx := newTestSandbox(t, sandbox.Options{Scopes: row.scopes})
			step := resource.TestStep{Config: sbx.providerBlock(fmt.Sprintf("  access_token = %q", sandbox.DefaultAccessToken)) + row.hcl}
			if row.fails {
				step.ExpectError = regexp.MustCompile(`lacks\s+the\s+.*scope`)
			}
			resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviderFactories, Steps: []resource.TestStep{step}})
		})
	}
}

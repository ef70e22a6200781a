package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// Guide flows that are CLI commands rather than test steps: import blocks
// with -generate-config-out, the pipeline's rehearsal script, HCP
// Terraform's cloud block and the refresh-token exchange script.

// writeFile writes a file into the CLI's working directory.
func (c *terraformCLI) writeFile(name, body string, mode os.FileMode) {
	c.t.Helper()
	path := filepath.Join(c.dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		c.t.Fatal(err)
	}
}

// existingSetup is billing set up outside Terraform, in the sandbox, as
// the migration guide's reader has it: one object of each kind its import
// blocks adopt. The values are those of import.tf's variables.
func existingSetup(t *testing.T, sbx *testSandbox) map[string]string {
	t.Helper()
	ctx := context.Background()
	c := sandboxClient(t, sbx)
	pro, err := c.CreateRecurrentCharge(ctx, "livechat", client.RecurrentChargeRequest{
		Name: "Chat Transcripts Pro", Price: 1900, ReturnURL: "https://example.com/billing/done", TrialDays: 14})
	if err != nil {
		t.Fatal(err)
	}
	setup, err := c.CreateDirectCharge(ctx, "livechat", client.DirectChargeRequest{
		Name: "Onboarding session", Price: 9900, Quantity: 1, ReturnURL: "https://example.com/billing/done"})
	if err != nil {
		t.Fatal(err)
	}
	seats, _, err := c.CreateInAppUpgrade(ctx, "sandbox-app", client.InAppUpgradeCreate{
		Name: "Extra Seats", Description: "Five more agent seats for your license.", Type: "quantity", Price: 1500,
		WebhookURL: "https://hooks.example.com/livechat/upgrades", WebhookSecret: "set-in-the-developer-console"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sbx.CreatePartnerCampaign("livechat", "Summer sale 2026", 30); err != nil {
		t.Fatal(err)
	}
	license, err := sbx.NewClientLicense("livechat", "Acme", "Jane Client", "jane@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := sbx.OpenClientSubscription("livechat", license, "team", "annual", 5); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"pro_charge_id":          pro.Object.ID,
		"setup_charge_id":        setup.Object.ID,
		"extra_seats_upgrade_id": seats.Object.ID,
		"client_license_id":      license,
	}
}

func varFlags(vars map[string]string) []string {
	var flags []string
	for k, v := range vars {
		flags = append(flags, "-var", k+"="+v)
	}
	return flags
}

// The migration guide's flow: import blocks, `terraform plan
// -generate-config-out` writes the resource blocks, the plan imports every
// object and changes none, and after the import a plan is empty.
func TestAccGuideMigrating(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	useSandbox(t, sbx, authAccessTokenEnv)
	vars := varFlags(existingSetup(t, sbx))
	cli := newTerraformCLI(t).in(t)
	cli.writeFile("import.tf", guideFile(t, "examples/guides/migrating/import.tf"), 0o644)

	cli.mustRun("init", "-input=false")
	cli.mustRun(append([]string{"plan", "-input=false", "-generate-config-out=generated.tf", "-out=import.tfplan"}, vars...)...)
	if _, err := os.Stat(filepath.Join(cli.dir, "generated.tf")); err != nil {
		t.Fatalf("-generate-config-out wrote nothing: %v", err)
	}
	expectOnlyImports(t, cli, "import.tfplan", 5)
	cli.mustRun("apply", "-input=false", "import.tfplan")

	if code, out := cli.run(append([]string{"plan", "-input=false", "-detailed-exitcode"}, vars...)...); code != 0 {
		t.Fatalf("after the import the generated configuration does not plan clean (exit %d):\n%s", code, out)
	}
	cli.mustRun(append([]string{"destroy", "-auto-approve", "-input=false"}, vars...)...)
}

// expectOnlyImports: the saved plan imports want objects and changes,
// creates or destroys nothing.
func expectOnlyImports(t *testing.T, cli *terraformCLI, planFile string, want int) {
	t.Helper()
	code, out := cli.run("show", "-json", planFile)
	if code != 0 {
		t.Fatalf("terraform show -json: exit %d\n%s", code, out)
	}
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions   []string        `json:"actions"`
				Importing json.RawMessage `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(stateJSONLine(t, out), &plan); err != nil {
		t.Fatal(err)
	}
	imports := 0
	for _, rc := range plan.ResourceChanges {
		if len(rc.Change.Actions) != 1 || rc.Change.Actions[0] != "no-op" {
			t.Errorf("%s: the import plan would %v it, want no change", rc.Address, rc.Change.Actions)
		}
		if len(rc.Change.Importing) > 0 {
			imports++
		}
	}
	if imports != want {
		t.Errorf("the plan imports %d objects, want %d", imports, want)
	}
}

// The GitOps guide's rehearsal, ci/sandbox-check.sh, run as the pipeline
// runs it: in the configuration's directory, with livechat-sandbox on PATH,
// the provider installed by `terraform init` (from a local mirror here,
// since no registry is reachable) and the real credentials in the
// environment, which the script must not use.
func TestAccGuideGitOps_sandboxCheck(t *testing.T) {
	cli := newTerraformCLI(t).in(t)
	bin := t.TempDir()
	goBuild(t, filepath.Join(bin, "livechat-sandbox"), "./cmd/livechat-sandbox", "")
	mirrorConfig := providerMirror(t)

	for name, file := range map[string]string{
		"main.tf":                "examples/guides/gitops/main.tf",
		"backend.tf":             "examples/guides/gitops/backend.tf",
		"ci/backend_override.tf": "examples/guides/gitops/ci/backend_override.tf",
		"ci/sandbox.tfvars":      "examples/guides/gitops/ci/sandbox.tfvars",
		"ci/sandbox-check.sh":    "examples/guides/gitops/ci/sandbox-check.sh",
	} {
		cli.writeFile(name, guideFile(t, file), 0o755)
	}
	cmd := exec.Command("bash", "ci/sandbox-check.sh")
	cmd.Dir = cli.dir
	cmd.Env = append(os.Environ(),
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"TERRAFORM="+cli.bin,
		"TF_CLI_CONFIG_FILE="+mirrorConfig,
		"CHECKPOINT_DISABLE=1",
		// A pipeline's real credentials, which the rehearsal must not send.
		"LIVECHAT_CLIENT_ID=real-client-id",
		"LIVECHAT_CLIENT_SECRET=real-client-secret",
		"LIVECHAT_REFRESH_TOKEN=real-refresh-token",
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ci/sandbox-check.sh failed: %v\n%s", err, out)
	}
	for _, want := range []string{"Apply complete! Resources: 3 added", "No changes.", "Destroy complete! Resources: 3 destroyed", "succeeded against livechat-sandbox"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the rehearsal's output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(cli.dir, "backend_override.tf")); err == nil {
		t.Error("the rehearsal left backend_override.tf in the configuration, where it would override the real backend")
	}
}

// goBuild builds pkg of this module into out.
func goBuild(t *testing.T, out, pkg, ldflags string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", ldflags, "-o", out, pkg)
	cmd.Dir = repoRoot
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
}

// providerMirror builds the provider as release 0.1.0 into a filesystem
// mirror, the way a runner without registry access installs it, and returns
// a CLI configuration that installs it from there.
func providerMirror(t *testing.T) string {
	t.Helper()
	mirror := t.TempDir()
	platform := goEnv(t, "GOOS") + "_" + goEnv(t, "GOARCH")
	built := filepath.Join(t.TempDir(), "terraform-provider-livechat_v0.1.0")
	goBuild(t, built, ".", "-X main.version=0.1.0")
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		dir := filepath.Join(mirror, host, "livechat-tf", "livechat", "0.1.0", platform)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Link(built, filepath.Join(dir, filepath.Base(built))); err != nil {
			t.Fatal(err)
		}
	}
	cfg := filepath.Join(t.TempDir(), "mirror.tfrc")
	body := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path = %q\n  }\n}\n", mirror)
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// HCP Terraform: the guide's cloud block in place of backend.tf is a valid
// configuration, initialised without reaching HCP Terraform.
func TestAccGuideGitOps_hcpTerraform(t *testing.T) {
	cli := newTerraformCLI(t).in(t)
	cli.writeFile("main.tf", guideFile(t, "examples/guides/gitops/main.tf"), 0o644)
	cli.writeFile("cloud.tf", guideFile(t, "examples/guides/gitops/hcp-terraform/cloud.tf"), 0o644)
	cli.mustRun("init", "-backend=false", "-input=false")
	cli.mustRun("validate")
}

// The authentication guide's exchange script against a sandbox that
// rotates refresh tokens: it hands the run an access token that works,
// and the refresh token to store is the new one, the old one being revoked.
func TestAccGuideAuthentication_exchangeScript(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the script needs %s", tool)
		}
	}
	sbx := newTestSandbox(t, sandbox.Options{RotateRefreshTokens: true})
	dir := t.TempDir()
	envFile, refreshFile := filepath.Join(dir, "env"), filepath.Join(dir, "refresh-token")
	const script = "examples/guides/authentication/exchange-refresh-token.sh"
	guideFile(t, script)
	cmd := exec.Command("bash", filepath.Join(repoRoot, script), envFile, refreshFile)
	cmd.Env = append(os.Environ(), "LIVECHAT_ACCOUNTS_URL="+sbx.URL,
		"LIVECHAT_CLIENT_ID="+sandbox.DefaultClientID, "LIVECHAT_CLIENT_SECRET="+sandbox.DefaultClientSecret,
		"LIVECHAT_REFRESH_TOKEN="+sandbox.DefaultRefreshToken)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("exchange-refresh-token.sh: %v\n%s", err, out)
	}
	env, _ := os.ReadFile(envFile)
	access, ok := strings.CutPrefix(strings.TrimSpace(string(env)), "LIVECHAT_ACCESS_TOKEN=")
	if !ok || access == "" {
		t.Fatalf("the env file holds %q, want LIVECHAT_ACCESS_TOKEN=<token>", env)
	}
	next, _ := os.ReadFile(refreshFile)
	if len(next) == 0 || string(next) == sandbox.DefaultRefreshToken {
		t.Fatalf("the refresh token to store is %q, want the rotated one", next)
	}
	if status := exchange(t, sbx, sandbox.DefaultRefreshToken); status != http.StatusBadRequest {
		t.Errorf("the old refresh token still exchanges (HTTP %d): storing the new one would not matter", status)
	}
	if status := exchange(t, sbx, string(next)); status != http.StatusOK {
		t.Errorf("the stored refresh token does not exchange: HTTP %d", status)
	}

	useSandbox(t, sbx, authFromConfig)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:          guideFile(t, "examples/guides/authentication/access-token/main.tf"),
			ConfigVariables: config.Variables{"livechat_access_token": config.StringVariable(access)},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("ledger_balance_cents", knownvalue.Int64Exact(seedLedgerBalance)),
			},
		}},
	})
}

// exchange posts a refresh-token grant to the sandbox's accounts API
// (platform-api.md §0.2) and returns the status.
func exchange(t *testing.T, sbx *testSandbox, refresh string) int {
	t.Helper()
	resp, err := http.PostForm(sbx.URL+"/v2/token", url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {refresh},
		"client_id": {sandbox.DefaultClientID}, "client_secret": {sandbox.DefaultClientSecret},
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

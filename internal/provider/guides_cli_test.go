package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
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
		WebhookURL: "https://hooks.example.com/livechat/upgrades", WebhookSecret: upgradeWebhookSecret})
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
	generated, err := os.ReadFile(filepath.Join(cli.dir, "generated.tf"))
	if err != nil {
		t.Fatalf("-generate-config-out wrote nothing: %v", err)
	}
	expectGeneratedConfig(t, string(generated))
	expectOnlyImports(t, cli, "import.tfplan", 5)
	cli.mustRun("apply", "-input=false", "import.tfplan")

	if code, out := cli.run(append([]string{"plan", "-input=false", "-detailed-exitcode"}, vars...)...); code != 0 {
		t.Fatalf("after the import the generated configuration does not plan clean (exit %d):\n%s", code, out)
	}
	cli.mustRun(append([]string{"destroy", "-auto-approve", "-input=false"}, vars...)...)
}

// upgradeWebhookSecret is the webhook secret existingSetup gives the
// in-app upgrade it creates outside Terraform.
const upgradeWebhookSecret = "set-in-the-developer-console"

// expectGeneratedConfig: the configuration -generate-config-out wrote, a
// file the reader commits, holds no secret (neither the upgrade's webhook
// secret nor a credential of the run), and has the lines step 4 of the
// migration guide tells the reader to review, as the guide shows them.
func expectGeneratedConfig(t *testing.T, generated string) {
	t.Helper()
	for _, secret := range []string{upgradeWebhookSecret, sandbox.DefaultAccessToken, sandbox.DefaultPartnerToken,
		sandbox.DefaultPartnerPassword, sandbox.DefaultClientSecret, sandbox.DefaultRefreshToken} {
		if strings.Contains(generated, secret) {
			t.Errorf("generated.tf contains the secret %q:\n%s", secret, generated)
		}
	}
	guide := guideTemplate(t, "migrating")
	for _, line := range []string{
		"webhook_secret = null # sensitive", "card_token_wo = null # sensitive",
		"deletion_protection = false", "auto_activate = true",
	} {
		if !strings.Contains(guide, "`"+line+"`") {
			t.Errorf("the migration guide no longer shows `%s`; update this list with it", line)
		}
		// OpenTofu marks a write-only attribute "# sensitive write-only".
		if !regexp.MustCompile(`(?m)^\s*` + strings.ReplaceAll(regexp.QuoteMeta(line), " = ", `\s+=\s+`) + `(?: write-only)?$`).MatchString(generated) {
			t.Errorf("the migration guide shows `%s`, which generated.tf lacks:\n%s", line, generated)
		}
	}
}

// guideTemplate is templates/guides/<name>.md.tmpl.
func guideTemplate(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "templates", "guides", name+".md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
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
	r := newRehearsal(t)

	t.Run("the guide's configuration", func(t *testing.T) {
		dir, out, err := r.run(t, nil)
		if err != nil {
			t.Fatalf("ci/sandbox-check.sh failed: %v\n%s", err, out)
		}
		for _, want := range []string{"Apply complete! Resources: 3 added", "No changes.", "Destroy complete! Resources: 3 destroyed", "succeeded against livechat-sandbox"} {
			if !strings.Contains(out, want) {
				t.Errorf("the rehearsal's output lacks %q:\n%s", want, out)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "backend_override.tf")); err == nil {
			t.Error("the rehearsal left backend_override.tf in the configuration, where it would override the real backend")
		}
	})

	// The rehearsal installs the providers the lock file records, as the
	// plan and the apply do, not whatever version the constraint allows.
	t.Run("a lock file the installed provider does not match", func(t *testing.T) {
		lock := fmt.Sprintf(`provider %q {
  version     = "0.1.0"
  constraints = "~> 0.1"
  hashes = [
    "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
  ]
}
`, providerHost()+"/livechat-tf/livechat")
		_, out, err := r.run(t, map[string]string{".terraform.lock.hcl": lock})
		if err == nil {
			t.Fatalf("the rehearsal ignored .terraform.lock.hcl and installed a provider it does not record:\n%s", out)
		}
		if !strings.Contains(out, "lock file") {
			t.Errorf("the rehearsal failed, but not on the lock file:\n%s", out)
		}
	})

	// A provider block that names other endpoints wins over
	// LIVECHAT_API_URL; the rehearsal must still reach only loopback.
	t.Run("a provider block that names another address", func(t *testing.T) {
		ip := nonLoopbackIPv4(t)
		elsewhere, accepted := countingListener(t, ip)
		override := fmt.Sprintf(`provider "livechat" {
  endpoints {
    billing           = "https://%[1]s"
    partners          = "https://%[1]s"
    developer_console = "https://%[1]s"
  }
}
`, elsewhere)
		_, out, err := r.run(t, map[string]string{"provider_override.tf": override})
		if err == nil {
			t.Errorf("the rehearsal succeeded with every endpoint at %s:\n%s", elsewhere, out)
		}
		if n := accepted(); n > 0 {
			t.Errorf("the rehearsal opened %d connections to %s, off loopback:\n%s", n, elsewhere, out)
		}
	})
}

// rehearsal runs ci/sandbox-check.sh with a livechat-sandbox and the
// provider built once.
type rehearsal struct {
	cli          *terraformCLI
	bin          string
	mirrorConfig string
}

func newRehearsal(t *testing.T) *rehearsal {
	r := &rehearsal{cli: newTerraformCLI(t), bin: t.TempDir()}
	goBuild(t, filepath.Join(r.bin, "livechat-sandbox"), "./cmd/livechat-sandbox", "")
	r.mirrorConfig = providerMirror(t)
	return r
}

// run lays out the GitOps guide's billing/ directory, plus extra files, and
// runs the rehearsal in it; it returns the directory and the output.
func (r *rehearsal) run(t *testing.T, extra map[string]string) (string, string, error) {
	t.Helper()
	cli := r.cli.in(t)
	for name, file := range map[string]string{
		"main.tf":                "examples/guides/gitops/main.tf",
		"backend.tf":             "examples/guides/gitops/backend.tf",
		"ci/backend_override.tf": "examples/guides/gitops/ci/backend_override.tf",
		"ci/sandbox.tfvars":      "examples/guides/gitops/ci/sandbox.tfvars",
		"ci/sandbox-check.sh":    "examples/guides/gitops/ci/sandbox-check.sh",
	} {
		cli.writeFile(name, guideFile(t, file), 0o755)
	}
	for name, body := range extra {
		cli.writeFile(name, body, 0o644)
	}
	cmd := exec.Command("bash", "ci/sandbox-check.sh")
	cmd.Dir = cli.dir
	cmd.Env = append(os.Environ(),
		"PATH="+r.bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"TERRAFORM="+cli.bin,
		"TF_CLI_CONFIG_FILE="+r.mirrorConfig,
		"CHECKPOINT_DISABLE=1",
		// A pipeline's real credentials, which the rehearsal must not send.
		"LIVECHAT_CLIENT_ID=real-client-id",
		"LIVECHAT_CLIENT_SECRET=real-client-secret",
		"LIVECHAT_REFRESH_TOKEN=real-refresh-token",
		// A runner's proxy exceptions, which must not open a way out.
		"NO_PROXY=*", "no_proxy=*",
	)
	out, err := cmd.CombinedOutput()
	return cli.dir, string(out), err
}

// providerHost is the registry host the CLI under test installs from.
func providerHost() string {
	if h := os.Getenv("TF_ACC_PROVIDER_HOST"); h != "" {
		return h
	}
	return "registry.terraform.io"
}

// nonLoopbackIPv4 is an address of this machine off loopback, which
// net/http sends through a proxy when one is set.
func nonLoopbackIPv4(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			return n.IP.String()
		}
	}
	t.Skip("this machine has no IPv4 address off loopback")
	return ""
}

// countingListener accepts TCP connections on ip and closes them; accepted
// says how many arrived.
func countingListener(t *testing.T, ip string) (string, func() int64) {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	t.Cleanup(func() { _ = l.Close() })
	var n atomic.Int64
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			_ = c.Close()
		}
	}()
	return l.Addr().String(), n.Load
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
	// Traced, as a caller debugging a pipeline runs it: the tokens must
	// not reach the trace.
	out, err := runExchangeScript(t, sbx.URL, envFile, refreshFile, "-x")
	if err != nil {
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
	for name, secret := range map[string]string{"access token": access, "new refresh token": string(next),
		"old refresh token": sandbox.DefaultRefreshToken, "client secret": sandbox.DefaultClientSecret} {
		if strings.Contains(out, secret) {
			t.Errorf("the script's output under bash -x shows the %s:\n%s", name, out)
		}
	}
	for _, f := range []string{envFile, refreshFile} {
		if fi, err := os.Stat(f); err != nil || fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s, which holds a token, is not readable by its owner only: %v %v", filepath.Base(f), fi.Mode(), err)
		}
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

// runExchangeScript runs the authentication guide's exchange script
// against the accounts API at accounts with the sandbox's OAuth client,
// and returns its output.
func runExchangeScript(t *testing.T, accounts, envFile, refreshFile string, bashFlags ...string) (string, error) {
	t.Helper()
	const script = "examples/guides/authentication/exchange-refresh-token.sh"
	guideFile(t, script)
	args := append(bashFlags, filepath.Join(repoRoot, script), envFile, refreshFile)
	cmd := exec.Command("bash", args...)
	cmd.Env = append(os.Environ(), "LIVECHAT_ACCOUNTS_URL="+accounts,
		"LIVECHAT_CLIENT_ID="+sandbox.DefaultClientID, "LIVECHAT_CLIENT_SECRET="+sandbox.DefaultClientSecret,
		"LIVECHAT_REFRESH_TOKEN="+sandbox.DefaultRefreshToken)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// An accounts service (misdirected, or not the platform's) that answers an
// access token with a line break in it cannot add lines to the env file,
// which in GitHub Actions sets the environment of every later step.
func TestGuideAuthentication_exchangeScriptRefusesMultilineTokens(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the script needs %s", tool)
		}
	}
	accounts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"abc\nLD_PRELOAD=/tmp/evil.so","expires_in":28800}`))
	}))
	t.Cleanup(accounts.Close)
	dir := t.TempDir()
	envFile := filepath.Join(dir, "env")
	out, err := runExchangeScript(t, accounts.URL, envFile, filepath.Join(dir, "refresh-token"))
	if err == nil {
		t.Errorf("the script accepted a token with a line break:\n%s", out)
	}
	if env, _ := os.ReadFile(envFile); strings.Contains(string(env), "LD_PRELOAD") {
		t.Errorf("the env file now sets LD_PRELOAD:\n%s", env)
	}
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

package provider

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// The whole life of every resource type, in every way of authenticating,
// with Terraform's and the provider's logs at TRACE: no secret may appear
// in the log, in any diagnostic or other output of the CLI, or in
// `terraform show -json` outside the attributes marked sensitive
// (platform-api.md §6.5). Each secret is distinctive, so that finding it
// anywhere means it leaked.

// Distinctive secrets of the lifecycle; the ids are not secrets.
const (
	lifecycleAccessToken     = "lcsecret-static-access-7f3e91"
	lifecyclePAT             = "lcsecret-personal-token-52c8a0"
	lifecycleAccountID       = "lifecycle-account"
	lifecycleClientID        = "lifecycle-client"
	lifecycleClientSecret    = "lcsecret-client-secret-9d14b6"
	lifecycleRefreshToken    = "lcsecret-refresh-token-3b77e2"
	lifecyclePartnerToken    = "lcsecret-partner-token-a61f08"
	lifecyclePartnerPassword = "lcsecret-partner-password-c0d5"
	lifecycleCardToken       = "lcsecret-card-token-e8b2c4"
	lifecycleWebhookSecret   = "lcsecret-webhook-secret-44f1aa"
	lifecycleWebhookSecret2  = "lcsecret-webhook-secret-rotated-0b9d"
)

// secretWatch holds every secret of a run: the configured ones and those
// the platform issued (access and refresh tokens) or the provider
// generated (webhook secrets), seen on their way through the sandbox.
type secretWatch struct {
	mu      sync.Mutex
	values  []string
	refresh string
}

func (w *secretWatch) add(values ...string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, v := range values {
		if v != "" {
			w.values = append(w.values, v)
		}
	}
}

// latestRefreshToken is the refresh token the last exchange answered with.
func (w *secretWatch) latestRefreshToken() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.refresh
}

// forms are the secrets as they could appear in text: plain, percent- and
// JSON-encoded, and the Basic credential of the personal access token.
func (w *secretWatch) forms() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, v := range w.values {
		js, _ := json.Marshal(v)
		out = append(out, v, url.QueryEscape(v), string(js[1:len(js)-1]))
	}
	basic := lifecycleAccountID + ":" + lifecyclePAT
	return append(out, base64.StdEncoding.EncodeToString([]byte(basic)))
}

// leaks lists the secrets in text.
func (w *secretWatch) leaks(text string) []string {
	var found []string
	for _, f := range w.forms() {
		if strings.Contains(text, f) {
			found = append(found, f)
		}
	}
	return found
}

// wrap records what the platform issues and the provider generates.
func (w *secretWatch) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/in-app-upgrades") {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var in struct {
				WebhookSecret string `json:"webhook_secret"`
			}
			_ = json.Unmarshal(body, &in)
			w.add(in.WebhookSecret)
		}
		if r.URL.Path != "/v2/token" {
			next.ServeHTTP(rw, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var out struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
		}
		if json.Unmarshal(rec.Body.Bytes(), &out) == nil && out.RefreshToken != "" {
			w.add(out.AccessToken, out.RefreshToken)
			w.mu.Lock()
			w.refresh = out.RefreshToken
			w.mu.Unlock()
		}
		for k, v := range rec.Header() {
			rw.Header()[k] = v
		}
		rw.WriteHeader(rec.Code)
		_, _ = rw.Write(rec.Body.Bytes())
	})
}

// lifecycleMode is one way of authenticating to Billing and the Developer
// Console; the partner resources always use the partner token and password.
type lifecycleMode struct {
	name string
	// attrs are the provider block's credential lines.
	attrs string
	// vars are the sensitive variables the block uses.
	vars []string
}

var lifecycleModes = []lifecycleMode{
	{name: "access token", attrs: "access_token = var.access_token", vars: []string{"access_token"}},
	{name: "personal access token", attrs: "personal_access_token = var.pat\n  account_id = \"" + lifecycleAccountID + "\"",
		vars: []string{"pat"}},
	{name: "refresh-token exchange", vars: []string{"client_secret", "refresh_token"},
		attrs: "oauth {\n    client_id     = \"" + lifecycleClientID + "\"\n    client_secret = var.client_secret\n" +
			"    refresh_token = var.refresh_token\n  }"},
}

// lifecycleStage is a configuration of the lifecycle.
type lifecycleStage int

const (
	stageCreate lifecycleStage = iota
	stageUpdate
	stageImport
)

// lifecycleConfig is the configuration of every resource type at stage.
func lifecycleConfig(m lifecycleMode, sbxURL, license string, stage lifecycleStage, ids map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "terraform {\n  required_providers {\n    livechat = { source = %q }\n  }\n}\n", interruptProviderAddr)
	for _, v := range append([]string{"partner_token", "partner_password", "card_token", "webhook_secret"}, m.vars...) {
		fmt.Fprintf(&b, "variable %q {\n  type      = string\n  sensitive = true\n}\n", v)
	}
	fmt.Fprintf(&b, `
provider "livechat" {
  %s
  partner_token    = var.partner_token
  partner_password = var.partner_password
  max_retries      = 1
  endpoints {
    billing           = %[2]q
    partners          = %[2]q
    accounts          = %[2]q
    developer_console = %[2]q
  }
}
`, m.attrs, sbxURL)
	updated := stage >= stageUpdate
	pick := func(before, after string) string {
		if updated {
			return after
		}
		return before
	}
	fmt.Fprintf(&b, `
resource "livechat_recurrent_charge" "rc" {
  name          = "Lifecycle Pro (%[1]s)"
  price         = 1900
  return_url    = "https://example.com/done"
  auto_activate = %[2]s
}
resource "livechat_direct_charge" "dc" {
  name          = "Lifecycle seats (%[1]s)"
  price         = 500
  quantity      = 2
  return_url    = "https://example.com/done"
  auto_activate = %[2]s
}
resource "livechat_in_app_upgrade" "generated" {
  app_id      = %[3]q
  name        = "Generated secret (%[1]s)"
  description = "Its webhook secret is generated."
  webhook_url = "https://example.com/hooks/generated"
  type        = "once"
  price       = %[4]s
}
resource "livechat_in_app_upgrade" "configured" {
  app_id         = %[3]q
  name           = "%[5]s (%[1]s)"
  description    = "Its webhook secret is configured."
  webhook_url    = "https://example.com/hooks/configured"
  type           = "quantity"
  price          = 1500
  webhook_secret = %[6]s
}
resource "livechat_partner_campaign" "pc" {
  name           = "Lifecycle campaign (%[1]s)"
  trial_duration = %[7]s
}
resource "livechat_partner_subscription" "sub" {
  product       = "livechat"
  license_id    = %[8]q
  plan          = %[9]q
  billing_cycle = "monthly"
  seats         = %[10]s
  card_token_wo = var.card_token
}
`, m.name, pick("true", "false"), sandbox.SandboxAppID, pick("0", "100"), pick("Configured secret", "Renamed upgrade"),
		pick("var.webhook_secret", `"`+lifecycleWebhookSecret2+`"`), pick("14", "30"), license, pick("team", "business"), pick("1", "3"))
	if stage == stageImport {
		for addr, id := range ids {
			fmt.Fprintf(&b, "import {\n  to = %s\n  id = %q\n}\n", addr, id)
		}
	}
	return b.String()
}

// lifecycleRun is one mode's lifecycle: its CLI, sandbox and secrets.
type lifecycleRun struct {
	t       *testing.T
	tf      *terraformCLI
	sbx     *testSandbox
	watch   *secretWatch
	mode    lifecycleMode
	license string
	log     string
}

// run runs a CLI command with the current secrets in the environment and
// fails on an error or a secret in its output.
func (r *lifecycleRun) run(args ...string) string {
	r.t.Helper()
	r.t.Setenv("TF_VAR_refresh_token", lifecycleRefreshToken)
	if rt := r.watch.latestRefreshToken(); rt != "" {
		// The platform rotated the token: a pipeline stores the new one.
		r.t.Setenv("TF_VAR_refresh_token", rt)
	}
	code, out := r.tf.run(args...)
	if code != 0 {
		r.t.Fatalf("terraform %s exited %d:\n%s", strings.Join(args, " "), code, out)
	}
	// show -json prints sensitive values too; checkShowJSON reads it with
	// its sensitive_values mask.
	if leaks := r.watch.leaks(out); len(leaks) > 0 && args[0] != "show" {
		r.t.Fatalf("terraform %s shows the secrets %q:\n%s", strings.Join(args, " "), leaks, out)
	}
	return out
}

// apply writes the stage's configuration and applies it.
func (r *lifecycleRun) apply(stage lifecycleStage, ids map[string]string) {
	r.t.Helper()
	r.tf.writeConfig(lifecycleConfig(r.mode, r.sbx.URL, r.license, stage, ids))
	r.run("apply", "-auto-approve", "-input=false")
	r.checkShowJSON()
}

// checkShowJSON fails when a secret is in `terraform show -json` outside
// the values that its sensitive_values mark.
func (r *lifecycleRun) checkShowJSON() {
	r.t.Helper()
	var show struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address         string          `json:"address"`
					Values          json.RawMessage `json:"values"`
					SensitiveValues json.RawMessage `json:"sensitive_values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	out := r.run("show", "-json")
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &show); err != nil {
		r.t.Fatalf("terraform show -json: %v\n%s", err, out)
	}
	if len(show.Values.RootModule.Resources) == 0 {
		r.t.Fatal("terraform show -json shows no resources")
	}
	for _, res := range show.Values.RootModule.Resources {
		var values, mask any
		_ = json.Unmarshal(res.Values, &values)
		_ = json.Unmarshal(res.SensitiveValues, &mask)
		for _, s := range plainStrings(values, mask, nil) {
			if leaks := r.watch.leaks(s); len(leaks) > 0 {
				r.t.Errorf("%s shows the secrets %q outside its sensitive attributes", res.Address, leaks)
			}
		}
	}
}

// plainStrings collects the strings of value that mask (terraform show's
// sensitive_values, true where a value is sensitive) does not cover.
func plainStrings(value, mask any, out []string) []string {
	if covered, _ := mask.(bool); covered {
		return out
	}
	switch v := value.(type) {
	case string:
		return append(out, v)
	case map[string]any:
		sub, _ := mask.(map[string]any)
		for k, inner := range v {
			out = plainStrings(inner, sub[k], out)
		}
	case []any:
		sub, _ := mask.([]any)
		for i, inner := range v {
			var m any
			if i < len(sub) {
				m = sub[i]
			}
			out = plainStrings(inner, m, out)
		}
	}
	return out
}

// acceptCharges makes the buyer accept both charges in the state.
func (r *lifecycleRun) acceptCharges() {
	r.t.Helper()
	ids := r.tf.stateIDs()
	for _, typ := range []string{"livechat_recurrent_charge", "livechat_direct_charge"} {
		if len(ids[typ]) != 1 {
			r.t.Fatalf("state has %d %s", len(ids[typ]), typ)
		}
		if err := r.sbx.AcceptCharge(ids[typ][0]); err != nil {
			r.t.Fatal(err)
		}
	}
}

// importIDs are the import IDs of everything in the state.
func (r *lifecycleRun) importIDs() map[string]string {
	r.t.Helper()
	ids := map[string]string{}
	for typ, instances := range r.tf.stateInstances() {
		for _, attrs := range instances {
			id, _ := attrs["id"].(string)
			switch typ {
			case "livechat_recurrent_charge":
				ids["livechat_recurrent_charge.rc"] = "livechat/" + id
			case "livechat_direct_charge":
				ids["livechat_direct_charge.dc"] = id
			case "livechat_in_app_upgrade":
				name := "generated"
				if n, _ := attrs["name"].(string); strings.Contains(n, "Renamed") {
					name = "configured"
				}
				ids["livechat_in_app_upgrade."+name] = sandbox.SandboxAppID + "/" + id
			default:
				ids[typ+"."+map[string]string{"livechat_partner_campaign": "pc", "livechat_partner_subscription": "sub"}[typ]] = id
			}
		}
	}
	if len(ids) != 6 {
		r.t.Fatalf("import IDs of %d resources, want 6: %v", len(ids), ids)
	}
	return ids
}

// lifecycle creates, activates, updates, imports and destroys every
// resource type.
func (r *lifecycleRun) lifecycle() {
	r.apply(stageCreate, nil)
	r.acceptCharges()
	r.apply(stageCreate, nil) // activates both charges
	// An activated direct charge is processed, then the gateway settles it
	// (platform-api.md §1.2).
	for typ, want := range map[string]string{"livechat_recurrent_charge": "active", "livechat_direct_charge": "processed success"} {
		if st, _ := r.sbx.ChargeStatus(r.tf.stateIDs()[typ][0]); st == "" || !strings.Contains(want, st) {
			r.t.Fatalf("%s is %s after the activating apply, want %s", typ, st, want)
		}
	}
	r.apply(stageUpdate, nil)
	ids := r.importIDs()
	addrs := make([]string, 0, len(ids))
	for addr := range ids {
		addrs = append(addrs, addr)
	}
	r.run(append([]string{"state", "rm"}, addrs...)...)
	r.apply(stageImport, ids)
	r.run("destroy", "-auto-approve", "-input=false")
}

func TestAccSecretsNeverInLogsOrPlainState(t *testing.T) {
	tf := newTerraformCLI(t)
	logDir := t.TempDir()
	for _, m := range lifecycleModes {
		t.Run(m.name, func(t *testing.T) {
			watch := &secretWatch{}
			watch.add(lifecycleAccessToken, lifecyclePAT, lifecycleClientSecret, lifecycleRefreshToken, lifecyclePartnerToken,
				lifecyclePartnerPassword, lifecycleCardToken, lifecycleWebhookSecret, lifecycleWebhookSecret2)
			sbx := newWrappedTestSandbox(t, sandbox.Options{AccessToken: lifecycleAccessToken, PersonalAccessToken: lifecyclePAT,
				AccountID: lifecycleAccountID, ClientID: lifecycleClientID, ClientSecret: lifecycleClientSecret,
				RefreshToken: lifecycleRefreshToken, RotateRefreshTokens: true, PartnerToken: lifecyclePartnerToken,
				PartnerPassword: lifecyclePartnerPassword}, watch.wrap)
			log := filepath.Join(logDir, strings.ReplaceAll(m.name, " ", "-")+".log")
			// The CLI and the provider served in-process both read these.
			for k, v := range map[string]string{"TF_LOG": "TRACE", "TF_LOG_PROVIDER": "TRACE", "TF_LOG_PATH": log,
				"TF_ACC_LOG_PATH": "", "TF_LOG_PATH_MASK": "", "TF_VAR_access_token": lifecycleAccessToken, "TF_VAR_pat": lifecyclePAT,
				"TF_VAR_client_secret": lifecycleClientSecret, "TF_VAR_partner_token": lifecyclePartnerToken,
				"TF_VAR_partner_password": lifecyclePartnerPassword, "TF_VAR_card_token": lifecycleCardToken,
				"TF_VAR_webhook_secret": lifecycleWebhookSecret} {
				t.Setenv(k, v)
			}
			run := &lifecycleRun{t: t, tf: tf.in(t), sbx: sbx, watch: watch, mode: m, log: log,
				license: newClientLicense(t, sbx, "livechat")}
			run.lifecycle()
			run.checkLog()
		})
	}
}

// checkLog fails when the log shows a secret, or when it is not the TRACE
// log of both the CLI and the provider's API calls (a search of an empty
// log would prove nothing).
func (r *lifecycleRun) checkLog() {
	r.t.Helper()
	raw, err := os.ReadFile(r.log)
	if err != nil {
		r.t.Fatalf("reading the log: %v", err)
	}
	text := string(raw)
	for _, leak := range r.watch.leaks(text) {
		i := strings.Index(text, leak)
		r.t.Errorf("the log shows the secret %q: …%s…", leak, text[max(0, i-300):min(len(text), i+len(leak)+100)])
	}
	for _, want := range []string{"[TRACE]", "LiveChat API request detail", "LiveChat API response detail",
		"/v3/recurrent_charge/livechat", "/in-app-upgrades", "/v2/partners/solutions/licenses/livechat/", client.Redacted} {
		if !strings.Contains(text, want) {
			r.t.Errorf("the log (%d bytes) has no %q: it is not the TRACE log of the whole lifecycle", len(raw), want)
		}
	}
	if r.mode.name == "refresh-token exchange" && !strings.Contains(text, "/v2/token") {
		r.t.Error("the log shows no token exchange")
	}
}

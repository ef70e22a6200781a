package provider

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
)

// describeAPIError masks the secrets of every registered set, added before
// or after registering, in API messages and in transport errors alike.
func TestDescribeAPIErrorMasksSecrets(t *testing.T) {
	t.Parallel()
	set := &client.SecretSet{}
	set.Add("unit-secret-before")
	diagnosticSecrets.register(set)
	set.Add("unit-secret-after")
	for _, err := range []error{
		&client.APIError{API: client.APIBilling, Status: 401, Code: "unit-secret-before",
			Message: "token unit-secret-before and unit-secret-after rejected"},
		fmt.Errorf(`GET /v2/x: Get "https://proxy.example/?key=unit-secret-after": %w`, errors.New("connection reset")),
	} {
		var diags diag.Diagnostics
		addAPIError(&diags, "Unable to read unit-secret-after", err)
		text := diags[0].Summary() + "\n" + diags[0].Detail()
		if strings.Contains(text, "unit-secret") || !strings.Contains(text, "[REDACTED]") {
			t.Errorf("diagnostic shows a secret or masks nothing:\n%s", text)
		}
	}
}

// leakyPlatform fakes the four APIs at their worst: every error message
// quotes each credential the request carried (the Authorization header,
// decoded when Basic, and every string of the body) and every token and
// secret the fake has issued. The sandbox never quotes a secret, so this
// fake is separate from it.
type leakyPlatform struct {
	url string

	mu     sync.Mutex
	issued []string
	// upgrade is the in-app upgrade created without a secret. With
	// failFirstRead its first read fails; later ones (the post-test
	// destroy) succeed.
	upgrade       map[string]any
	failFirstRead bool
	upgradeRead   bool
}

func newLeakyPlatform(t *testing.T, failFirstRead bool) *leakyPlatform {
	t.Helper()
	p := &leakyPlatform{failFirstRead: failFirstRead}
	hs := httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(hs.Close)
	p.url = hs.URL
	return p
}

// issuedSecrets are the tokens and webhook secrets the fake generated.
func (p *leakyPlatform) issuedSecrets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.issued...)
}

func (p *leakyPlatform) issue(prefix string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	v := prefix + hex.EncodeToString(b)
	p.mu.Lock()
	p.issued = append(p.issued, v)
	p.mu.Unlock()
	return v
}

func (p *leakyPlatform) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	upgrades := strings.HasPrefix(r.URL.Path, "/v2/applications/")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v2/token":
		p.token(w, body)
	case r.Method == http.MethodPost && upgrades && !strings.Contains(string(body), "leaky-webhook-secret-"):
		p.createUpgrade(w, body)
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/in-app-upgrades"):
		// The list a create takes before it posts.
		writeLeakyJSON(w, http.StatusOK, map[string]any{"result": []any{}})
	case r.Method == http.MethodGet && upgrades && p.readUpgrade():
		writeLeakyJSON(w, http.StatusOK, p.upgrade)
	case r.Method == http.MethodDelete:
		w.WriteHeader(http.StatusNoContent)
	default:
		p.leak(w, r, body)
	}
}

// token rotates every refresh token except a "revoked-" one, which it
// refuses quoting it and the client secret.
func (p *leakyPlatform) token(w http.ResponseWriter, body []byte) {
	form, _ := url.ParseQuery(string(body))
	if rt := form.Get("refresh_token"); strings.HasPrefix(rt, "revoked-") {
		writeLeakyJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_grant",
			"error_description": "refresh token " + rt + " of client secret " + form.Get("client_secret") + " is revoked"})
		return
	}
	writeLeakyJSON(w, http.StatusOK, map[string]any{"access_token": p.issue("leaky-at-"),
		"refresh_token": p.issue("leaky-rt-"), "expires_in": 28800, "token_type": "Bearer"})
}

func (p *leakyPlatform) createUpgrade(w http.ResponseWriter, body []byte) {
	var in map[string]any
	_ = json.Unmarshal(body, &in)
	in["id"], in["app_id"], in["status"] = "leakyupg", "leaky-app", "draft"
	in["created_at"], in["updated_at"] = "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"
	// The provider generates the secret it sends: the fake quotes it later.
	secret, _ := in["webhook_secret"].(string)
	delete(in, "webhook_secret")
	p.mu.Lock()
	p.upgrade = in
	p.issued = append(p.issued, secret)
	p.mu.Unlock()
	out := map[string]any{"webhook_secret": secret}
	for k, v := range in {
		out[k] = v
	}
	writeLeakyJSON(w, http.StatusCreated, out)
}

// readUpgrade reports whether a read of the created upgrade succeeds.
func (p *leakyPlatform) readUpgrade() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.upgrade == nil {
		return false
	}
	ok := p.upgradeRead || !p.failFirstRead
	p.upgradeRead = true
	return ok
}

func (p *leakyPlatform) leak(w http.ResponseWriter, r *http.Request, body []byte) {
	quoted := []string{r.Header.Get("Authorization")}
	if b, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Basic "); ok {
		raw, _ := base64.StdEncoding.DecodeString(b)
		quoted = append(quoted, string(raw))
	}
	var fields map[string]any
	if json.Unmarshal(body, &fields) == nil {
		for _, v := range fields {
			if s, ok := v.(string); ok {
				quoted = append(quoted, s)
			}
		}
	}
	quoted = append(quoted, p.issuedSecrets()...)
	status := http.StatusBadRequest
	if r.Method == http.MethodGet {
		status = http.StatusUnauthorized
	}
	writeLeakyJSON(w, status, map[string]any{"error": map[string]any{"type": "leaky",
		"message": "rejected " + strings.Join(quoted, ", ")}})
}

func writeLeakyJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// maskedErrorCheck is a TestCase.ErrorCheck: the step must fail with
// summary, and the error output must show the mask and none of the secrets.
type maskedErrorCheck struct {
	summary string
	secrets func() []string
	ran     atomic.Bool
}

func (c *maskedErrorCheck) check(err error) error {
	c.ran.Store(true)
	out := err.Error()
	var problems []string
	if !strings.Contains(out, c.summary) {
		problems = append(problems, "the error is not "+c.summary)
	}
	if !strings.Contains(out, "[REDACTED]") {
		problems = append(problems, "nothing is masked")
	}
	for _, s := range c.secrets() {
		if strings.Contains(out, s) {
			problems = append(problems, "the secret "+s+" is shown")
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; ") + ":\n" + out)
	}
	return nil
}

// leakyConfig declares a sensitive variable for each secret, so that the
// configuration lines Terraform quotes in an error show no secret value.
func leakyConfig(p *leakyPlatform, providerAttrs, objects string, secrets map[string]string) (string, config.Variables) {
	var b strings.Builder
	vars := config.Variables{}
	for name, v := range secrets {
		fmt.Fprintf(&b, "variable %q {\n  type      = string\n  sensitive = true\n}\n", name)
		vars[name] = config.StringVariable(v)
	}
	fmt.Fprintf(&b, `
provider "livechat" {
%s
  max_retries = 0
  endpoints {
    billing           = %[2]q
    partners          = %[2]q
    accounts          = %[2]q
    developer_console = %[2]q
  }
}
%[3]s`, providerAttrs, p.url, objects)
	return b.String(), vars
}

// Whatever secret the platform quotes back, the provider's diagnostics
// show [REDACTED] in its place: configured credentials, the tokens an
// exchange returned (the rotated refresh token included), card tokens and
// webhook secrets, configured or generated.
func TestAccSecretsMaskedInDiagnostics(t *testing.T) {
	const ledger = `data "livechat_ledger_balance" "this" {}`
	const subscription = `
resource "livechat_partner_subscription" "s" {
  product       = "livechat"
  license_id    = "104130623"
  plan          = "team"
  billing_cycle = "monthly"
  seats         = 3
  card_token_wo = var.card
}`
	upgrade := func(secret string) string {
		return `
resource "livechat_in_app_upgrade" "u" {
  app_id      = "leaky-app"
  name        = "Extra Accounts"
  description = "Adds five more agent accounts."
  webhook_url = "https://example.com/hooks/upgrades"
  type        = "quantity"
  price       = 1500
` + secret + `
}`
	}
	for _, tc := range []struct {
		name, attrs, objects, summary string
		secrets                       map[string]string
		// issued adds the secrets the fake generates to those to look for.
		issued bool
		tf111  bool
		// then, when set, is a second step's objects: the first must apply.
		then string
		// failFirstRead makes the first read of a created upgrade fail.
		failFirstRead bool
	}{
		{name: "access token", attrs: "access_token = var.at", objects: ledger, summary: "Unable to read the ledger balance",
			secrets: map[string]string{"at": "leaky-access-token-1f3a"}},
		{name: "personal access token", attrs: "personal_access_token = var.pat\n  account_id = \"leaky-account\"", objects: ledger,
			summary: "Unable to read the ledger balance", secrets: map[string]string{"pat": "leaky-pat-9c2e"}},
		{name: "partner token", attrs: "partner_token = var.pt", objects: `data "livechat_partner_balance" "this" {}`,
			summary: "Unable to read the partner balance", secrets: map[string]string{"pt": "leaky-partner-token-77d1"}},
		{name: "refresh token and client secret", attrs: "oauth {\n    client_id = \"leaky-client\"\n    client_secret = var.cs\n    refresh_token = var.rt\n  }",
			objects: ledger, summary: "Unable to exchange the OAuth refresh token",
			secrets: map[string]string{"cs": "leaky-client-secret-41b0", "rt": "revoked-leaky-refresh-5e6f"}},
		{name: "exchanged and rotated tokens", attrs: "oauth {\n    client_id = \"leaky-client\"\n    client_secret = var.cs\n    refresh_token = var.rt\n  }",
			objects: ledger, summary: "Unable to read the ledger balance", issued: true,
			secrets: map[string]string{"cs": "leaky-client-secret-a8c3", "rt": "leaky-refresh-0d9b"}},
		{name: "card token", attrs: "partner_token = var.pt", objects: subscription, summary: "Unable to create partner subscription", tf111: true,
			secrets: map[string]string{"pt": "leaky-partner-token-3b5c", "card": "leaky-card-token-e2f4"}},
		{name: "configured webhook secret", attrs: "access_token = var.at", objects: upgrade("  webhook_secret = var.whsec"),
			summary: "Unable to create in-app upgrade", secrets: map[string]string{"at": "leaky-access-token-66aa", "whsec": "leaky-webhook-secret-c1d7"}},
		{name: "generated webhook secret", attrs: "access_token = var.at", objects: upgrade(""), summary: "Unable to read in-app upgrade",
			issued: true, failFirstRead: true, secrets: map[string]string{"at": "leaky-access-token-90be"}},
		{name: "changed webhook secret", attrs: "access_token = var.at", objects: upgrade(""), then: upgrade("  webhook_secret = var.whsec"),
			summary: "Unable to update in-app upgrade", secrets: map[string]string{"at": "leaky-access-token-5f01", "whsec": "leaky-webhook-secret-8e2a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newLeakyPlatform(t, tc.failFirstRead)
			cfg, vars := leakyConfig(p, tc.attrs, tc.objects, tc.secrets)
			steps := []resource.TestStep{{Config: cfg, ConfigVariables: vars}}
			if tc.then != "" {
				next, _ := leakyConfig(p, tc.attrs, tc.then, tc.secrets)
				steps = append(steps, resource.TestStep{Config: next, ConfigVariables: vars})
			}
			check := &maskedErrorCheck{summary: tc.summary, secrets: func() []string {
				var out []string
				for _, v := range tc.secrets {
					out = append(out, v)
				}
				if tc.issued {
					out = append(out, p.issuedSecrets()...)
				}
				return out
			}}
			versions := []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)}
			if tc.tf111 {
				versions = writeOnlyVersions
			}
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   versions,
				ProtoV6ProviderFactories: testProviderFactories,
				ErrorCheck:               check.check,
				Steps:                    steps,
			})
			if !check.ran.Load() {
				t.Fatal("the step did not fail: the fake platform's error never reached Terraform")
			}
			if tc.issued && len(p.issuedSecrets()) == 0 {
				t.Fatal("the fake issued no token or secret to look for")
			}
		})
	}
}

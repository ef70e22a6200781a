package provider

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	fwschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

const upgradeAddr = "livechat_in_app_upgrade.test"

// upgradeHCL renders the test resource from attributes; a nil value leaves
// the attribute out.
func upgradeHCL(sbx *testSandbox, attrs map[string]any) string {
	base := map[string]any{
		"app_id":      sandbox.SandboxAppID,
		"name":        "Extra Accounts",
		"description": "Adds five more agent accounts.",
		"webhook_url": "https://example.com/hooks/upgrades",
		"type":        "quantity",
		"price":       1500,
	}
	for k, v := range attrs {
		base[k] = v
	}
	keys := make([]string, 0, len(base))
	for k := range base {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(sbx.providerConfig())
	b.WriteString("\nresource \"livechat_in_app_upgrade\" \"test\" {\n")
	for _, k := range keys {
		switch v := base[k].(type) {
		case nil:
		case string:
			fmt.Fprintf(&b, "  %s = %q\n", k, v)
		default:
			fmt.Fprintf(&b, "  %s = %v\n", k, v)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// upgradeReceiver is a webhook endpoint that keeps the last delivery.
type upgradeReceiver struct {
	URL  string
	mu   sync.Mutex
	body []byte
	sig  string
	n    int
}

func newUpgradeReceiver(t *testing.T) *upgradeReceiver {
	t.Helper()
	rc := &upgradeReceiver{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.body, rc.sig = body, r.Header.Get(sandbox.SignatureHeader)
		rc.n++
		rc.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	rc.URL = srv.URL
	return rc
}

// checkSecretSigns has the sandbox enable the upgrade for a customer, so it
// delivers a webhook to rc, and checks that the signature verifies with the
// webhook_secret in Terraform's state.
func checkSecretSigns(sbx *testSandbox, rc *upgradeReceiver, license string) tfresource.TestCheckFunc {
	return func(s *terraform.State) error {
		res, ok := s.RootModule().Resources[upgradeAddr]
		if !ok {
			return fmt.Errorf("%s not in state", upgradeAddr)
		}
		id, secret := res.Primary.ID, res.Primary.Attributes["webhook_secret"]
		if secret == "" {
			return fmt.Errorf("webhook_secret is empty in state")
		}
		body, _ := json.Marshal(map[string]any{"organization": "Starz", "license": license, "quantity": 1})
		resp, err := http.Post(sbx.URL+"/_sandbox/upgrades/"+id+"/enable", "application/json", strings.NewReader(string(body)))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var out map[string]any
		_ = json.Unmarshal(raw, &out)
		if resp.StatusCode != http.StatusOK || out["recorded"] != true {
			return fmt.Errorf("enable through the control API: %d %s", resp.StatusCode, raw)
		}
		rc.mu.Lock()
		delivered, sig := rc.body, rc.sig
		rc.mu.Unlock()
		var hook map[string]any
		if err := json.Unmarshal(delivered, &hook); err != nil || hook["id"] != id || hook["type"] != "ENABLE" {
			return fmt.Errorf("the receiver got %s, want an ENABLE of %s", delivered, id)
		}
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(delivered)
		if want := hex.EncodeToString(mac.Sum(nil)); sig != want {
			return fmt.Errorf("the webhook's %s %q does not verify with the state's webhook_secret (want %q)", sandbox.SignatureHeader, sig, want)
		}
		return nil
	}
}

// upgCaptureID stores the upgrade's id for a later step.
func upgCaptureID(dst *string) tfresource.TestCheckFunc {
	return func(s *terraform.State) error {
		res, ok := s.RootModule().Resources[upgradeAddr]
		if !ok {
			return fmt.Errorf("%s not in state", upgradeAddr)
		}
		*dst = res.Primary.ID
		return nil
	}
}

func upgradeImportID(s *terraform.State) (string, error) {
	res, ok := s.RootModule().Resources[upgradeAddr]
	if !ok {
		return "", fmt.Errorf("%s not in state", upgradeAddr)
	}
	return res.Primary.Attributes["app_id"] + "/" + res.Primary.ID, nil
}

// checkUpgradesDestroyed asks the sandbox whether any upgrade in the final
// state still exists.
func checkUpgradesDestroyed(sbx *testSandbox) tfresource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, res := range s.RootModule().Resources {
			if res.Type != "livechat_in_app_upgrade" {
				continue
			}
			if sbx.HasUpgrade(res.Primary.ID) {
				return fmt.Errorf("in-app upgrade %s still exists in the sandbox after destroy", res.Primary.ID)
			}
		}
		return nil
	}
}

func upgAttr(name string) tfjsonpath.Path { return tfjsonpath.New(name) }

func TestAccInAppUpgradeResource_basic(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	if err := sbx.AddApp("second-app", "Second"); err != nil {
		t.Fatal(err)
	}
	rc := newUpgradeReceiver(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	var lastID string

	created := map[string]any{"webhook_url": rc.URL + "/hook"}
	updated := map[string]any{
		"webhook_url":  rc.URL + "/hook/v2",
		"name":         "More Accounts",
		"description":  "Adds ten more agent accounts.",
		"price":        0,
		"payment_type": "account",
	}
	withSecret := upgMerge(updated, map[string]any{"webhook_secret": "rotated-secret-1"})
	once := upgMerge(withSecret, map[string]any{"type": "once"})
	otherApp := upgMerge(once, map[string]any{"app_id": "second-app"})

	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkUpgradesDestroyed(sbx),
		Steps: []tfresource.TestStep{
			{
				// Created without a secret: the platform generates one and
				// Terraform keeps it (sensitive) from the create answer.
				Config: upgradeHCL(sbx, created),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[a-z]{8}$`))),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("app_id"), knownvalue.StringExact(sandbox.SandboxAppID)),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("name"), knownvalue.StringExact("Extra Accounts")),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("description"), knownvalue.StringExact("Adds five more agent accounts.")),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("webhook_url"), knownvalue.StringExact(rc.URL+"/hook")),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("type"), knownvalue.StringExact("quantity")),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("price"), knownvalue.Int64Exact(1500)),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("payment_type"), knownvalue.StringExact("organization")),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("status"), knownvalue.StringExact("draft")),
					expectIdentity(upgradeAddr, map[string]knownvalue.Check{
						"app_id": knownvalue.StringExact(sandbox.SandboxAppID),
						"id":     knownvalue.StringRegexp(regexp.MustCompile(`^[a-z]{8}$`)),
					}),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("created_at"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("updated_at"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("webhook_secret"), knownvalue.StringRegexp(regexp.MustCompile(`^.{16,}$`))),
					statecheck.ExpectSensitiveValue(upgradeAddr, upgAttr("webhook_secret")),
					sameID.AddStateValue(upgradeAddr, upgAttr("id")),
				},
				Check: checkSecretSigns(sbx, rc, "1"),
			},
			{
				ResourceName:            upgradeAddr,
				ImportState:             true,
				ImportStateIdFunc:       upgradeImportID,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"webhook_secret"},
			},
			{
				// Name, description, price, payment type and URL change in
				// place; the secret stays known and unchanged in the plan.
				Config: upgradeHCL(sbx, updated),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(upgradeAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(upgradeAddr, upgAttr("webhook_secret"), knownvalue.StringRegexp(regexp.MustCompile(`^.{16,}$`))),
						plancheck.ExpectKnownValue(upgradeAddr, upgAttr("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[a-z]{8}$`))),
						plancheck.ExpectUnknownValue(upgradeAddr, upgAttr("updated_at")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("name"), knownvalue.StringExact("More Accounts")),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("description"), knownvalue.StringExact("Adds ten more agent accounts.")),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("price"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("payment_type"), knownvalue.StringExact("account")),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("webhook_url"), knownvalue.StringExact(rc.URL+"/hook/v2")),
					sameID.AddStateValue(upgradeAddr, upgAttr("id")),
				},
				// The generated secret survives an update it was not part of.
				Check: checkSecretSigns(sbx, rc, "2"),
			},
			{
				Config:           upgradeHCL(sbx, updated),
				ConfigPlanChecks: emptyPlan(),
			},
			{
				// A new secret in the configuration is an in-place update.
				Config: upgradeHCL(sbx, withSecret),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(upgradeAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("webhook_secret"), knownvalue.StringExact("rotated-secret-1")),
					sameID.AddStateValue(upgradeAddr, upgAttr("id")),
					newID.AddStateValue(upgradeAddr, upgAttr("id")),
				},
				Check: checkSecretSigns(sbx, rc, "3"),
			},
			{
				Config: upgradeHCL(sbx, once),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(upgradeAddr, plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("type"), knownvalue.StringExact("once")),
					newID.AddStateValue(upgradeAddr, upgAttr("id")),
				},
			},
			{
				Config: upgradeHCL(sbx, otherApp),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(upgradeAddr, plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("app_id"), knownvalue.StringExact("second-app")),
					newID.AddStateValue(upgradeAddr, upgAttr("id")),
				},
				Check: tfresource.ComposeAggregateTestCheckFunc(upgCaptureID(&lastID), checkSecretSigns(sbx, rc, "4")),
			},
			{
				// Deleted in the Developer Console: the next plan recreates it.
				PreConfig: func() {
					if !sbx.DeleteUpgrade(lastID) {
						t.Fatalf("upgrade %s was not in the sandbox", lastID)
					}
				},
				Config: upgradeHCL(sbx, otherApp),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(upgradeAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(upgradeAddr, upgAttr("id")),
				},
			},
		},
	})
}

func upgMerge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// A configured secret is the one the platform signs with; removing it from
// the configuration keeps it.
func TestAccInAppUpgradeResource_explicitSecret(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	rc := newUpgradeReceiver(t)
	cfg := map[string]any{"webhook_url": rc.URL, "webhook_secret": "configured-secret", "type": "once", "price": 2000000}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkUpgradesDestroyed(sbx),
		Steps: []tfresource.TestStep{
			{
				Config: upgradeHCL(sbx, cfg),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("webhook_secret"), knownvalue.StringExact("configured-secret")),
					statecheck.ExpectSensitiveValue(upgradeAddr, upgAttr("webhook_secret")),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("price"), knownvalue.Int64Exact(2000000)),
				},
				Check: checkSecretSigns(sbx, rc, "1"),
			},
			{
				Config:           upgradeHCL(sbx, upgMerge(cfg, map[string]any{"webhook_secret": nil})),
				ConfigPlanChecks: emptyPlan(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("webhook_secret"), knownvalue.StringExact("configured-secret")),
				},
			},
		},
	})
}

// After an import the secret is unknown (null); that alone never plans a
// change, and setting it later is an in-place update.
func TestAccInAppUpgradeResource_importedSecret(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	rc := newUpgradeReceiver(t)
	c := sandboxClient(t, sbx)
	uRes, _, err := c.CreateInAppUpgrade(context.Background(), sandbox.SandboxAppID, client.InAppUpgradeCreate{
		Name: "Extra Accounts", Description: "Adds five more agent accounts.", WebhookURL: rc.URL,
		Type: "quantity", Price: 1500, PaymentType: "organization",
	})
	u := uRes.Object
	if err != nil {
		t.Fatal(err)
	}
	cfg := map[string]any{"webhook_url": rc.URL}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkUpgradesDestroyed(sbx),
		Steps: []tfresource.TestStep{
			{
				Config:             upgradeHCL(sbx, cfg),
				ResourceName:       upgradeAddr,
				ImportState:        true,
				ImportStateId:      sandbox.SandboxAppID + "/" + u.ID,
				ImportStatePersist: true,
			},
			{
				Config:           upgradeHCL(sbx, cfg),
				ConfigPlanChecks: emptyPlan(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("id"), knownvalue.StringExact(u.ID)),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("webhook_secret"), knownvalue.Null()),
				},
			},
			{
				// Another change does not make the secret unknown or invent one.
				Config: upgradeHCL(sbx, upgMerge(cfg, map[string]any{"price": 990})),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(upgradeAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(upgradeAddr, upgAttr("webhook_secret"), knownvalue.Null()),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("price"), knownvalue.Int64Exact(990)),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("webhook_secret"), knownvalue.Null()),
				},
			},
			{
				Config: upgradeHCL(sbx, upgMerge(cfg, map[string]any{"price": 990, "webhook_secret": "set-after-import"})),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(upgradeAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("id"), knownvalue.StringExact(u.ID)),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("webhook_secret"), knownvalue.StringExact("set-after-import")),
				},
				Check: checkSecretSigns(sbx, rc, "1"),
			},
		},
	})
}

func TestAccInAppUpgradeResource_badImportID(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		// Malformed import IDs are in TestAccBadInputCatalog.
		Steps: []tfresource.TestStep{
			{
				Config:        upgradeHCL(sbx, nil),
				ResourceName:  upgradeAddr,
				ImportState:   true,
				ImportStateId: "sandbox-app/zzzzzzzz",
				ExpectError:   errorWords(`Cannot import non-existent remote object`),
			},
		},
	})
}

// Identities that do not name one upgrade fail at plan time, each naming
// what is wrong; the identity a create stores imports the upgrade again.
func TestAccInAppUpgradeResource_importByIdentity(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	var steps []tfresource.TestStep
	for _, tc := range []struct{ identity, msg string }{
		{`    app_id = "sandbox-app"` + "\n" + `    id = "stsm uqjb"`, `identity.id is not one ID: "stsm uqjb" contains whitespace`},
		{`    app_id = "sandbox-app/x"` + "\n" + `    id = "stsmuqjb"`, `identity.app_id is not one ID: "sandbox-app/x" contains '/', '?' or '#'`},
		{`    app_id = ".."` + "\n" + `    id = "stsmuqjb"`, `identity.app_id is not one ID: ".." is not an ID`},
	} {
		steps = append(steps, tfresource.TestStep{
			Config:      upgradeHCL(sbx, nil) + importBlock(upgradeAddr, tc.identity),
			ExpectError: errorWords("Invalid import identity", tc.msg),
		})
	}
	steps = append(steps, tfresource.TestStep{
		Config: upgradeHCL(sbx, nil),
		ConfigStateChecks: []statecheck.StateCheck{
			expectIdentity(upgradeAddr, map[string]knownvalue.Check{
				"app_id": knownvalue.StringExact(sandbox.SandboxAppID),
				"id":     knownvalue.StringRegexp(regexp.MustCompile(`^[a-z]{8}$`)),
			}),
		},
	}, importByIdentityStep(upgradeAddr, ""))
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		TerraformVersionChecks:   identityVersions,
		CheckDestroy:             checkUpgradesDestroyed(sbx),
		Steps:                    steps,
	})
}

func TestAccInAppUpgradeResource_unknownApp(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: upgradeHCL(sbx, map[string]any{"app_id": "no-such-app"}),
			ExpectError: errorWords("Unable to create in-app upgrade",
				`The LiveChat Developer Console API answered 404 Not Found: application "no-such-app" not found`),
		}},
	})
}

func TestInAppUpgradeConverters(t *testing.T) {
	created := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	u := &client.InAppUpgrade{
		ID: "stsmuqjb", AppID: "app", Name: "N", Description: "D", WebhookURL: "https://x.example/h",
		Type: "once", Price: 0, PaymentType: "account", Status: "some-future-status",
		CreatedAt: created, UpdatedAt: created.Add(time.Hour),
	}
	m := inAppUpgradeResourceModelFrom(u, types.StringValue("s3cret"))
	if m.ID.ValueString() != "stsmuqjb" || m.AppID.ValueString() != "app" || m.Price.ValueInt64() != 0 ||
		m.Type.ValueString() != "once" || m.PaymentType.ValueString() != "account" ||
		m.Status.ValueString() != "some-future-status" || m.WebhookSecret.ValueString() != "s3cret" ||
		m.CreatedAt.ValueString() != "2026-11-22T10:00:00Z" || m.UpdatedAt.ValueString() != "2026-11-22T11:00:00Z" {
		t.Fatalf("inAppUpgradeResourceModelFrom: %+v", m)
	}
	if got := inAppUpgradeResourceModelFrom(u, types.StringNull()); !got.WebhookSecret.IsNull() {
		t.Fatal("a null secret (after import) must stay null")
	}

	// Create: an unknown secret is left to the platform; a known one is sent.
	m.WebhookSecret = types.StringUnknown()
	in := inAppUpgradeCreateFrom(m)
	if in.WebhookSecret != "" || in.Name != "N" || in.Description != "D" || in.WebhookURL != "https://x.example/h" ||
		in.Type != "once" || in.Price != 0 || in.PaymentType != "account" {
		t.Fatalf("inAppUpgradeCreateFrom: %+v", in)
	}
	m.WebhookSecret = types.StringValue("given")
	if in := inAppUpgradeCreateFrom(m); in.WebhookSecret != "given" {
		t.Fatalf("a configured secret is not sent: %+v", in)
	}

	// Update: only what differs is sent.
	state := inAppUpgradeResourceModelFrom(u, types.StringValue("old"))
	plan := state
	if up := inAppUpgradeUpdateFrom(plan, state); !up.IsEmpty() {
		t.Fatalf("no change must send nothing: %+v", up)
	}
	plan.Price = centsValue(900)
	plan.Name = types.StringValue("New")
	up := inAppUpgradeUpdateFrom(plan, state)
	if up.Price == nil || *up.Price != 900 || up.Name == nil || *up.Name != "New" ||
		up.Description != nil || up.WebhookURL != nil || up.WebhookSecret != nil || up.PaymentType != nil {
		t.Fatalf("price and name change: %+v", up)
	}
	// A price back to 0 (free) is a change too.
	state.Price = centsValue(900)
	plan = state
	plan.Price = centsValue(0)
	if up := inAppUpgradeUpdateFrom(plan, state); up.Price == nil || *up.Price != 0 {
		t.Fatalf("price to 0: %+v", up)
	}
	// The secret: sent when set to a new value, never when null or unknown.
	plan = state
	plan.WebhookSecret = types.StringValue("new")
	if up := inAppUpgradeUpdateFrom(plan, state); up.WebhookSecret == nil || *up.WebhookSecret != "new" {
		t.Fatalf("new secret: %+v", up)
	}
	imported := state
	imported.WebhookSecret = types.StringNull()
	plan = imported
	plan.WebhookSecret = types.StringValue("after-import")
	if up := inAppUpgradeUpdateFrom(plan, imported); up.WebhookSecret == nil || *up.WebhookSecret != "after-import" {
		t.Fatalf("secret set after import: %+v", up)
	}
	for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
		plan = state
		plan.WebhookSecret = v
		if up := inAppUpgradeUpdateFrom(plan, state); !up.IsEmpty() {
			t.Fatalf("secret %v: %+v", v, up)
		}
	}
}

func TestParseInAppUpgradeImportID(t *testing.T) {
	app, id, err := parseInAppUpgradeImportID("sandbox-app/stsmuqjb")
	if err != nil || app != "sandbox-app" || id != "stsmuqjb" {
		t.Fatalf("got %q %q %v", app, id, err)
	}
	for _, bad := range []string{"", "stsmuqjb", "/stsmuqjb", "app/", "a/b/c", "app/x?y", "app/x#y"} {
		if _, _, err := parseInAppUpgradeImportID(bad); err == nil || !strings.Contains(err.Error(), "expected <app_id>/<id>") {
			t.Errorf("%q: want a precise error, got %v", bad, err)
		}
	}
}

func TestWebhookURLProblem(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://example.com/hook":   true,
		"https://example.com":        true,
		"http://127.0.0.1:8080/h":    true,
		"http://localhost/h":         true,
		"http://[::1]:9/h":           true,
		"http://example.com":         false,
		"http://10.0.0.1/h":          false,
		"ftp://example.com":          false,
		"example.com/hook":           false,
		"https://":                   false,
		"https://:8443/hook":         false,
		"":                           false,
		"https://exa mple.com/hook":  false,
		"https://u:pw@example.com/h": false,
	} {
		if got := webhookURLProblem(raw) == ""; got != ok {
			t.Errorf("%q: accepted=%v, want %v (%s)", raw, got, ok, webhookURLProblem(raw))
		}
	}
	// Credentials in a webhook URL would sit in plain state; the message
	// says so without repeating them.
	if p := webhookURLProblem("https://u:pw-s3cret@example.com/h"); !strings.Contains(p, "user info") || strings.Contains(p, "pw-s3cret") {
		t.Errorf("userinfo: %s", p)
	}
}

func TestInAppUpgradeSchema(t *testing.T) {
	var resp resource.SchemaResponse
	NewInAppUpgradeResource().Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Schema.MarkdownDescription == "" || !strings.Contains(resp.Schema.MarkdownDescription, "~>") {
		t.Fatal("the resource needs a description with ~> notes")
	}
	for name, a := range resp.Schema.Attributes {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("attribute %s has no MarkdownDescription", name)
		}
	}
	secret := resp.Schema.Attributes["webhook_secret"].(fwschema.StringAttribute)
	if !secret.Sensitive || !secret.Optional || !secret.Computed {
		t.Fatal("webhook_secret must be optional, computed and sensitive")
	}
	if d := resp.Schema.Attributes["price"].GetMarkdownDescription(); !strings.Contains(d, "new purchases only") {
		t.Fatalf("price must say that a change applies to new purchases only: %s", d)
	}
}

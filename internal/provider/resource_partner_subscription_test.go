package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

const testCardToken = "tok_test_visa_4111111111111111"

// writeOnlyVersions skips below Terraform 1.11, which introduced write-only arguments.
var writeOnlyVersions = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)}

func subscriptionConfig(product, lic, plan, cycle string, seats int, extra string) string {
	return fmt.Sprintf(`
resource "livechat_partner_subscription" "acme" {
  product       = %q
  license_id    = %q
  plan          = %q
  billing_cycle = %q
  seats         = %d
  card_token_wo = %q
%s
}
`, product, lic, plan, cycle, seats, testCardToken, extra)
}

func newClientLicense(t *testing.T, sbx *testSandbox, product string) string {
	t.Helper()
	lic, err := sbx.NewClientLicense(product, "Acme Inc", "Joe Doe", "joe@example.com")
	if err != nil {
		t.Fatal(err)
	}
	return lic
}

// subscriptionIs checks the sandbox's view of the license.
func subscriptionIs(sbx *testSandbox, product, lic, plan, cycle string, seats int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		l, ok := sbx.ClientLicenseState(product, lic)
		if !ok || !l.Recurrent || l.Plan != plan || l.BillingCycle != cycle || l.Seats != seats {
			return fmt.Errorf("sandbox license %+v, want an open %s/%s subscription with %d seats", l, plan, cycle, seats)
		}
		return nil
	}
}

// tokenNotInState fails if the card token reached the state.
func tokenNotInState(s *terraform.State) error {
	for addr, rs := range s.RootModule().Resources {
		for k, v := range rs.Primary.Attributes {
			if strings.Contains(v, testCardToken) {
				return fmt.Errorf("%s.%s holds the card token", addr, k)
			}
		}
	}
	return nil
}

func TestAccPartnerSubscriptionResource_lifecycle(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	lic := newClientLicense(t, sbx, "livechat")
	const addr = "livechat_partner_subscription.acme"
	cfg := func(plan, cycle string, seats int, extra string) string {
		return sbx.providerConfig() + subscriptionConfig("livechat", lic, plan, cycle, seats, extra)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		TerraformVersionChecks:   writeOnlyVersions,
		CheckDestroy: func(*terraform.State) error {
			l, _ := sbx.ClientLicenseState("livechat", lic)
			if l.Recurrent || l.Status != "expired" {
				return fmt.Errorf("after destroy with expire_on_destroy the license is %+v, want closed and expired", l)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg("team", "monthly", 3, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("livechat/"+lic)),
					expectIdentity(addr, map[string]knownvalue.Check{
						"product":    knownvalue.StringExact("livechat"),
						"license_id": knownvalue.StringExact(lic),
					}),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("paid")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cc_added"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("paid"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("expire_on_destroy"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_token_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("end_at"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
				},
				Check: resource.ComposeAggregateTestCheckFunc(subscriptionIs(sbx, "livechat", lic, "team", "monthly", 3), tokenNotInState),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "livechat/" + lic,
				ImportStateVerify: true,
			},
			{
				Config: cfg("business", "annual", 5, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: subscriptionIs(sbx, "livechat", lic, "business", "annual", 5),
			},
			{
				Config:           cfg("business", "annual", 5, ""),
				ConfigPlanChecks: emptyPlan(),
			},
			{
				// Changed in the dashboard: the plan puts the configuration back in place.
				PreConfig: func() {
					if err := sbx.ChangeClientSubscription("livechat", lic, "starter", "monthly", 2); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg("business", "annual", 5, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("seats"), knownvalue.Int64Exact(5)),
					},
				},
				Check: subscriptionIs(sbx, "livechat", lic, "business", "annual", 5),
			},
			{
				// Closed in the dashboard: the refresh drops it and the plan creates it again.
				PreConfig: func() {
					if err := sbx.CloseClientSubscription("livechat", lic, true); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg("business", "annual", 5, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				Check: subscriptionIs(sbx, "livechat", lic, "business", "annual", 5),
			},
			{
				Config: cfg("business", "annual", 5, "  expire_on_destroy = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("expire_on_destroy"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

// Identities that do not name a client license fail at plan time, before
// any request; the identity a create stores imports the subscription again.
func TestAccPartnerSubscriptionResource_importByIdentity(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	lic := newClientLicense(t, sbx, "helpdesk")
	const addr = "livechat_partner_subscription.acme"
	cfg := sbx.providerConfig() + subscriptionConfig("helpdesk", lic, "team", "monthly", 2, "")
	var steps []resource.TestStep
	for _, tc := range []struct{ identity, msg string }{
		{"    product = \"nope\"\n    license_id = \"" + lic + "\"", `with product livechat, chatbot or helpdesk, got product "nope"`},
		{"    product = \"helpdesk\"\n    license_id = \"12a\"", `with a license number of digits, got "12a"`},
		{"    product = \"helpdesk\"\n    license_id = \" " + lic + "\"", `identity.license_id is not one ID: " ` + lic + `" contains whitespace`},
	} {
		steps = append(steps, resource.TestStep{
			Config:      cfg + importBlock(addr, tc.identity),
			ExpectError: errorWords("Invalid import identity", tc.msg),
		})
	}
	steps = append(steps, resource.TestStep{
		PreConfig: func() {
			if n := apiRequests(t, sbx); n != 0 {
				t.Fatalf("the refused identities sent %d requests to the platform", n)
			}
		},
		Config: cfg,
		ConfigStateChecks: []statecheck.StateCheck{
			expectIdentity(addr, map[string]knownvalue.Check{
				"product":    knownvalue.StringExact("helpdesk"),
				"license_id": knownvalue.StringExact(lic),
			}),
		},
		Check: subscriptionIs(sbx, "helpdesk", lic, "team", "monthly", 2),
	}, importByIdentityStep(addr, ""))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		TerraformVersionChecks:   identityVersions,
		Steps:                    steps,
	})
}

// Closing without expire keeps the license until the end of the cycle.
func TestAccPartnerSubscriptionResource_closeAtCycleEnd(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	lic := newClientLicense(t, sbx, "chatbot")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		TerraformVersionChecks:   writeOnlyVersions,
		CheckDestroy: func(*terraform.State) error {
			l, _ := sbx.ClientLicenseState("chatbot", lic)
			if l.Recurrent || l.Status != "paid" {
				return fmt.Errorf("after destroy the license is %+v, want closed but paid until the cycle ends", l)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: sbx.providerConfig() + subscriptionConfig("chatbot", lic, "starter", "monthly", 1, ""),
			Check:  subscriptionIs(sbx, "chatbot", lic, "starter", "monthly", 1),
		}},
	})
}

func TestAccPartnerSubscriptionResource_errors(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	lic := newClientLicense(t, sbx, "livechat")
	taken := newClientLicense(t, sbx, "helpdesk")
	if err := sbx.OpenClientSubscription("helpdesk", taken, "team", "monthly", 4); err != nil {
		t.Fatal(err)
	}
	p := sbx.providerConfig()
	// Bad arguments and malformed import IDs are in TestAccBadInputCatalog.
	steps := []resource.TestStep{
		{
			Config:      p + subscriptionConfig("livechat", "999999", "team", "monthly", 1, ""),
			ExpectError: regexp.MustCompile(`(?s)Client license not found.*404.*license\s+999999 not found`),
		},
		{
			Config: p + subscriptionConfig("helpdesk", taken, "team", "monthly", 4, ""),
			ExpectError: regexp.MustCompile(`(?s)Partner subscription already exists.*terraform\s+import\s+livechat_partner_subscription\.<name>\s+helpdesk/` +
				taken),
		},
		{
			Config:        p + subscriptionConfig("livechat", lic, "team", "monthly", 1, ""),
			ResourceName:  "livechat_partner_subscription.acme",
			ImportState:   true,
			ImportStateId: "livechat/" + lic,
			// The license exists but has no subscription.
			ExpectError: regexp.MustCompile(`(?s)Cannot import non-existent remote object`),
		},
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		TerraformVersionChecks:   writeOnlyVersions,
		Steps:                    steps,
	})
	if l, _ := sbx.ClientLicenseState("livechat", lic); l.Recurrent {
		t.Fatal("a failed step created a subscription")
	}
}

// A destroy without a partner password fails at plan time and closes nothing.
// Not parallel: it clears the environment, so a machine's own
// LIVECHAT_PARTNER_PASSWORD cannot make it skip or pass.
func TestAccPartnerSubscriptionResource_missingPassword(t *testing.T) {
	clearEnv(t)
	sbx := newTestSandbox(t, sandbox.Options{})
	lic := newClientLicense(t, sbx, "livechat")
	noPassword := sbx.providerBlock(fmt.Sprintf(`
  partner_token = %q
  max_retries   = 1`, sandbox.DefaultPartnerToken))
	res := subscriptionConfig("livechat", lic, "team", "monthly", 2, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		TerraformVersionChecks:   writeOnlyVersions,
		Steps: []resource.TestStep{
			{Config: noPassword + res},
			{
				Config:      noPassword + res,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)Partner password not configured.*partner_password\s+\(or\s+LIVECHAT_PARTNER_PASSWORD\)`),
			},
			{
				// Still open; with the password the final destroy works.
				Config:           sbx.providerConfig() + res,
				ConfigPlanChecks: emptyPlan(),
				Check:            subscriptionIs(sbx, "livechat", lic, "team", "monthly", 2),
			},
		},
	})
}

func TestParseSubscriptionImportID(t *testing.T) {
	if p, l, err := parseSubscriptionImportID("helpdesk/123"); err != nil || p != "helpdesk" || l != "123" {
		t.Fatalf("good id: %s %s %v", p, l, err)
	}
	// Whitespace is refused, not trimmed: no license ID has any.
	for _, bad := range []string{"", "livechat", "livechat/", "/123", "livechat/12a", "teams/123", "livechat/1/2", " helpdesk/123 "} {
		if _, _, err := parseSubscriptionImportID(bad); err == nil || !strings.Contains(err.Error(), "expected <product>/<license_id>") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestSubscriptionConverters(t *testing.T) {
	m := partnerSubscriptionModel{Plan: types.StringValue("team"), BillingCycle: types.StringValue("annual"), Seats: countValue(4)}
	if got := subscriptionCreateFrom(m, "tok"); got != (client.SubscriptionCreate{Token: "tok", Plan: "team", BillingCycle: "annual", Seats: 4}) {
		t.Fatalf("create %+v", got)
	}
	plan, cycle, seats := "team", "annual", int64(4)
	l := &client.License{Plan: &plan, BillingCycle: &cycle, Seats: &seats, Status: "paid", CCAdded: true, Paid: true}
	seats2 := int64(5)
	l.Seats = &seats2
	applyLicense(&m, l)
	if m.Seats.ValueInt64() != 5 || m.Status.ValueString() != "paid" || !m.EndAt.IsNull() {
		t.Fatalf("applied %+v", m)
	}
}

// A create whose answer is lost is adopted when the license shows the
// planned subscription, without a second charge.
func TestAccPartnerSubscriptionResource_ambiguousCreate(t *testing.T) {
	var posts atomic.Int64
	sbx := newWrappedTestSandbox(t, sandbox.Options{}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/subscription") && posts.Add(1) == 1 {
				next.ServeHTTP(httptest.NewRecorder(), r)
				http.Error(w, "upstream timed out", http.StatusGatewayTimeout)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	lic := newClientLicense(t, sbx, "livechat")
	cfg := sbx.providerConfig() + subscriptionConfig("livechat", lic, "team", "monthly", 2, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		TerraformVersionChecks:   writeOnlyVersions,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(subscriptionIs(sbx, "livechat", lic, "team", "monthly", 2),
					func(*terraform.State) error {
						if posts.Load() != 1 {
							return fmt.Errorf("the subscription was posted %d times, want 1", posts.Load())
						}
						return nil
					}),
			},
			{Config: cfg, ConfigPlanChecks: emptyPlan()},
		},
	})
}

// A plan that creates a subscription (or replaces it, which creates one)
// needs card_token_wo; an unknown token is known by apply; updates and
// imported subscriptions need none.
func TestPartnerSubscriptionModifyPlan_cardToken(t *testing.T) {
	created := map[string]any{"product": "livechat", "license_id": "104130623", "plan": "team",
		"billing_cycle": "monthly", "seats": int64(2), "expire_on_destroy": false}
	prior := map[string]any{"id": "livechat/104130623", "product": "livechat", "license_id": "104130623", "plan": "team",
		"billing_cycle": "monthly", "seats": int64(2), "expire_on_destroy": false, "status": "paid"}
	for name, tc := range map[string]struct {
		run     planRun
		refused bool
	}{
		"create without a token":   {planRun{changes: created}, true},
		"create with an empty one": {planRun{changes: created, configOnly: map[string]any{"card_token_wo": ""}}, true},
		"create with a token":      {planRun{changes: created, configOnly: map[string]any{"card_token_wo": "tok"}}, false},
		"create with an unknown":   {planRun{changes: created, configOnly: map[string]any{"card_token_wo": types.StringUnknown()}}, false},
		"replace without a token":  {planRun{prior: prior, changes: map[string]any{"license_id": "104130624"}}, true},
		"update without a token":   {planRun{prior: prior, changes: map[string]any{"seats": int64(5)}}, false},
		"imported, unchanged":      {planRun{prior: prior}, false},
	} {
		resp := tc.run.run(t, &partnerSubscriptionResource{})
		errs := resp.Diagnostics.Errors()
		if !tc.refused {
			if len(resp.Diagnostics) != 0 {
				t.Errorf("%s: want no diagnostics, got %v", name, resp.Diagnostics)
			}
			continue
		}
		if len(errs) != 1 || errs[0].Summary() != "Missing card token" {
			t.Fatalf("%s: want the missing token error, got %v", name, resp.Diagnostics)
		}
		containsAll(t, name, errs[0].Detail(), "card_token_wo is required to create a subscription", "card_token_wo = var.card_token")
	}
}

package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// Acceptance tests of the checks every plan makes before anything is
// applied: whole numbers, totals, card tokens, and the plans that end a
// paying subscription.

// apiRequests counts the platform API requests the sandbox has served (its
// own control routes, /_sandbox/…, not included).
func apiRequests(t *testing.T, sbx *testSandbox) int64 {
	t.Helper()
	resp, err := http.Get(sbx.URL + "/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var stats struct {
		Requests map[string]int64 `json:"requests"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&stats); err != nil {
		t.Fatal(err)
	}
	var n int64
	for route, count := range stats.Requests {
		if !strings.Contains(route, "/_sandbox/") {
			n += count
		}
	}
	return n
}

// A fraction where a whole number belongs, the mistake the integer-cents
// rule exists for, fails at plan time naming the attribute, with no
// request to the platform.
func TestAccWholeNumberArguments_refuseFractions(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	lic := newClientLicense(t, sbx, "livechat")
	rc := func(extra string) string {
		return rcConfig(sbx, "  name = \"x\"\n  return_url = \"https://example.com/\"\n"+extra)
	}
	dc := func(price, quantity string) string {
		return dcConfig(sbx, fmt.Sprintf("  name = \"x\"\n  return_url = \"https://example.com/\"\n  price = %s\n  quantity = %s", price, quantity))
	}
	campaign := func(extra string) string {
		return sbx.providerConfig() + "resource \"livechat_partner_campaign\" \"x\" {\n  name = \"Fraction test\"\n" + extra + "\n}\n"
	}
	cents := "must be a whole number of cents: 19.99 is not; write 1999 for $19.99. Prices are integer cents: 1900 is $19.00."
	var steps []resource.TestStep
	for _, tc := range []struct{ config, msg string }{
		{rc("  price = 19.99"), "price " + cents},
		{rc("  price = 1900\n  trial_days = 1.5"), "trial_days must be a whole number: 1.5 is not."},
		{rc("  price = 1900\n  months = 0.5"), "months must be a whole number: 0.5 is not."},
		{dc("19.99", "1"), "price " + cents},
		{dc("1900", "2.5"), "quantity must be a whole number: 2.5 is not."},
		{upgradeHCL(sbx, map[string]any{"price": 19.99}), "price " + cents},
		{campaign("  trial_duration = 14.5"), "trial_duration must be a whole number: 14.5 is not."},
		{campaign("  coupon_id = 1.5"), "coupon_id must be a whole number: 1.5 is not."},
		{sbx.providerConfig() + subscriptionConfig("livechat", lic, "team", "monthly", 1, ""), ""},
	} {
		if tc.msg == "" {
			// seats is an integer in subscriptionConfig: make it a fraction.
			tc.config, tc.msg = strings.Replace(tc.config, "seats         = 1", "seats = 2.5", 1), "seats must be a whole number: 2.5 is not."
		}
		steps = append(steps, resource.TestStep{Config: tc.config, PlanOnly: true, ExpectError: errorWords(tc.msg)})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		TerraformVersionChecks:   writeOnlyVersions,
		Steps:                    steps,
	})
	if n := apiRequests(t, sbx); n != 0 {
		t.Fatalf("refused configurations sent %d requests to the platform", n)
	}
}

// price × quantity beyond 64 bits of cents fails at plan time, naming both;
// the largest price with quantity 1 still plans.
func TestAccDirectChargeResource_totalOverflow(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	cfg := func(price, quantity string) string {
		return dcConfig(sbx, fmt.Sprintf("  name = \"x\"\n  return_url = \"https://example.com/\"\n  price = %s\n  quantity = %s", price, quantity))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg("9223372036854775807", "2"), PlanOnly: true,
				ExpectError: errorWords("The buyer pays price × quantity, and 9223372036854775807 × 2 cents is more than the largest amount"),
			},
			{
				Config: cfg("4611686018427387904", "2"), PlanOnly: true,
				ExpectError: errorWords("4611686018427387904 × 2 cents is more than the largest amount the platform holds (9223372036854775807 cents)"),
			},
			{Config: cfg("4611686018427387903", "2"), PlanOnly: true, ExpectNonEmptyPlan: true},
			{Config: cfg("9223372036854775807", "1"), PlanOnly: true, ExpectNonEmptyPlan: true},
		},
	})
	if n := sbx.RequestCount("POST /v3/direct_charge/{product}"); n != 0 {
		t.Fatalf("%d create requests, want none", n)
	}
}

// The upgrade's name, description and webhook_secret limits count
// characters: multibyte text exactly at the limit applies, one more fails.
func TestAccInAppUpgradeResource_characterLimits(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	atLimit := map[string]any{
		"name":           strings.Repeat("é", 64),
		"description":    strings.Repeat("ż", 200),
		"webhook_secret": strings.Repeat("ß", 256),
	}
	over := func(attr string, n int, msg string) resource.TestStep {
		return resource.TestStep{
			Config:   upgradeHCL(sbx, map[string]any{attr: strings.Repeat("é", n)}),
			PlanOnly: true, ExpectError: errorWords(msg),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkUpgradesDestroyed(sbx),
		Steps: []resource.TestStep{
			over("name", 65, "Attribute name UTF-8 character count must be between 1 and 64, got: 65"),
			over("description", 201, "Attribute description UTF-8 character count must be between 1 and 200, got: 201"),
			over("webhook_secret", 257, "Attribute webhook_secret UTF-8 character count must be between 1 and 256, got: 257"),
			{
				Config: upgradeHCL(sbx, atLimit),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("name"), knownvalue.StringExact(strings.Repeat("é", 64))),
					statecheck.ExpectKnownValue(upgradeAddr, upgAttr("description"), knownvalue.StringExact(strings.Repeat("ż", 200))),
				},
			},
		},
	})
}

// card_token_wo is required to create a subscription, and the plan says so
// before anything is sent; updates need no token.
func TestAccPartnerSubscriptionResource_cardTokenAtPlan(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	lic := newClientLicense(t, sbx, "livechat")
	const addr = "livechat_partner_subscription.acme"
	withToken := func(seats int) string {
		return sbx.providerConfig() + subscriptionConfig("livechat", lic, "team", "monthly", seats, "")
	}
	withoutToken := func(seats int) string {
		return strings.Replace(withToken(seats), fmt.Sprintf("card_token_wo = %q", testCardToken), "", 1)
	}
	const creates = "POST /v2/partners/solutions/licenses/{product}/{license}/subscription"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		TerraformVersionChecks:   writeOnlyVersions,
		Steps: []resource.TestStep{
			{
				Config: withoutToken(1), PlanOnly: true,
				ExpectError: errorWords("card_token_wo is required to create a subscription: the platform charges " +
					"the card it stands for. Get a one-time card token from the card processor (Recurly) and set card_token_wo to it"),
			},
			{
				Config: withToken(1),
				PreConfig: func() {
					if n := sbx.RequestCount(creates); n != 0 {
						t.Fatalf("the refused plan sent %d create requests", n)
					}
				},
				Check: subscriptionIs(sbx, "livechat", lic, "team", "monthly", 1),
			},
			{
				// The token was used once; an update goes without it.
				Config: withoutToken(4),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: subscriptionIs(sbx, "livechat", lic, "team", "monthly", 4),
			},
			{Config: withoutToken(4), ConfigPlanChecks: emptyPlan()},
		},
	})
}

// rcProtected is a recurrent charge with deletion_protection and price.
func rcProtected(sbx *testSandbox, protected bool, price int) string {
	return rcConfig(sbx, fmt.Sprintf(`
  name                = "Protected Pro"
  price               = %d
  return_url          = "https://example.com/billing/done"
  deletion_protection = %t
`, price, protected))
}

// A protected active charge can neither be destroyed nor replaced: both
// plans fail and the charge stays active. Switching protection off is an
// in-place change of the state only; then destroy cancels it.
func TestAccRecurrentChargeResource_deletionProtection(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	var id string
	var seen []string
	activations := func() int64 { return sbx.RequestCount("PUT /v3/recurrent_charge/{product}/{id}/activate") }
	protectedErr := errorWords("is protected by deletion_protection")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkRecurrentChargesCancelled(sbx, &seen),
		Steps: []resource.TestStep{
			{
				Config: rcProtected(sbx, true, 1900),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("deletion_protection"), knownvalue.Bool(true)),
				},
				Check: resource.ComposeTestCheckFunc(captureID(rcAddr, &id), func(*terraform.State) error {
					seen = append(seen, id)
					return nil
				}),
			},
			{
				// The buyer accepts; apply activates.
				PreConfig: acceptCharge(t, sbx, &id),
				Config:    rcProtected(sbx, true, 1900),
				Check:     expectSandboxStatus(sbx, &id, "active"),
			},
			{
				Config:      rcProtected(sbx, true, 1900),
				Destroy:     true,
				ExpectError: protectedErr,
			},
			{
				// Removing the resource from the configuration plans a destroy too.
				Config:      chargeProviderConfig(sbx, ""),
				ExpectError: protectedErr,
			},
			{
				// A new price replaces the charge: refused as well, even when
				// the same change switches the protection off.
				Config:      rcProtected(sbx, false, 2900),
				ExpectError: protectedErr,
			},
			{
				PreConfig: func() {
					if st, _ := sbx.ChargeStatus(id); st != "active" {
						t.Fatalf("after the refused plans the charge is %s, want active", st)
					}
				},
				Config: rcProtected(sbx, false, 1900),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rcAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("deletion_protection"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
				Check: resource.ComposeTestCheckFunc(expectSameID(rcAddr, &id), expectSandboxStatus(sbx, &id, "active"),
					func(*terraform.State) error {
						if n := activations(); n != 1 {
							return fmt.Errorf("%d activations, want only the first", n)
						}
						return nil
					}),
			},
			// Unprotected, the final destroy cancels it (CheckDestroy).
			{Config: rcProtected(sbx, false, 1900), ConfigPlanChecks: emptyPlan()},
		},
	})
}

// Protection guards only a paying charge: a protected charge the buyer never
// accepted is destroyed, and replaced, like any other.
func TestAccRecurrentChargeResource_deletionProtectionOfPendingCharge(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	var id1, id2 string
	var seen []string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkRecurrentChargesCancelled(sbx, &seen),
		Steps: []resource.TestStep{
			{Config: rcProtected(sbx, true, 1900), Check: captureID(rcAddr, &id1)},
			{
				Config: rcProtected(sbx, true, 2900),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rcAddr, plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeTestCheckFunc(captureID(rcAddr, &id2), expectSandboxStatus(sbx, &id1, "cancelled"),
					func(*terraform.State) error { seen = append(seen, id1, id2); return nil }),
			},
		},
	})
}

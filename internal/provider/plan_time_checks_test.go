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

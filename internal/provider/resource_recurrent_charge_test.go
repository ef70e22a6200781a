package provider

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

const rcAddr = "livechat_recurrent_charge.test"

func rcConfig(sbx *testSandbox, body string) string {
	return chargeConfig(sbx, "livechat_recurrent_charge", body)
}

const rcBasic = `
  name        = "Chat Transcripts Pro"
  price       = 1900
  return_url  = "https://example.com/billing/done"
  trial_days  = 14
  external_id = "ext-1"
`

// checkRecurrentChargesCancelled is a CheckDestroy: every charge in the
// state and every id the test saw must be cancelled (or declined).
func checkRecurrentChargesCancelled(sbx *testSandbox, seen *[]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ids := append([]string(nil), *seen...)
		for _, rs := range s.RootModule().Resources {
			if rs.Type == "livechat_recurrent_charge" {
				ids = append(ids, rs.Primary.ID)
			}
		}
		if len(ids) == 0 {
			return fmt.Errorf("no charge ids to check")
		}
		for _, id := range ids {
			st, ok := sbx.ChargeStatus(id)
			if !ok {
				return fmt.Errorf("charge %s is not in the sandbox", id)
			}
			if st != "cancelled" && st != "declined" {
				return fmt.Errorf("charge %s is %s after destroy, want cancelled", id, st)
			}
		}
		return nil
	}
}

func TestAccRecurrentChargeResource_lifecycle(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	var id1, id2, id3 string
	var seen []string
	keep := func(id *string) resource.TestCheckFunc {
		return func(*terraform.State) error { seen = append(seen, *id); return nil }
	}
	balance := sbx.LedgerBalance()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkRecurrentChargesCancelled(sbx, &seen),
		Steps: slices.Concat([]resource.TestStep{
			{
				// Create: a pending charge with every computed value.
				Config: rcConfig(sbx, rcBasic),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rcAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(rcAddr, tfjsonpath.New("product"), knownvalue.StringExact("livechat")),
					plancheck.ExpectUnknownValue(rcAddr, tfjsonpath.New("status")),
				}},
				ConfigStateChecks: append(chargeCreatedChecks(sbx, rcAddr, "recurrent_charge"),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("name"), knownvalue.StringExact("Chat Transcripts Pro")),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("price"), knownvalue.Int64Exact(1900)),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("external_id"), knownvalue.StringExact("ext-1")),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("trial_days"), knownvalue.Int64Exact(14)),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("months"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("buyer_organization_id"), knownvalue.StringExact("e0a0ba10-e94c-4db8-ab2c-397815762934")),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("buyer_account_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("order_client_id"), knownvalue.StringExact(sandbox.DefaultClientID)),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("order_organization_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("trial_ends_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("current_charge_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("next_charge_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("cancelled_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("updated_at"), knownvalue.NotNull()),
				),
				Check: resource.ComposeTestCheckFunc(captureID(rcAddr, &id1), keep(&id1), expectSandboxStatus(sbx, &id1, "pending")),
			},
		},
			// Import by id (the provider's default product) and by <product>/<id>.
			chargeImportSteps(rcAddr, &id1), []resource.TestStep{
				// Nothing changed: an empty plan.
				{Config: rcConfig(sbx, rcBasic), ConfigPlanChecks: emptyPlan()},
				{
					// The buyer accepts in the Marketplace: the plan shows the
					// activation as an in-place update, apply activates.
					PreConfig: acceptCharge(t, sbx, &id1),
					Config:    rcConfig(sbx, rcBasic),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(rcAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(rcAddr, tfjsonpath.New("status")),
						plancheck.ExpectUnknownValue(rcAddr, tfjsonpath.New("trial_ends_at")),
						plancheck.ExpectUnknownValue(rcAddr, tfjsonpath.New("next_charge_at")),
						plancheck.ExpectUnknownValue(rcAddr, tfjsonpath.New("current_charge_at")),
						plancheck.ExpectUnknownValue(rcAddr, tfjsonpath.New("updated_at")),
						plancheck.ExpectKnownValue(rcAddr, tfjsonpath.New("created_at"), knownvalue.NotNull()),
						plancheck.ExpectKnownValue(rcAddr, tfjsonpath.New("confirmation_url"), knownvalue.NotNull()),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
						statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("trial_ends_at"), knownvalue.NotNull()),
						statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("next_charge_at"), knownvalue.NotNull()),
					},
					Check: resource.ComposeTestCheckFunc(expectSameID(rcAddr, &id1), expectSandboxStatus(sbx, &id1, "active")),
				},
				// After activation the plan is empty again.
				{Config: rcConfig(sbx, rcBasic), ConfigPlanChecks: emptyPlan()},
				{
					// Time passes: the trial ends and the renewal is invoiced
					// (past_due). What the platform changes by itself is
					// refreshed but never proposes a change.
					PreConfig:        advanceClock(t, sbx, 14),
					Config:           rcConfig(sbx, rcBasic),
					ConfigPlanChecks: emptyPlan(),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("status"), knownvalue.StringExact("past_due")),
					},
				},
				{
					// Collected a day later.
					PreConfig:        advanceClock(t, sbx, 1),
					Config:           rcConfig(sbx, rcBasic),
					ConfigPlanChecks: emptyPlan(),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
						statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("current_charge_at"), knownvalue.NotNull()),
					},
					Check: func(*terraform.State) error {
						if got := sbx.LedgerBalance() - balance; got != 1520 {
							return fmt.Errorf("the ledger grew by %d, want 1520", got)
						}
						return nil
					},
				},
				{
					// Cancelled outside Terraform: removed at refresh, and the
					// plan creates a new charge.
					PreConfig: func() {
						if err := sbx.CancelRecurrentCharge(id1); err != nil {
							t.Fatal(err)
						}
					},
					Config: rcConfig(sbx, rcBasic),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(rcAddr, plancheck.ResourceActionCreate),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					},
					Check: resource.ComposeTestCheckFunc(captureID(rcAddr, &id2), keep(&id2), func(*terraform.State) error {
						if id2 == id1 {
							return fmt.Errorf("the cancelled charge %s was kept", id1)
						}
						return nil
					}),
				},
				{
					// A new price replaces the charge: the old one is cancelled.
					Config: rcConfig(sbx, strings.Replace(rcBasic, "1900", "2900", 1)),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(rcAddr, plancheck.ResourceActionReplace),
						plancheck.ExpectUnknownValue(rcAddr, tfjsonpath.New("id")),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("price"), knownvalue.Int64Exact(2900)),
						statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					},
					Check: resource.ComposeTestCheckFunc(captureID(rcAddr, &id3), keep(&id3),
						expectSandboxStatus(sbx, &id2, "cancelled"), expectSandboxStatus(sbx, &id3, "pending")),
				},
			}),
	})
}

func TestAccRecurrentChargeResource_autoActivate(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	var id string
	var seen []string
	cfg := func(auto bool) string {
		return rcConfig(sbx, fmt.Sprintf(`
  name          = "Yearly"
  price         = 9900
  months        = 12
  per_account   = true
  test          = true
  return_url    = "http://localhost:3000/done"
  auto_activate = %t
`, auto))
	}
	activations := func() int64 { return sbx.RequestCount("PUT /v3/recurrent_charge/{product}/{id}/activate") }
	var before int64
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkRecurrentChargesCancelled(sbx, &seen),
		Steps: []resource.TestStep{
			{
				Config: cfg(false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("months"), knownvalue.Int64Exact(12)),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("per_account"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("test"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("auto_activate"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("external_id"), knownvalue.Null()),
				},
				Check: captureID(rcAddr, &id),
			},
			{
				// Accepted, but auto_activate is off: nothing to do.
				PreConfig: func() {
					seen = append(seen, id)
					acceptCharge(t, sbx, &id)()
				},
				Config:           cfg(false),
				ConfigPlanChecks: emptyPlan(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
				},
			},
			{
				// Turning it on activates in place.
				Config: cfg(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rcAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(rcAddr, tfjsonpath.New("status")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("auto_activate"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("trial_ends_at"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error { before = activations(); return nil },
			},
			{
				// Turning it off only updates the state: no call, nothing unknown.
				Config: cfg(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rcAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(rcAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					plancheck.ExpectKnownValue(rcAddr, tfjsonpath.New("updated_at"), knownvalue.NotNull()),
					// Null computed values stay known-null, not "known after apply".
					plancheck.ExpectKnownValue(rcAddr, tfjsonpath.New("trial_ends_at"), knownvalue.Null()),
					plancheck.ExpectKnownValue(rcAddr, tfjsonpath.New("cancelled_at"), knownvalue.Null()),
					plancheck.ExpectKnownValue(rcAddr, tfjsonpath.New("external_id"), knownvalue.Null()),
					plancheck.ExpectKnownValue(rcAddr, tfjsonpath.New("next_charge_at"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(rcAddr, tfjsonpath.New("checkout_url"), knownvalue.NotNull()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("auto_activate"), knownvalue.Bool(false)),
				},
				Check: func(*terraform.State) error {
					if n := activations(); n != before {
						return fmt.Errorf("turning auto_activate off called activate (%d → %d)", before, n)
					}
					return nil
				},
			},
		},
	})
}

// A renewal that cannot be collected freezes the charge; it stays in the
// state and the plan proposes activation, which retries the payment.
func TestAccRecurrentChargeResource_frozenAndDeclined(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	var id, id2 string
	var seen []string
	cfg := rcConfig(sbx, `
  name       = "Monthly"
  price      = 1000
  return_url = "https://example.com/"
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkRecurrentChargesCancelled(sbx, &seen),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check:  resource.ComposeTestCheckFunc(captureID(rcAddr, &id)),
			},
			{
				PreConfig: func() {
					seen = append(seen, id)
					acceptCharge(t, sbx, &id)()
				},
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
			},
			{
				// The card fails at renewal: frozen stays in the state and
				// the plan proposes the activation that retries the payment.
				PreConfig: func() {
					if err := sbx.SetPaymentFails(id, true); err != nil {
						t.Fatal(err)
					}
					if _, err := sbx.AdvanceClock(40); err != nil {
						t.Fatal(err)
					}
					if st, _ := sbx.ChargeStatus(id); st != "frozen" {
						t.Fatalf("charge is %s, want frozen", st)
					}
					if err := sbx.SetPaymentFails(id, false); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rcAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(rcAddr, tfjsonpath.New("status")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
				Check: expectSandboxStatus(sbx, &id, "active"),
			},
			{
				// Replaced, and the buyer declines the new charge: removed
				// from the state and proposed again.
				Config: strings.Replace(cfg, "1000", "1200", 1),
				Check:  captureID(rcAddr, &id2),
			},
			{
				PreConfig: func() {
					seen = append(seen, id2)
					if err := sbx.DeclineCharge(id2); err != nil {
						t.Fatal(err)
					}
				},
				Config: strings.Replace(cfg, "1000", "1200", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rcAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
				},
			},
		},
	})
}

func TestAccRecurrentChargeResource_helpdesk(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	var id string
	var seen []string
	cfg := rcConfig(sbx, `
  product    = "helpdesk"
  name       = "HelpDesk add-on"
  price      = 500
  return_url = "https://example.com/"
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkRecurrentChargesCancelled(sbx, &seen),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("product"), knownvalue.StringExact("helpdesk")),
				},
				Check: resource.ComposeTestCheckFunc(captureID(rcAddr, &id), func(*terraform.State) error {
					seen = append(seen, id)
					if p, _ := sbx.ChargeProduct(id); p != "helpdesk" {
						return fmt.Errorf("the charge was created for %q, want helpdesk", p)
					}
					return nil
				}),
			},
			{
				ResourceName:      rcAddr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return "helpdesk/" + id, nil },
			},
			{
				// Under the default product the id does not exist.
				ResourceName: rcAddr,
				ImportState:  true,
				ImportStateIdFunc: func(*terraform.State) (string, error) {
					return "livechat/" + id, nil
				},
				ExpectError: errorWords("Cannot import non-existent remote object"),
			},
		},
	})
}

func TestAccRecurrentChargeResource_helpdeskNeedsItsScope(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{Scopes: []string{"billing_manage"}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: rcConfig(sbx, `
  product    = "helpdesk"
  name       = "x"
  price      = 1
  return_url = "https://example.com/"
`),
			ExpectError: regexp.MustCompile(`(?s)Unable to create recurrent charge.*403.*billing--all:rw`),
		}},
	})
}

// Changing the provider's default product moves no existing charge; new
// charges take the new default.
func TestAccRecurrentChargeResource_providerDefaultProduct(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	var id, other string
	var seen []string
	res := func(name string) string {
		return fmt.Sprintf(`
resource "livechat_recurrent_charge" %q {
  name       = %q
  price      = 700
  return_url = "https://example.com/"
}
`, name, name)
	}
	const otherAddr = "livechat_recurrent_charge.other"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkRecurrentChargesCancelled(sbx, &seen),
		Steps: []resource.TestStep{
			{
				Config: chargeProviderConfig(sbx, "") + res("test"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("product"), knownvalue.StringExact("livechat")),
				},
				Check: captureID(rcAddr, &id),
			},
			{
				Config:           chargeProviderConfig(sbx, "helpdesk") + res("test"),
				ConfigPlanChecks: emptyPlan(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("product"), knownvalue.StringExact("livechat")),
				},
			},
			{
				Config: chargeProviderConfig(sbx, "helpdesk") + res("test") + res("other"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rcAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(otherAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(otherAddr, tfjsonpath.New("product"), knownvalue.StringExact("helpdesk")),
				}},
				Check: resource.ComposeTestCheckFunc(captureID(otherAddr, &other), func(*terraform.State) error {
					seen = append(seen, id, other)
					if p, _ := sbx.ChargeProduct(other); p != "helpdesk" {
						return fmt.Errorf("the new charge was created for %q, want helpdesk", p)
					}
					return nil
				}),
			},
			{
				// Setting the product explicitly to another value replaces.
				Config: chargeProviderConfig(sbx, "helpdesk") + strings.Replace(res("test"), "price", "product    = \"helpdesk\"\n  price", 1) + res("other"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rcAddr, plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction(otherAddr, plancheck.ResourceActionNoop),
				}},
				Check: expectSandboxStatus(sbx, &id, "cancelled"),
			},
		},
	})
}

// Bad identities fail at plan time. A charge made outside Terraform is
// adopted by an import block with an identity; without product it is the
// provider's default product. The identity stored then imports the charge
// again.
func TestAccRecurrentChargeResource_importByIdentity(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	adopted := newSandboxRecurrentCharge(t, sbx, "livechat")
	cfg := rcConfig(sbx, `
  name       = "Chat Transcripts Pro"
  price      = 1900
  return_url = "https://example.com/billing/done"
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		TerraformVersionChecks:   identityVersions,
		Steps: append(badChargeIdentitySteps(cfg, rcAddr),
			resource.TestStep{
				Config: cfg + importBlock(rcAddr, fmt.Sprintf("    id = %q", adopted)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rcAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("id"), knownvalue.StringExact(adopted)),
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("deletion_protection"), knownvalue.Bool(false)),
					statecheck.ExpectIdentity(rcAddr, map[string]knownvalue.Check{
						"product": knownvalue.StringExact("livechat"),
						"id":      knownvalue.StringExact(adopted),
					}),
				},
			},
			importByIdentityStep(rcAddr, cfg),
		),
	})
}

func TestRecurrentChargeConverters(t *testing.T) {
	trial := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	created := time.Date(2026, 11, 17, 10, 0, 0, 0, time.UTC)
	c := &client.RecurrentCharge{TrialDays: 14, Months: 1, TrialEndsAt: &trial, NextChargeAt: &trial, ChargeCommon: client.ChargeCommon{
		ID: "1c286f7a-aab8-4384-8e09-dc6749c550cd", Name: "sub1", Price: 1900,
		ReturnURL: "http://localhost", Status: "active", ConfirmationURL: "https://billing.text.com/?id=1",
		CommissionPercent: 20, BuyerLicenseID: 100006625, CreatedAt: created, UpdatedAt: created,
	}}
	m, diags := recurrentChargeResourceModelFrom("helpdesk", recurrentChargeResourceModel{}, c)
	if diags.HasError() {
		t.Fatal(diags)
	}
	// A state from before deletion_protection existed reads as unprotected.
	if m.DeletionProtection.IsNull() || m.DeletionProtection.ValueBool() {
		t.Fatalf("deletion_protection %v, want false", m.DeletionProtection)
	}
	if m.Product.ValueString() != "helpdesk" || !m.AutoActivate.ValueBool() || m.Price.ValueInt64() != 1900 ||
		!m.ExternalID.IsNull() || m.BuyerLicenseID.ValueInt64() != 100006625 || m.Status.ValueString() != "active" {
		t.Fatalf("model %+v", m)
	}
	if m.CheckoutURL.ValueString() != "https://www.livechat.com/marketplace/checkout/charge/1c286f7a-aab8-4384-8e09-dc6749c550cd/recurrent_charge" {
		t.Fatalf("checkout_url %s", m.CheckoutURL)
	}
	if m.TrialEndsAt.ValueString() != "2026-12-01T10:00:00Z" || !m.CancelledAt.IsNull() || !m.CurrentChargeAt.IsNull() ||
		m.CreatedAt.ValueString() != "2026-11-17T10:00:00Z" {
		t.Fatalf("timestamps %v %v %v %v", m.TrialEndsAt, m.CancelledAt, m.CurrentChargeAt, m.CreatedAt)
	}
	settings := recurrentChargeResourceModel{AutoActivate: types.BoolValue(false), DeletionProtection: types.BoolValue(true)}
	if m2, _ := recurrentChargeResourceModelFrom("livechat", settings, c); m2.AutoActivate.ValueBool() || !m2.DeletionProtection.ValueBool() {
		t.Fatal("auto_activate false or deletion_protection true was not kept")
	}
	c.ExternalID = "ext"
	if m3, _ := recurrentChargeResourceModelFrom("livechat", recurrentChargeResourceModel{AutoActivate: types.BoolValue(true)}, c); m3.ExternalID.ValueString() != "ext" {
		t.Fatal("external_id lost")
	}

	var m4 recurrentChargeResourceModel
	m4.Name, m4.Price, m4.ReturnURL = types.StringValue("n"), centsValue(5), types.StringValue("https://e.com")
	m4.ExternalID, m4.Test, m4.TrialDays = types.StringNull(), types.BoolValue(true), countValue(3)
	m4.Months, m4.PerAccount = countValue(12), types.BoolValue(true)
	req := recurrentChargeRequestFrom(m4)
	want := client.RecurrentChargeRequest{Name: "n", Price: 5, ReturnURL: "https://e.com", Test: true, TrialDays: 3, Months: 12, PerAccount: true}
	if req != want {
		t.Fatalf("request %+v, want %+v", req, want)
	}
}

func TestRecurrentActivationDue(t *testing.T) {
	for _, tc := range []struct {
		status string
		auto   types.Bool
		want   bool
	}{
		{"accepted", types.BoolValue(true), true},
		{"frozen", types.BoolValue(true), true},
		{"accepted", types.BoolValue(false), false},
		{"accepted", types.BoolUnknown(), false},
		{"pending", types.BoolValue(true), false},
		{"active", types.BoolValue(true), false},
		{"past_due", types.BoolValue(true), false},
		{"processed", types.BoolValue(true), false},
		{"some_new_status", types.BoolValue(true), false},
	} {
		if got := recurrentActivationDue(types.StringValue(tc.status), tc.auto); got != tc.want {
			t.Errorf("recurrentActivationDue(%s, %v) = %v, want %v", tc.status, tc.auto, got, tc.want)
		}
	}
}

func TestParseChargeImportID(t *testing.T) {
	for _, tc := range []struct{ raw, product, id string }{
		{"abc", "livechat", "abc"},
		{"helpdesk/abc", "helpdesk", "abc"},
		{"livechat/abc", "livechat", "abc"},
	} {
		p, id, err := parseChargeImportID(tc.raw, "livechat")
		if err != nil || p != tc.product || id != tc.id {
			t.Errorf("%q: %q %q %v", tc.raw, p, id, err)
		}
	}
	if p, _, _ := parseChargeImportID("abc", "helpdesk"); p != "helpdesk" {
		t.Errorf("the default product is not used: %q", p)
	}
	for _, raw := range []string{"", "a/b/c", "foo/abc", "livechat/", "/abc", " abc"} {
		_, _, err := parseChargeImportID(raw, "livechat")
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("expected <id> or <product>/<id>, got %q (product is livechat or helpdesk)", raw)) {
			t.Errorf("%q: %v", raw, err)
		}
	}
}

func TestRFC3339Null(t *testing.T) {
	if !rfc3339(nil).Equal(timetypes.NewRFC3339Null()) {
		t.Fatal("nil is not null")
	}
}

// The documented example applies against the sandbox, and both import
// forms of import.sh work.
func TestAccRecurrentChargeResource_example(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	example, err := os.ReadFile("../../examples/resources/livechat_recurrent_charge/resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("../../examples/resources/livechat_recurrent_charge/import.sh")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(script), "terraform import livechat_recurrent_charge.pro ") ||
		!strings.Contains(string(script), "livechat_recurrent_charge.reports_yearly helpdesk/") {
		t.Fatal("import.sh does not show both id forms")
	}
	var seen []string
	cfg := chargeProviderConfig(sbx, "") + string(example)
	// terraform-plugin-testing cannot verify an import while the
	// configuration has outputs, so the import steps go without them.
	noOutputs := regexp.MustCompile(`(?s)output "[^"]+" \{.*?\n\}\n?`).ReplaceAllString(cfg, "")
	if noOutputs == cfg {
		t.Fatal("the example has no output block to strip")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkRecurrentChargesCancelled(sbx, &seen),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("livechat_recurrent_charge.pro", tfjsonpath.New("deletion_protection"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("livechat_recurrent_charge.reports_yearly", tfjsonpath.New("deletion_protection"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("livechat_recurrent_charge.reports_yearly", tfjsonpath.New("product"), knownvalue.StringExact("helpdesk")),
					statecheck.ExpectKnownOutputValue("pro_checkout_url", knownvalue.StringRegexp(regexp.MustCompile(`^https://www\.livechat\.com/marketplace/checkout/charge/[0-9a-f-]{36}/recurrent_charge$`))),
				},
			},
			{
				Config: noOutputs, ResourceName: "livechat_recurrent_charge.pro", ImportState: true, ImportStateVerify: true,
				// deletion_protection is a Terraform setting: an import starts
				// unprotected (false), the example sets it.
				ImportStateVerifyIgnore: []string{"deletion_protection"},
			},
			{
				Config:            noOutputs,
				ResourceName:      "livechat_recurrent_charge.reports_yearly",
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return "helpdesk/" + s.RootModule().Resources["livechat_recurrent_charge.reports_yearly"].Primary.ID, nil
				},
				// auto_activate is a Terraform setting, not a platform value:
				// an import starts from the default.
				ImportStateVerifyIgnore: []string{"auto_activate"},
			},
		},
	})
}

// Destroy succeeds when the platform answers 404 (gone already) or 422
// (refused: removed from the state with a warning).
func TestAccRecurrentChargeResource_destroyRefusedOrGone(t *testing.T) {
	for _, status := range []int{http.StatusUnprocessableEntity, http.StatusNotFound} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			sbx := newTestSandbox(t, sandbox.Options{})
			proxyURL := interceptor(t, sbx, func(r *http.Request) int {
				if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/cancel") {
					return status
				}
				return 0
			})
			var id string
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				CheckDestroy: func(*terraform.State) error {
					// The platform refused, so the charge is still there;
					// Terraform let go of it without an error.
					if st, _ := sbx.ChargeStatus(id); st != "pending" {
						return fmt.Errorf("charge %s is %s, want it untouched (pending)", id, st)
					}
					return nil
				},
				Steps: []resource.TestStep{{
					Config: billingOnlyProvider(proxyURL) + `
resource "livechat_recurrent_charge" "test" {
  name       = "x"
  price      = 100
  return_url = "https://example.com/"
}
`,
					Check: captureID(rcAddr, &id),
				}},
			})
		})
	}
}

// A recurrent charge create whose connection drops after the platform
// committed it (platform-api.md §6.1): not retried, so no second charge, and the
// error says the charge may exist and how to adopt it.
func TestAccRecurrentChargeResource_dropAfterCommit(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	sbx.addFault(t, map[string]any{"route": "POST /v3/recurrent_charge/", "drop_after_commit": true, "count": 1})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: rcConfig(sbx, rcBasic),
			ExpectError: errorWords("The", "recurrent", "charge", "may", "have", "been", "created", "does", "not", "tell",
				"whether", "the", "platform", "created", "the", "recurrent", "charge,", "and", "the", "platform", "offers", "no",
				"way", "to", "look", "for", "it.", "It", "may", "exist", "without", "being", "in", "the", "Terraform", "state",
				"terraform", "import", "livechat_recurrent_charge.<name>", "<product>/<id>"),
		}},
	})
	if got := sbx.storedObjects(t, "recurrent_charges"); len(got) != 1 {
		t.Fatalf("%d recurrent charges stored after one ambiguous create, want exactly 1 (no blind retry)", len(got))
	}
	if n := sbx.RequestCount("POST /v3/recurrent_charge/{product}"); n != 1 {
		t.Fatalf("the create was sent %d times, want 1", n)
	}
}

// A create the platform refused before processing it (503 with
// Retry-After, platform-api.md §6.1) is retried and makes exactly one charge.
func TestAccRecurrentChargeResource_createRetriedWhenRefusedBeforeProcessing(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	sbx.addFault(t, map[string]any{"route": "POST /v3/recurrent_charge/", "status": 503, "retry_after_s": 1, "count": 1})
	var id string
	var seen []string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkRecurrentChargesCancelled(sbx, &seen),
		Steps: []resource.TestStep{{
			Config: rcConfig(sbx, rcBasic),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
			},
			Check: resource.ComposeTestCheckFunc(captureID(rcAddr, &id), expectSandboxStatus(sbx, &id, "pending"),
				func(*terraform.State) error { seen = append(seen, id); return nil }),
		}},
	})
	if got := sbx.storedObjects(t, "recurrent_charges"); len(got) != 1 {
		t.Fatalf("%d recurrent charges stored, want exactly 1", len(got))
	}
	if n := sbx.RequestCount("POST /v3/recurrent_charge/{product}"); n != 2 {
		t.Fatalf("the create was sent %d times, want 2 (the refused one, then the retry)", n)
	}
}

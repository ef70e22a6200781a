package provider

import (
	"context"
	"fmt"
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

// Acceptance tests of the provider's test_mode: the guard of staging
// workspaces against real charges.

// testModeProvider is the sandbox provider block with the line mode ("" for
// none) for test_mode.
func testModeProvider(sbx *testSandbox, mode string) string {
	return sbx.providerBlock(fmt.Sprintf("  access_token = %q\n  max_retries  = 1\n  %s", sandbox.DefaultAccessToken, mode))
}

// twoCharges are a recurrent and a direct charge, each with the line test
// ("" leaves test unset).
func twoCharges(test string) string {
	return fmt.Sprintf(`
resource "livechat_recurrent_charge" "test" {
  name       = "Chat Transcripts Pro"
  price      = 1900
  return_url = "https://example.com/billing/done"
  %[1]s
}

resource "livechat_direct_charge" "test" {
  name       = "10 extra seats"
  price      = 1900
  quantity   = 10
  return_url = "https://example.com/billing/done"
  %[1]s
}
`, test)
}

// chargesAreTest checks test in the state of both charges and asks the
// platform whether each was created as a test charge.
func chargesAreTest(t *testing.T, sbx *testSandbox, want bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		c := sandboxClient(t, sbx)
		for _, addr := range []string{rcAddr, dcAddr} {
			id, err := stateID(s, addr)
			if err != nil {
				return err
			}
			var test bool
			if addr == rcAddr {
				rc, err := c.GetRecurrentCharge(context.Background(), "livechat", id)
				if err != nil {
					return err
				}
				test = rc.Test
			} else {
				dc, err := c.GetDirectCharge(context.Background(), "livechat", id)
				if err != nil {
					return err
				}
				test = dc.Test
			}
			if test != want {
				return fmt.Errorf("%s (%s) was created with test = %t on the platform, want %t", addr, id, test, want)
			}
		}
		return nil
	}
}

func stateID(s *terraform.State, addr string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return "", fmt.Errorf("%s is not in the state", addr)
	}
	return rs.Primary.ID, nil
}

// testPlanned expects test to be planned as want for both charges.
func testPlanned(want bool) []plancheck.PlanCheck {
	return []plancheck.PlanCheck{
		plancheck.ExpectKnownValue(rcAddr, tfjsonpath.New("test"), knownvalue.Bool(want)),
		plancheck.ExpectKnownValue(dcAddr, tfjsonpath.New("test"), knownvalue.Bool(want)),
	}
}

// refusedInTestMode is the error of test = false under test_mode.
var refusedInTestMode = errorWords("Real charge refused in test mode", `with livechat_recurrent_charge.test`,
	"test = false asks for a real charge, which moves money, but the provider's test_mode is on")

// With test_mode, charges that leave test unset are test charges, on the
// platform too; an explicit test = true is the same; test = false fails at
// plan time, before any request. Turning test_mode off leaves the existing
// charges as they are; only test = false makes them real, by replacement.
func TestAccProviderTestMode_onlyTestCharges(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	on := testModeProvider(sbx, "test_mode = true")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      on + twoCharges("test = false"),
				ExpectError: refusedInTestMode,
			},
			{
				PreConfig: func() {
					if n := apiRequests(t, sbx); n != 0 {
						t.Fatalf("the refused plan sent %d requests to the platform", n)
					}
				},
				Config:           on + twoCharges(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: testPlanned(true)},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rcAddr, tfjsonpath.New("test"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(dcAddr, tfjsonpath.New("test"), knownvalue.Bool(true)),
				},
				Check: chargesAreTest(t, sbx, true),
			},
			{Config: on + twoCharges(""), ConfigPlanChecks: emptyPlan()},
			{Config: on + twoCharges("test = true"), ConfigPlanChecks: emptyPlan()},
			{Config: testModeProvider(sbx, "") + twoCharges(""), ConfigPlanChecks: emptyPlan(), Check: chargesAreTest(t, sbx, true)},
			{
				Config: testModeProvider(sbx, "") + twoCharges("test = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(testPlanned(false),
					plancheck.ExpectResourceAction(rcAddr, plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction(dcAddr, plancheck.ResourceActionReplace),
				)},
				Check: chargesAreTest(t, sbx, false),
			},
		},
	})
}

// LIVECHAT_TEST_MODE turns test_mode on when the provider block does not
// set it; test_mode = false in the block wins over it; a value that is not
// a boolean is refused, naming the variable.
func TestAccProviderTestMode_environment(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	t.Setenv(EnvTestMode, "true")
	unset := testModeProvider(sbx, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{Config: unset + twoCharges("test = false"), ExpectError: refusedInTestMode},
			{
				Config:   testModeProvider(sbx, "test_mode = false") + twoCharges("test = false"),
				PlanOnly: true, ExpectNonEmptyPlan: true,
			},
			{
				Config:           unset + twoCharges(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: testPlanned(true)},
				Check:            chargesAreTest(t, sbx, true),
			},
			{
				PreConfig: func() { t.Setenv(EnvTestMode, "yes") },
				Config:    unset + twoCharges(""),
				ExpectError: errorWords("Invalid LIVECHAT_TEST_MODE",
					`LIVECHAT_TEST_MODE (the fallback of test_mode) must be true or false, got "yes"`),
			},
			{
				// Back to a valid value, so that the charges can be destroyed.
				PreConfig:        func() { t.Setenv(EnvTestMode, "1") },
				Config:           unset + twoCharges(""),
				ConfigPlanChecks: emptyPlan(),
			},
		},
	})
}

// Without test_mode (and without LIVECHAT_TEST_MODE) nothing changes: an
// unset test is a real charge, and test = false is allowed.
func TestAccProviderTestMode_unset(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	unset := testModeProvider(sbx, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:           unset + twoCharges(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: testPlanned(false)},
				Check:            chargesAreTest(t, sbx, false),
			},
			{Config: unset + twoCharges("test = false"), ConfigPlanChecks: emptyPlan()},
		},
	})
}

// Turning test_mode on over real charges that leave test unset keeps them:
// replacing them would cancel paying subscriptions. Only a new charge gets
// the test default, and an existing one stays real on the platform.
func TestAccProviderTestMode_turnedOnKeepsExistingCharges(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{Config: testModeProvider(sbx, "") + twoCharges(""), Check: chargesAreTest(t, sbx, false)},
			{
				Config:           testModeProvider(sbx, "test_mode = true") + twoCharges(""),
				ConfigPlanChecks: emptyPlan(),
				Check:            chargesAreTest(t, sbx, false),
			},
		},
	})
}

// laterTestMode is a provider block whose test_mode = true is known only
// after terraform_data.mode is applied.
func laterTestMode(sbx *testSandbox) string {
	return testModeProvider(sbx, "test_mode = terraform_data.mode.output") + `
resource "terraform_data" "mode" {
  input = true
}
`
}

// test_mode known only after apply: the plan cannot decide test yet and
// leaves it unknown; the plan Terraform makes again at apply does.
func TestAccProviderTestMode_unknownAtPlan(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: laterTestMode(sbx) + twoCharges(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(rcAddr, tfjsonpath.New("test")),
					plancheck.ExpectUnknownValue(dcAddr, tfjsonpath.New("test")),
				}},
				Check: chargesAreTest(t, sbx, true),
			},
		},
	})
}

// test = false under a test_mode known only after apply is refused by the
// plan made again at apply, before any create request.
func TestAccProviderTestMode_unknownAtPlanRefusedAtApply(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{Config: laterTestMode(sbx) + twoCharges("test = false"), ExpectError: refusedInTestMode},
		},
	})
	for _, route := range []string{"POST /v3/recurrent_charge/{product}", "POST /v3/direct_charge/{product}"} {
		if n := sbx.RequestCount(route); n != 0 {
			t.Fatalf("%d requests %s, want none", n, route)
		}
	}
}

// A real charge that reaches a test_mode workspace (created before
// test_mode, imported, or made real by the platform) is kept, but once its
// buyer accepts it the plan refuses the activation, which would collect
// money; auto_activate = false holds it. A replacement of a real charge
// under test_mode is a new charge, and so a test charge.
func TestAccProviderTestMode_realChargeNotActivated(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	on := testModeProvider(sbx, "test_mode = true")
	var rcID, dcID string
	accept := func() {
		acceptCharge(t, sbx, &rcID)()
		acceptCharge(t, sbx, &dcID)()
	}
	held := twoCharges("auto_activate = false")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testModeProvider(sbx, "") + twoCharges(""),
				Check:  resource.ComposeTestCheckFunc(captureID(rcAddr, &rcID), captureID(dcAddr, &dcID)),
			},
			{
				PreConfig:   accept,
				Config:      on + twoCharges(""),
				ExpectError: errorWords("Activation of a real charge refused in test mode", "auto_activate = false"),
			},
			{Config: on + held, Check: chargesAreTest(t, sbx, false)},
			{
				Config: on + strings.ReplaceAll(held, "10 extra seats", "11 extra seats"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(dcAddr, plancheck.ResourceActionReplace),
					plancheck.ExpectKnownValue(dcAddr, tfjsonpath.New("test"), knownvalue.Bool(true)),
				}},
			},
		},
	})
	for _, route := range []string{"PUT /v3/recurrent_charge/{product}/{id}/activate", "PUT /v3/direct_charge/{product}/{id}/activate"} {
		if got := sbx.RequestCount(route); got != 0 {
			t.Fatalf("%d activations sent (%s), want 0", got, route)
		}
	}
}

package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// TestAccExamples applies the examples that the documentation shows and no
// other test runs, exactly as written, against a sandbox that the provider
// finds through the environment (as a user's would: LIVECHAT_API_URL and
// the LIVECHAT_* secrets), then checks that a second plan is empty and that
// destroy succeeds. The charge examples run in their resources' tests.
func TestAccExamples(t *testing.T) {
	examples := []struct {
		path   string
		vars   func(t *testing.T, sbx *testSandbox) config.Variables
		checks []statecheck.StateCheck
	}{
		{path: "data-sources/livechat_ledger_balance/data-source.tf",
			checks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("ledger_balance_cents", knownvalue.NotNull())}},
		{path: "data-sources/livechat_ledger_entries/data-source.tf",
			checks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("refunded_cents", knownvalue.NotNull())}},
		{path: "data-sources/livechat_coupons/data-source.tf",
			// The two coupons platform-api.md §2.2 lists; one of them is a percentage.
			checks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("coupon_labels", knownvalue.MapExact(map[string]knownvalue.Check{
					"1": knownvalue.StringExact("30% off first payment"),
					"2": knownvalue.StringExact("$25 discount"),
				})),
				statecheck.ExpectKnownValue("data.livechat_coupons.percent", tfjsonpath.New("coupons"), knownvalue.ListSizeExact(1)),
			}},
		{path: "data-sources/livechat_coupon/data-source.tf",
			checks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("livechat_partner_campaign.black_friday", tfjsonpath.New("coupon_id"), knownvalue.Int64Exact(2)),
			}},
		{path: "data-sources/livechat_partner_balance/data-source.tf",
			checks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("available", knownvalue.StringRegexp(regexp.MustCompile(`^\$\d+\.\d\d of \$\d+\.\d\d$`)))}},
		{path: "data-sources/livechat_partner_earnings/data-source.tf",
			// The sandbox's seeded earnings, as data_source_partner_earnings_test.go expects them.
			checks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("commission_last_30_days", knownvalue.StringExact("61.34")),
				statecheck.ExpectKnownOutputValue("affiliate_by_product_cents", knownvalue.MapExact(map[string]knownvalue.Check{
					"livechat":        knownvalue.Int64Exact(25000),
					"chatbot":         knownvalue.Int64Exact(2012),
					"helpdesk":        knownvalue.Int64Exact(0),
					"partner_program": knownvalue.Int64Exact(2854),
				})),
			}},
		{path: "data-sources/livechat_partner_campaigns/data-source.tf",
			// A fresh sandbox has no campaigns.
			checks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("campaign_ids_by_slug", knownvalue.MapExact(map[string]knownvalue.Check{})),
				statecheck.ExpectKnownValue("data.livechat_partner_campaigns.disabled_chatbot", tfjsonpath.New("campaigns"), knownvalue.ListSizeExact(0)),
			}},
		{path: "data-sources/livechat_partner_campaign_summary/data-source.tf",
			// A campaign the example just created has no figures yet.
			checks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("summer_performance", knownvalue.StringExact("0 clicks, 0 trials, 0 paid, $0.00 earned")),
				statecheck.ExpectKnownOutputValue("summer_earned_100", knownvalue.Bool(false)),
			}},
		{path: "resources/livechat_partner_campaign/resource.tf",
			checks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("summer_links", knownvalue.NotNull())}},
		{path: "resources/livechat_in_app_upgrade/resource.tf",
			checks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("livechat_in_app_upgrade.extra_accounts", tfjsonpath.New("price"), knownvalue.Int64Exact(1500)),
				statecheck.ExpectKnownValue("livechat_in_app_upgrade.beta_features", tfjsonpath.New("status"), knownvalue.NotNull()),
			}},
		{path: "resources/livechat_partner_subscription/resource.tf",
			vars: func(t *testing.T, sbx *testSandbox) config.Variables {
				license, err := sbx.NewClientLicense("livechat", "Acme", "Jane Client", "jane@acme.example")
				if err != nil {
					t.Fatal(err)
				}
				return config.Variables{
					"license_id": config.StringVariable(license),
					"card_token": config.StringVariable("tok_sandbox_visa"),
				}
			},
			checks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("livechat_partner_subscription.acme", tfjsonpath.New("plan"), knownvalue.StringExact("team")),
				statecheck.ExpectKnownValue("livechat_partner_subscription.acme", tfjsonpath.New("seats"), knownvalue.Int64Exact(5)),
			}},
		{path: "functions/checkout_url/function.tf",
			checks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("setup_fee_checkout",
				knownvalue.StringRegexp(regexp.MustCompile(`^https://www\.livechat\.com/marketplace/checkout/charge/[0-9a-f-]{36}/direct_charge\?icon=`)))}},
		{path: "ephemeral-resources/livechat_access_token/ephemeral-resource.tf"},
	}
	for _, ex := range examples {
		t.Run(filepath.Dir(ex.path), func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("..", "..", "examples", ex.path))
			if err != nil {
				t.Fatal(err)
			}
			sbx := newTestSandbox(t, sandbox.Options{})
			// The environment a user of the sandbox sets; the ephemeral
			// resource's example needs the oauth client, so the default
			// provider authenticates with the refresh token here.
			t.Setenv(EnvAPIURL, sbx.URL)
			t.Setenv(EnvAccessToken, "")
			t.Setenv(EnvClientID, sandbox.DefaultClientID)
			t.Setenv(EnvClientSecret, sandbox.DefaultClientSecret)
			t.Setenv(EnvRefreshToken, sandbox.DefaultRefreshToken)
			t.Setenv(EnvPartnerToken, sandbox.DefaultPartnerToken)
			t.Setenv(EnvPartnerPassword, sandbox.DefaultPartnerPassword)
			var vars config.Variables
			if ex.vars != nil {
				vars = ex.vars(t, sbx)
			}
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
				ProtoV6ProviderFactories: echoFactories(),
				Steps: []resource.TestStep{{
					Config:            string(body),
					ConfigVariables:   vars,
					ConfigStateChecks: ex.checks,
				}},
			})
		})
	}
}

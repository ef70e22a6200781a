package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

func TestAccPartnerEarningsDataSource(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	const addr = "data.livechat_partner_earnings.this"
	at := func(p tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, p, v)
	}
	aff := tfjsonpath.New("affiliate")
	sol := tfjsonpath.New("solution")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: sbx.providerConfig() + `data "livechat_partner_earnings" "this" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				at(tfjsonpath.New("balance"), knownvalue.StringExact("362.00")),
				at(tfjsonpath.New("balance_cents"), knownvalue.Int64Exact(36200)),
				at(tfjsonpath.New("pending_cents"), knownvalue.Int64Exact(2100)),
				at(tfjsonpath.New("withdrawals"), knownvalue.StringExact("37.00")),
				at(tfjsonpath.New("blocked_cents"), knownvalue.Int64Exact(0)),
				at(tfjsonpath.New("commission_total"), knownvalue.StringExact("420.00")),
				at(tfjsonpath.New("commission_total_cents"), knownvalue.Int64Exact(42000)),
				at(tfjsonpath.New("commission_last_30_days"), knownvalue.StringExact("61.34")),
				at(aff.AtMapKey("commission_total"), knownvalue.StringExact("298.66")),
				at(aff.AtMapKey("commission_total_cents"), knownvalue.Int64Exact(29866)),
				at(aff.AtMapKey("products").AtMapKey("livechat").AtMapKey("commission_total_cents"), knownvalue.Int64Exact(25000)),
				at(aff.AtMapKey("products").AtMapKey("partner_program").AtMapKey("commission_total"), knownvalue.StringExact("28.54")),
				at(aff.AtMapKey("products").AtMapKey("livechat").AtMapKey("discount"), knownvalue.Null()),
				at(aff.AtMapKey("products"), knownvalue.MapSizeExact(4)),
				at(sol.AtMapKey("commission_total_cents"), knownvalue.Int64Exact(12134)),
				at(sol.AtMapKey("commission_last_30_days_cents"), knownvalue.Int64Exact(6134)),
				at(sol.AtMapKey("products").AtMapKey("livechat").AtMapKey("discount"), knownvalue.StringExact("459.43")),
				at(sol.AtMapKey("products").AtMapKey("livechat").AtMapKey("discount_cents"), knownvalue.Int64Exact(45943)),
				at(sol.AtMapKey("products").AtMapKey("chatbot").AtMapKey("commission_last_30_days"), knownvalue.StringExact("21.34")),
			},
		}},
	})
}

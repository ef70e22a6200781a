package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

func TestAccPartnerBalanceDataSource(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	// The sandbox seeds the balance platform-api.md §2.2 documents.
	const pending, withdrawn, available, total = 2100, 3700, 36200, 42000
	const addr = "data.livechat_partner_balance.this"
	check := func(name, exact string, cents int64) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New(name), knownvalue.StringExact(exact)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New(name+"_cents"), knownvalue.Int64Exact(cents)),
		}
	}
	var checks []statecheck.StateCheck
	checks = append(checks, check("pending", "21.00", pending)...)
	checks = append(checks, check("withdrawn", "37.00", withdrawn)...)
	checks = append(checks, check("available", "362.00", available)...)
	checks = append(checks, check("total", "420.00", total)...)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:            sbx.providerConfig() + `data "livechat_partner_balance" "this" {}`,
			ConfigStateChecks: checks,
		}},
	})
}

func mustParseDollars(t *testing.T, s string) client.Dollars {
	t.Helper()
	d, err := client.ParseDollars(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPartnerBalanceModelFrom(t *testing.T) {
	third, _ := client.ParseDollars("0.125")
	m, diags := partnerBalanceModelFrom(&client.PartnerBalance{Pending: mustParseDollars(t, "21"), Available: third})
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("want one rounding warning, got %v", diags)
	}
	if m.Pending.ValueString() != "21.00" || m.PendingCents.ValueInt64() != 2100 ||
		m.Available.ValueString() != "0.125" || m.AvailableCents.ValueInt64() != 13 {
		t.Fatalf("model %+v", m)
	}
	if !m.Withdrawn.IsNull() || !m.WithdrawnCents.IsNull() {
		t.Fatal("an amount the platform left out must be null")
	}
	huge, _ := client.ParseDollars("1e30")
	if _, diags := partnerBalanceModelFrom(&client.PartnerBalance{Total: huge}); !diags.HasError() {
		t.Fatal("an amount beyond int64 cents must be an error")
	}
}

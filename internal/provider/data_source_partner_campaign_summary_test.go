package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/client"
	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

// summaryChecks expects the figures of one summary data source.
func summaryChecks(addr string, clicks, trials, paid int64, earnings string, cents int64) []statecheck.StateCheck {
	at := func(name string, v knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New(name), v)
	}
	return []statecheck.StateCheck{
		at("clicks", knownvalue.Int64Exact(clicks)),
		at("trials", knownvalue.Int64Exact(trials)),
		at("paid_conversions", knownvalue.Int64Exact(paid)),
		at("earnings", knownvalue.StringExact(earnings)),
		at("earnings_cents", knownvalue.Int64Exact(cents)),
	}
}

// A campaign's figures as the platform reports them, earnings to the cent
// (1530.29 dollars is 153029 cents, which a float64 would not keep); a
// disabled campaign keeps its figures; and a campaign managed in the same
// configuration passes its campaign_id, known only after apply.
func TestAccPartnerCampaignSummaryDataSource(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	summer, err := sbx.CreatePartnerCampaign("livechat", "Summer sale 2026", 30)
	if err != nil {
		t.Fatal(err)
	}
	if err := sbx.SetPartnerCampaignStats(summer.ID, 1204, 37, 12, 153029); err != nil {
		t.Fatal(err)
	}
	old, _ := sbx.CreatePartnerCampaign("chatbot", "Spring sale 2026", 14)
	if err := sbx.SetPartnerCampaignStats(old.ID, 9, 2, 1, 1900); err != nil {
		t.Fatal(err)
	}
	if err := sbx.DisablePartnerCampaign(old.Slug); err != nil {
		t.Fatal(err)
	}
	config := sbx.providerConfig() + fmt.Sprintf(`
data "livechat_partner_campaign_summary" "summer" {
  campaign_id = %d
}

data "livechat_partner_campaign_summary" "spring" {
  campaign_id = %d
}

resource "livechat_partner_campaign" "fresh" {
  name = "Fresh campaign"
}

data "livechat_partner_campaign_summary" "fresh" {
  campaign_id = livechat_partner_campaign.fresh.campaign_id
}
`, summer.ID, old.ID)
	var checks []statecheck.StateCheck
	checks = append(checks, summaryChecks("data.livechat_partner_campaign_summary.summer", 1204, 37, 12, "1530.29", 153029)...)
	checks = append(checks, summaryChecks("data.livechat_partner_campaign_summary.spring", 9, 2, 1, "19.00", 1900)...)
	checks = append(checks, summaryChecks("data.livechat_partner_campaign_summary.fresh", 0, 0, 0, "0.00", 0)...)
	checks = append(checks, statecheck.ExpectKnownValue("data.livechat_partner_campaign_summary.summer",
		tfjsonpath.New("campaign_id"), knownvalue.Int64Exact(summer.ID)))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

// Bad input fails at plan time naming campaign_id, before any request; an
// unknown campaign fails naming it and how to find the IDs there are.
func TestAccPartnerCampaignSummaryDataSource_errors(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	config := func(id string) string {
		return sbx.providerConfig() + "data \"livechat_partner_campaign_summary\" \"x\" {\n  campaign_id = " + id + "\n}\n"
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{Config: sbx.providerConfig() + "data \"livechat_partner_campaign_summary\" \"x\" {}\n", PlanOnly: true,
				ExpectError: errorWords(`The argument "campaign_id" is required`)},
			{Config: config("0"), PlanOnly: true, ExpectError: errorWords("campaign_id value must be at least 1, got: 0")},
			{Config: config("12.5"), PlanOnly: true, ExpectError: errorWords("campaign_id must be a whole number: 12.5 is not.")},
			{
				PreConfig: func() {
					if n := apiRequests(t, sbx); n != 0 {
						t.Fatalf("the plan-time errors sent %d requests to the platform", n)
					}
				},
				Config:      config("999999"),
				ExpectError: errorWords("Unable to read the summary of partner campaign 999999", "404", "livechat_partner_campaigns data source"),
			},
		},
	})
}

// Earnings with a fraction of a cent keep the exact string and round the
// cents, with a warning; the counts pass through as they are.
func TestPartnerCampaignSummaryModelFrom(t *testing.T) {
	m, diags := partnerCampaignSummaryModelFrom(7, &client.CampaignSummary{Click: 3, Trial: 2, Paid: 1,
		Earnings: mustParseDollars(t, "10.125")})
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("want one rounding warning, got %v", diags)
	}
	if m.CampaignID.ValueInt64() != 7 || m.Clicks.ValueInt64() != 3 || m.Trials.ValueInt64() != 2 ||
		m.PaidConversions.ValueInt64() != 1 || m.Earnings.ValueString() != "10.125" || m.EarningsCents.ValueInt64() != 1013 {
		t.Fatalf("model %+v", m)
	}
	if m, _ := partnerCampaignSummaryModelFrom(7, &client.CampaignSummary{}); !m.Earnings.IsNull() || !m.EarningsCents.IsNull() {
		t.Fatal("earnings the platform left out must be null")
	}
}

package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/livechat-tf/terraform-provider-livechat/internal/sandbox"
)

func TestAccPartnerCampaignsDataSource(t *testing.T) {
	sbx := newTestSandbox(t, sandbox.Options{})
	// 16 active livechat campaigns (more than one search page), one
	// chatbot campaign, and one disabled campaign whose name is reused.
	ids := map[string]int64{}
	for i := 1; i <= 16; i++ {
		c, err := sbx.CreatePartnerCampaign("livechat", fmt.Sprintf("Listed campaign %02d", i), 14)
		if err != nil {
			t.Fatal(err)
		}
		ids[c.Slug] = c.ID
	}
	bot, err := sbx.CreatePartnerCampaign("chatbot", "Bot campaign", 30)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := sbx.CreatePartnerCampaign("helpdesk", "Reused name", 14)
	if err := sbx.DisablePartnerCampaign(old.Slug); err != nil {
		t.Fatal(err)
	}
	reused, _ := sbx.CreatePartnerCampaign("helpdesk", "Reused name", 20)

	// allIDsMatch checks that every listed campaign carries the id the
	// sandbox gave it.
	allIDsMatch := func(addr string, n int) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			attrs := s.RootModule().Resources[addr].Primary.Attributes
			for i := 0; i < n; i++ {
				slug := attrs[fmt.Sprintf("campaigns.%d.slug", i)]
				got := attrs[fmt.Sprintf("campaigns.%d.campaign_id", i)]
				want, ok := ids[slug]
				if !ok {
					return fmt.Errorf("unexpected campaign %s", slug)
				}
				if got != fmt.Sprint(want) {
					return fmt.Errorf("%s: campaign_id %q, want %d", slug, got, want)
				}
			}
			return nil
		}
	}
	ids[bot.Slug] = bot.ID
	ids[reused.Slug] = reused.ID
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: sbx.providerConfig() + `
data "livechat_partner_campaigns" "active" {}

data "livechat_partner_campaigns" "bots" {
  product = "chatbot"
}

data "livechat_partner_campaigns" "disabled" {
  state = "disabled"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.livechat_partner_campaigns.active", tfjsonpath.New("campaigns"), knownvalue.ListSizeExact(18)),
				statecheck.ExpectKnownValue("data.livechat_partner_campaigns.bots", tfjsonpath.New("campaigns"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"campaign_id":      knownvalue.Int64Exact(bot.ID),
						"slug":             knownvalue.StringExact("pp_bot-campaign"),
						"trial_duration":   knownvalue.Int64Exact(30),
						"landing_page_url": knownvalue.StringExact("https://www.chatbot.com/"),
						"discount":         knownvalue.Null(),
						"active":           knownvalue.Bool(true),
					}),
				})),
				statecheck.ExpectKnownValue("data.livechat_partner_campaigns.disabled", tfjsonpath.New("campaigns"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"campaign_id":    knownvalue.Int64Exact(old.ID),
						"slug":           knownvalue.StringExact("pp_reused-name"),
						"trial_duration": knownvalue.Int64Exact(14),
						"active":         knownvalue.Bool(false),
					}),
				})),
			},
			Check: allIDsMatch("data.livechat_partner_campaigns.active", 18),
		}},
	})
}

resource "livechat_partner_campaign" "summer" {
  name           = "Summer sale 2026"
  trial_duration = 30
}

# The figures of the campaign above; any campaign_id works, also that of
# a disabled campaign (see the livechat_partner_campaigns data source).
data "livechat_partner_campaign_summary" "summer" {
  campaign_id = livechat_partner_campaign.summer.campaign_id
}

locals {
  summer = data.livechat_partner_campaign_summary.summer
}

# Exact decimal strings for display, integer cents for arithmetic.
output "summer_performance" {
  value = format("%d clicks, %d trials, %d paid, $%s earned",
  local.summer.clicks, local.summer.trials, local.summer.paid_conversions, local.summer.earnings)
}

output "summer_earned_100" {
  value = local.summer.earnings_cents >= 10000
}

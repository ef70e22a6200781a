data "livechat_partner_campaigns" "active" {}

data "livechat_partner_campaigns" "disabled_chatbot" {
  state   = "disabled"
  product = "chatbot"
}

# Slugs are the import IDs of livechat_partner_campaign.
output "campaign_ids_by_slug" {
  value = { for c in data.livechat_partner_campaigns.active.campaigns : c.slug => c.campaign_id }
}

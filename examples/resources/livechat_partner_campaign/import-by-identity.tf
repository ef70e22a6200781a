import {
  to = livechat_partner_campaign.summer
  identity = {
    slug = "pp_summer-sale-2025"
  }
}

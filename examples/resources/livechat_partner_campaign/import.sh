# A campaign is imported by its slug (pp_ and the URL-friendly name).
terraform import livechat_partner_campaign.summer pp_summer-sale-2025

# A campaign is imported by its slug (pp_ and the URL-friendly name).
terraform import livechat_partner_campaign.summer pp_summer-sale-2025

# With Terraform or OpenTofu 1.12 and later, an import block can name it by
# its resource identity instead:
#
#   import {
#     to       = livechat_partner_campaign.summer
#     identity = { slug = "pp_summer-sale-2025" }
#   }

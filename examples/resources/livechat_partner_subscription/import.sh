# A subscription is imported as <product>/<license_id>.
terraform import livechat_partner_subscription.acme livechat/104130623

# With Terraform or OpenTofu 1.12 and later, an import block can name it by
# its resource identity instead:
#
#   import {
#     to       = livechat_partner_subscription.acme
#     identity = { product = "livechat", license_id = "104130623" }
#   }

import {
  to = livechat_partner_subscription.acme
  identity = {
    product    = "livechat"
    license_id = "104130623"
  }
}

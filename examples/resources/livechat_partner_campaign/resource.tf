# The coupon is looked up by its label, so the configuration does not
# depend on coupon IDs.
data "livechat_coupon" "first_payment" {
  label = "30% off first payment"
}

resource "livechat_partner_campaign" "summer" {
  name           = "Summer sale 2025"
  product        = "livechat"
  trial_duration = 30
  coupon_id      = data.livechat_coupon.first_payment.id
  link           = "https://www.livechat.com/pricing/"
}

# A campaign with the platform's defaults: a 14-day trial, no discount,
# the product's home page.
resource "livechat_partner_campaign" "newsletter" {
  name    = "Newsletter footer"
  product = "chatbot"
}

output "summer_links" {
  value = {
    url       = livechat_partner_campaign.summer.url
    short_url = livechat_partner_campaign.summer.short_url
  }
}

data "livechat_coupon" "flat" {
  label = "$25 discount"
}

resource "livechat_partner_campaign" "black_friday" {
  name      = "Black Friday 2025"
  coupon_id = data.livechat_coupon.flat.id
}

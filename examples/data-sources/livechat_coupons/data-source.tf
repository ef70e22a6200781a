# Every coupon you may attach to a campaign.
data "livechat_coupons" "all" {}

# Only the percentage coupons.
data "livechat_coupons" "percent" {
  label_regex = "%"
}

output "coupon_labels" {
  value = { for c in data.livechat_coupons.all.coupons : c.id => c.label }
}

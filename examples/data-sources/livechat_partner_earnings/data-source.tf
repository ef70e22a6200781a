data "livechat_partner_earnings" "this" {}

output "commission_last_30_days" {
  value = data.livechat_partner_earnings.this.commission_last_30_days
}

# Affiliate commission per product, in cents.
output "affiliate_by_product_cents" {
  value = {
    for product, e in data.livechat_partner_earnings.this.affiliate.products :
    product => e.commission_total_cents
  }
}

data "livechat_partner_balance" "this" {}

# Exact decimal strings for display, integer cents for arithmetic.
output "available" {
  value = format("$%s of $%s", data.livechat_partner_balance.this.available, data.livechat_partner_balance.this.total)
}

output "can_withdraw_100" {
  value = data.livechat_partner_balance.this.available_cents >= 10000
}

data "livechat_ledger_balance" "this" {}

output "ledger_balance_cents" {
  value = data.livechat_ledger_balance.this.balance
}

# Refunds of this year, with their total in cents.
data "livechat_ledger_entries" "refunds" {
  type  = "refund"
  since = "2026-01-01T00:00:00Z"
}

output "refunded_cents" {
  value = data.livechat_ledger_entries.refunds.totals["refund"]
}

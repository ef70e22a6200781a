# The `make demo` configuration: it runs against a local livechat-sandbox
# (LIVECHAT_API_URL and the sandbox's tokens come from the environment).
terraform {
  required_providers {
    livechat = {
      source = "livechat-tf/livechat"
    }
  }
}

provider "livechat" {}

# The seller's Billing ledger: collections less refunds and withdrawals.
data "livechat_ledger_balance" "this" {}

output "ledger_balance_cents" {
  description = "The Billing ledger balance in cents."
  value       = data.livechat_ledger_balance.this.balance
}

output "ledger_balance" {
  description = "The Billing ledger balance in dollars, for people."
  value       = format("$%.2f", data.livechat_ledger_balance.this.balance / 100)
}

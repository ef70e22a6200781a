terraform {
  required_providers {
    livechat = {
      source = "livechat-tf/livechat"
    }
  }
}

variable "livechat_account_id" {
  type = string
}

variable "livechat_pat" {
  type      = string
  sensitive = true
}

# Sent as HTTP Basic credentials: base64(account_id:token).
provider "livechat" {
  personal_access_token = var.livechat_pat
  account_id            = var.livechat_account_id
}

data "livechat_ledger_balance" "this" {}

output "ledger_balance_cents" {
  value = data.livechat_ledger_balance.this.balance
}

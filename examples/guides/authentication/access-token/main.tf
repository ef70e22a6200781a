terraform {
  required_providers {
    livechat = {
      source = "livechat-tf/livechat"
    }
  }
}

# An access token obtained before Terraform runs: it lives 8 hours.
variable "livechat_access_token" {
  type      = string
  sensitive = true
}

provider "livechat" {
  access_token = var.livechat_access_token
}

data "livechat_ledger_balance" "this" {}

output "ledger_balance_cents" {
  value = data.livechat_ledger_balance.this.balance
}

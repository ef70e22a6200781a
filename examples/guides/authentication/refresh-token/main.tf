terraform {
  required_providers {
    livechat = {
      source = "livechat-tf/livechat"
    }
  }
}

# Set in the pipeline as TF_VAR_livechat_client_id and so on, from its
# secret store. The provider exchanges the refresh token for an access
# token once per provider process.
variable "livechat_client_id" {
  type = string
}

variable "livechat_client_secret" {
  type      = string
  sensitive = true
}

variable "livechat_refresh_token" {
  type      = string
  sensitive = true
}

provider "livechat" {
  oauth {
    client_id     = var.livechat_client_id
    client_secret = var.livechat_client_secret
    refresh_token = var.livechat_refresh_token
  }
}

# Reading the ledger needs the ledger_read scope.
data "livechat_ledger_balance" "this" {}

output "ledger_balance_cents" {
  value = data.livechat_ledger_balance.this.balance
}

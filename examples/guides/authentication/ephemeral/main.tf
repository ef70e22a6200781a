terraform {
  required_version = ">= 1.10"
  required_providers {
    livechat = {
      source = "livechat-tf/livechat"
    }
  }
}

# The default provider authenticates with the oauth block, here from
# LIVECHAT_CLIENT_ID, LIVECHAT_CLIENT_SECRET and LIVECHAT_REFRESH_TOKEN.
provider "livechat" {}

# An access token that lives only during the run: it is never written to
# the plan or the state.
ephemeral "livechat_access_token" "run" {}

# A second provider configuration that uses it, e.g. for a module that
# takes an access token.
provider "livechat" {
  alias        = "short_lived"
  access_token = ephemeral.livechat_access_token.run.access_token
}

data "livechat_ledger_balance" "this" {
  provider = livechat.short_lived
}

output "ledger_balance_cents" {
  value = data.livechat_ledger_balance.this.balance
}

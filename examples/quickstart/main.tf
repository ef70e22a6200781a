terraform {
  required_providers {
    livechat = {
      source = "livechat-tf/livechat"
    }
  }
}

# The address and the credentials come from the LIVECHAT_* variables.
provider "livechat" {}

# A monthly subscription of your app: $19.00 after a 14-day trial.
resource "livechat_recurrent_charge" "pro" {
  name       = "Chat Transcripts Pro"
  price      = 1900 # cents
  trial_days = 14
  return_url = "https://example.com/billing/done"
}

output "charge_id" {
  value = livechat_recurrent_charge.pro.id
}

output "status" {
  value = livechat_recurrent_charge.pro.status
}

# A paid upgrade that customers can buy more of. webhook_secret is omitted, so
# the platform generates one; Terraform keeps it in state (sensitive) for your
# webhook endpoint to verify deliveries with.
resource "livechat_in_app_upgrade" "extra_accounts" {
  app_id       = "sandbox-app"
  name         = "Extra Accounts"
  description  = "Adds five more agent accounts to your license."
  webhook_url  = "https://hooks.example.com/livechat/upgrades"
  type         = "quantity"
  price        = 1500 # cents: $15.00, charged once per purchase
  payment_type = "organization"

  # To manage the secret yourself, set it from a sensitive variable:
  # webhook_secret = var.upgrade_webhook_secret
}

# A free upgrade that a customer enables once.
resource "livechat_in_app_upgrade" "beta_features" {
  app_id      = "sandbox-app"
  name        = "Beta Features"
  description = "Turns on the features we are still testing."
  webhook_url = "https://hooks.example.com/livechat/upgrades"
  type        = "once"
  price       = 0
}

output "extra_accounts_webhook_secret" {
  value     = livechat_in_app_upgrade.extra_accounts.webhook_secret
  sensitive = true
}

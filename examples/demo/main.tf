# The `make demo` configuration: a whole billing setup against a local
# livechat-sandbox (LIVECHAT_API_URL and the sandbox's tokens come from the
# environment that scripts/demo.sh sets up).
terraform {
  required_providers {
    livechat = {
      source = "livechat-tf/livechat"
    }
  }
}

provider "livechat" {}

variable "client_license_id" {
  description = "A solution partner's client license to subscribe (the demo creates one in the sandbox)."
  type        = string
  default     = null
}

variable "card_token" {
  description = "The card processor's one-time token: ephemeral, never stored."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = "sandbox-card-token"
}

# --- Partner Program: an affiliate campaign whose coupon is looked up by label.
data "livechat_coupon" "first_payment" {
  label = "30% off first payment"
}

resource "livechat_partner_campaign" "spring" {
  name           = "Spring demo campaign"
  trial_duration = 30
  coupon_id      = data.livechat_coupon.first_payment.id
}

# --- Billing: a subscription sold by our app, and a one-time setup fee.
resource "livechat_recurrent_charge" "pro" {
  name       = "Pro plan"
  price      = 1900 # cents: $19.00 a month
  months     = 1
  trial_days = 0
  return_url = "https://example.com/billing/thanks"
}

resource "livechat_direct_charge" "setup" {
  name       = "Onboarding session"
  price      = 4900
  quantity   = 1
  return_url = "https://example.com/billing/thanks"
}

# --- Developer Console: an in-app upgrade definition of the sandbox's app.
resource "livechat_in_app_upgrade" "extra_seats" {
  app_id       = "sandbox-app"
  name         = "Extra seats"
  description  = "Adds five more agent seats to your license."
  webhook_url  = "https://hooks.example.com/livechat/upgrades"
  type         = "quantity"
  price        = 1500
  payment_type = "organization"
}

# --- Partner Program: a client's subscription, when a license is given.
resource "livechat_partner_subscription" "client" {
  count         = var.client_license_id == null ? 0 : 1
  product       = "livechat"
  license_id    = var.client_license_id
  plan          = "team"
  billing_cycle = "annual"
  seats         = 3
  card_token_wo = var.card_token
}

# --- Money, read as data sources.
data "livechat_ledger_balance" "this" {}

data "livechat_ledger_entries" "collections" {
  type = "collection"
}

data "livechat_partner_balance" "this" {}

output "campaign_url" {
  value = livechat_partner_campaign.spring.short_url
}

output "recurrent_charge_id" {
  value = livechat_recurrent_charge.pro.id
}

output "direct_charge_id" {
  value = livechat_direct_charge.setup.id
}

output "charge_status" {
  value = {
    pro   = livechat_recurrent_charge.pro.status
    setup = livechat_direct_charge.setup.status
  }
}

output "checkout_url" {
  description = "Send the buyer here to accept the subscription."
  value       = livechat_recurrent_charge.pro.checkout_url
}

output "confirmation_url" {
  description = "The sandbox's buyer page for the subscription: open it to accept or decline."
  value       = livechat_recurrent_charge.pro.confirmation_url
}

output "setup_checkout_url" {
  value = provider::livechat::checkout_url(livechat_direct_charge.setup.id, "direct_charge", "", "One hour with our team")
}

output "upgrade_id" {
  value = livechat_in_app_upgrade.extra_seats.id
}

output "ledger_balance" {
  description = "The Billing ledger balance in dollars."
  value       = format("$%.2f", data.livechat_ledger_balance.this.balance / 100)
}

output "collected_cents" {
  value = data.livechat_ledger_entries.collections.totals["collection"]
}

output "partner_available" {
  value = format("$%s", data.livechat_partner_balance.this.available)
}

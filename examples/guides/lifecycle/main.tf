terraform {
  required_providers {
    livechat = {
      source = "livechat-tf/livechat"
    }
  }
}

provider "livechat" {}

# The prices are variables so that you can try a price change:
# terraform apply -var pro_price=2900
variable "pro_price" {
  type    = number
  default = 1900
}

variable "seat_price" {
  type    = number
  default = 1500
}

variable "webhook_url" {
  type    = string
  default = "https://hooks.example.com/livechat/upgrades"
}

# A subscription. Any change of its arguments replaces it; with
# create_before_destroy the new charge exists before the old one is
# cancelled, so a failed create leaves the old charge in place.
resource "livechat_recurrent_charge" "pro" {
  name       = "Chat Transcripts Pro"
  price      = var.pro_price
  return_url = "https://example.com/billing/done"

  lifecycle {
    create_before_destroy = true
  }
}

# An in-app upgrade. A new price is an in-place update: customers who
# enabled it before keep the price they accepted.
resource "livechat_in_app_upgrade" "extra_seats" {
  app_id      = "sandbox-app"
  name        = "Extra Seats"
  description = "Five more agent seats for your license."
  webhook_url = var.webhook_url
  type        = "quantity"
  price       = var.seat_price
}

# A one-time setup fee. Nothing undoes it: destroy only forgets it.
resource "livechat_direct_charge" "setup" {
  name       = "Onboarding session"
  price      = 9900
  quantity   = 1
  return_url = "https://example.com/billing/done"
}

output "pro_charge_id" {
  value = livechat_recurrent_charge.pro.id
}

output "setup_charge_id" {
  value = livechat_direct_charge.setup.id
}

output "extra_seats_id" {
  value = livechat_in_app_upgrade.extra_seats.id
}

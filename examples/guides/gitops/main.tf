terraform {
  required_providers {
    livechat = {
      source  = "livechat-tf/livechat"
      version = "~> 0.1"
    }
  }
}

# Credentials come from the runner's environment: LIVECHAT_CLIENT_ID,
# LIVECHAT_CLIENT_SECRET and LIVECHAT_REFRESH_TOKEN (or
# LIVECHAT_ACCESS_TOKEN), and LIVECHAT_PARTNER_TOKEN.
provider "livechat" {}

variable "app_id" {
  description = "The Developer Console app that sells the upgrades."
  type        = string
  default     = "acme-transcripts"
}

resource "livechat_recurrent_charge" "pro" {
  name       = "Chat Transcripts Pro"
  price      = 1900 # cents: $19.00 a month
  trial_days = 14
  return_url = "https://example.com/billing/done"

  # A merged pull request cannot end a paying subscription by accident.
  deletion_protection = true
}

resource "livechat_in_app_upgrade" "extra_seats" {
  app_id      = var.app_id
  name        = "Extra Seats"
  description = "Five more agent seats for your license."
  webhook_url = "https://hooks.example.com/livechat/upgrades"
  type        = "quantity"
  price       = 1500
}

resource "livechat_partner_campaign" "summer" {
  name           = "Summer sale 2026"
  trial_duration = 30
}

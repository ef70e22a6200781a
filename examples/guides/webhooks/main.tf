terraform {
  required_providers {
    livechat = {
      source = "livechat-tf/livechat"
    }
  }
}

provider "livechat" {}

# Where the sandbox delivers the webhooks: the receiver of this guide on
# your machine. On the platform this is your app's public https endpoint.
variable "webhook_url" {
  type    = string
  default = "http://127.0.0.1:8080/livechat/upgrades"
}

# The secret that signs every delivery, shared by the receiver: e.g.
# export WEBHOOK_SECRET=$(openssl rand -hex 16) TF_VAR_webhook_secret=$WEBHOOK_SECRET
variable "webhook_secret" {
  type      = string
  sensitive = true
}

# A customer can enable several quantities and disable each again.
resource "livechat_in_app_upgrade" "extra_seats" {
  app_id      = "sandbox-app"
  name        = "Extra Seats"
  description = "Five more agent seats for your license."
  type        = "quantity"
  price       = 1500

  webhook_url    = var.webhook_url
  webhook_secret = var.webhook_secret
}

# Enabled once, always with quantity 1.
resource "livechat_in_app_upgrade" "priority_support" {
  app_id      = "sandbox-app"
  name        = "Priority Support"
  description = "Answers from our team within one hour."
  type        = "once"
  price       = 4900

  webhook_url    = var.webhook_url
  webhook_secret = var.webhook_secret
}

output "extra_seats_id" {
  value = livechat_in_app_upgrade.extra_seats.id
}

output "priority_support_id" {
  value = livechat_in_app_upgrade.priority_support.id
}

variable "license_id" {
  description = "The client license to subscribe (see the Partner Program dashboard)."
  type        = string
}

# A one-time card token from Recurly. Ephemeral: it never reaches the plan
# or the state, and card_token_wo is write-only.
variable "card_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "livechat_partner_subscription" "acme" {
  product       = "livechat"
  license_id    = var.license_id
  plan          = "team"
  billing_cycle = "annual"
  seats         = 5
  card_token_wo = var.card_token

  # Destroying this resource ends the license at once instead of at the
  # end of the paid cycle.
  expire_on_destroy = false
}

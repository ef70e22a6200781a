terraform {
  required_providers {
    livechat = {
      source = "livechat-tf/livechat"
    }
  }
}

# Secrets come from variables (or TF_VAR_* in a pipeline) and are never
# written into the configuration.
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

# Billing and the Developer Console: the refresh token is exchanged for an
# access token once per run. The Partner Program credentials are left out of
# the configuration and read from LIVECHAT_PARTNER_TOKEN and
# LIVECHAT_PARTNER_PASSWORD.
provider "livechat" {
  oauth {
    client_id     = var.livechat_client_id
    client_secret = var.livechat_client_secret
    refresh_token = var.livechat_refresh_token
  }
}

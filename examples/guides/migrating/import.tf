terraform {
  required_version = ">= 1.11"
  required_providers {
    livechat = {
      source = "livechat-tf/livechat"
    }
  }
}

provider "livechat" {}

# The IDs of what already exists on the platform, from the Developer
# Console, the Partner Program dashboard or your own records; pass them
# with -var or a .tfvars file.
variable "pro_charge_id" {
  description = "The recurrent charge's UUID."
  type        = string
}

variable "setup_charge_id" {
  description = "The direct charge's UUID."
  type        = string
}

variable "extra_seats_upgrade_id" {
  description = "The in-app upgrade's ID, eight letters such as stsmuqjb."
  type        = string
}

variable "client_license_id" {
  description = "The client license whose subscription you manage."
  type        = string
}

import {
  to = livechat_recurrent_charge.pro
  id = "livechat/${var.pro_charge_id}"
}

import {
  to = livechat_direct_charge.setup
  id = "livechat/${var.setup_charge_id}"
}

import {
  to = livechat_in_app_upgrade.extra_seats
  id = "sandbox-app/${var.extra_seats_upgrade_id}"
}

import {
  to = livechat_partner_campaign.summer
  id = "pp_summer-sale-2026"
}

import {
  to = livechat_partner_subscription.acme
  id = "livechat/${var.client_license_id}"
}

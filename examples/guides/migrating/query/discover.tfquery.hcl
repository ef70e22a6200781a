# What to find on the platform. include_resource asks for each object's
# whole state, from which -generate-config-out writes its resource block.

# Recurrent charges cannot be listed: these are the ones the platform has
# billed, found through their payments. Import the others by ID.
list "livechat_recurrent_charge" "billed" {
  provider         = livechat
  include_resource = true
}

# One-time charges; the payments of recurrent charges are left out.
list "livechat_direct_charge" "all" {
  provider         = livechat
  include_resource = true
}

# The upgrades of your Developer Console app (its client ID).
list "livechat_in_app_upgrade" "app" {
  provider         = livechat
  include_resource = true
  config {
    app_id = "sandbox-app"
  }
}

# Active campaigns only: disabled ones cannot be imported.
list "livechat_partner_campaign" "active" {
  provider         = livechat
  include_resource = true
}

# Your clients' open subscriptions.
list "livechat_partner_subscription" "open" {
  provider         = livechat
  include_resource = true
}

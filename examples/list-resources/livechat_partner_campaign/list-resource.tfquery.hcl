# Every active campaign, with its whole state, for
# `terraform query -generate-config-out=campaigns.tf`.
list "livechat_partner_campaign" "active" {
  provider         = livechat
  include_resource = true
}

# The chatbot campaigns whose name mentions "summer", in any case.
list "livechat_partner_campaign" "summer_bots" {
  provider = livechat
  config {
    product       = "chatbot"
    name_contains = "summer"
  }
}

# Disabled campaigns, to review: they cannot be imported.
list "livechat_partner_campaign" "disabled" {
  provider = livechat
  config {
    state = "disabled"
  }
}

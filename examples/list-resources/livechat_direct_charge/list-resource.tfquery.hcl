# The one-time charges your buyers accepted and that wait for activation.
list "livechat_direct_charge" "accepted" {
  provider         = livechat
  include_resource = true
  config {
    status = "accepted"
  }
}

# The newest 20 charges of HelpDesk.
list "livechat_direct_charge" "helpdesk" {
  provider = livechat
  limit    = 20
  config {
    product = "helpdesk"
  }
}

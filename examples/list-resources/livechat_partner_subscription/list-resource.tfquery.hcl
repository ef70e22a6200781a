# Your clients' open subscriptions, as a solution partner.
list "livechat_partner_subscription" "open" {
  provider         = livechat
  include_resource = true
}

# Those of ChatBot licenses that are paid.
list "livechat_partner_subscription" "paid_chatbot" {
  provider = livechat
  config {
    product = "chatbot"
    status  = "paid"
  }
}

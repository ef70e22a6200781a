# The subscriptions the platform has billed, found through their payments;
# a charge never billed yet is not among them.
list "livechat_recurrent_charge" "billed" {
  provider         = livechat
  include_resource = true
}

# The payments of one subscription are direct charges that name it.
list "livechat_direct_charge" "payments" {
  provider = livechat
  config {
    recurrent_charge_id = "1c286f7a-aab8-4384-8e09-dc6749c550cd"
  }
}

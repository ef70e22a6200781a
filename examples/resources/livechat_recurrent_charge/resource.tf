# A monthly subscription with a 14-day free trial. Send the buyer to
# checkout_url (or confirmation_url); once they accept, the next
# `terraform apply` activates the charge. Once it is active (the buyer
# pays), deletion protection makes any plan that would cancel or replace
# it fail: set it to false and apply first.
resource "livechat_recurrent_charge" "pro" {
  name                = "Chat Transcripts Pro"
  price               = 1900 # cents: $19.00 a month
  trial_days          = 14
  return_url          = "https://example.com/billing/done"
  external_id         = "pro-monthly"
  deletion_protection = true
}

# A yearly HelpDesk subscription that you activate yourself
# (set auto_activate = true when you are ready).
resource "livechat_recurrent_charge" "reports_yearly" {
  product       = "helpdesk"
  name          = "HelpDesk Reports (yearly)"
  price         = 19000 # cents: $190.00 a year
  months        = 12
  per_account   = true
  return_url    = "https://example.com/billing/done"
  auto_activate = false
}

output "pro_checkout_url" {
  value = livechat_recurrent_charge.pro.checkout_url
}

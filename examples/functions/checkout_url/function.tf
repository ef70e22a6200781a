resource "livechat_direct_charge" "setup_fee" {
  name       = "Onboarding session"
  price      = 4900
  quantity   = 1
  return_url = "https://example.com/thanks"
}

# A checkout link with an icon and a description, to send to the buyer.
output "setup_fee_checkout" {
  value = provider::livechat::checkout_url(
    livechat_direct_charge.setup_fee.id,
    "direct_charge",
    "https://example.com/icon.png",
    "One hour with our onboarding team",
  )
}

# A one-time charge of $19.00 × 10 seats. Send the buyer to checkout_url;
# once they accept, the next `terraform apply` activates the charge.
# Destroying it only removes it from the state: the platform cannot undo it.
resource "livechat_direct_charge" "seats" {
  name       = "10 extra seats"
  price      = 1900 # cents per seat
  quantity   = 10
  return_url = "https://example.com/billing/done"
}

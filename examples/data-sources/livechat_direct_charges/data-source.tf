# Every one-time charge that has been paid.
data "livechat_direct_charges" "paid" {
  status = "success"
}

# The payments of one subscription.
variable "subscription_id" {
  type = string
}

data "livechat_direct_charges" "subscription_payments" {
  recurrent_charge_id = var.subscription_id
}

output "paid_total_cents" {
  value = sum(concat([0], [for c in data.livechat_direct_charges.paid.charges : c.price * c.quantity]))
}

output "subscription_payment_count" {
  value = length(data.livechat_direct_charges.subscription_payments.charges)
}

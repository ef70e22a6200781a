# A subscription your app created outside Terraform.
variable "subscription_id" {
  type = string
}

data "livechat_recurrent_charge" "this" {
  id = var.subscription_id
}

output "subscription_status" {
  value = data.livechat_recurrent_charge.this.status
}

output "next_payment_at" {
  value = data.livechat_recurrent_charge.this.next_charge_at
}

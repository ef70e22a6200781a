# A one-time charge your app created outside Terraform.
variable "charge_id" {
  type = string
}

data "livechat_direct_charge" "this" {
  id = var.charge_id
}

output "charge_total_cents" {
  value = data.livechat_direct_charge.this.price * data.livechat_direct_charge.this.quantity
}

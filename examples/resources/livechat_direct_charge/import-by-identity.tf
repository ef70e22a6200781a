# Without product, the provider's product.
import {
  to = livechat_direct_charge.seats
  identity = {
    product = "helpdesk"
    id      = "5d3c0a8e-7f1b-4e2a-9c6d-1b2a3c4d5e6f"
  }
}

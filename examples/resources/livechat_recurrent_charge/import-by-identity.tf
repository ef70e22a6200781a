# Without product, the provider's product.
import {
  to = livechat_recurrent_charge.pro
  identity = {
    product = "livechat"
    id      = "1c286f7a-aab8-4384-8e09-dc6749c550cd"
  }
}

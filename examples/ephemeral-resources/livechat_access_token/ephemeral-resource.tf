# Exchange the provider's oauth refresh token for an access token that never
# enters the plan or state, and hand it to another provider configuration.
ephemeral "livechat_access_token" "this" {}

provider "livechat" {
  alias        = "short_lived"
  access_token = ephemeral.livechat_access_token.this.access_token
}

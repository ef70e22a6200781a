import {
  to = livechat_in_app_upgrade.extra_accounts
  identity = {
    app_id = "sandbox-app"
    id     = "stsmuqjb"
  }
}

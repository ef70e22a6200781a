# The in-app upgrades of one Developer Console app.
list "livechat_in_app_upgrade" "app" {
  provider         = livechat
  include_resource = true
  config {
    app_id = "sandbox-app"
  }
}

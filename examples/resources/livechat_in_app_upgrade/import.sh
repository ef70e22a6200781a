# An in-app upgrade is imported by <app_id>/<id>. The platform never returns
# the webhook secret, so it is null in state after the import until you set
# webhook_secret in the configuration (an in-place update, not a replacement).
terraform import livechat_in_app_upgrade.extra_accounts sandbox-app/stsmuqjb

# A subscription is imported as <product>/<license_id>.
terraform import livechat_partner_subscription.acme livechat/104130623

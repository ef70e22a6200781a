# A charge of the provider's default product, by its id:
terraform import livechat_recurrent_charge.pro 1c286f7a-aab8-4384-8e09-dc6749c550cd

# A charge of a given product, as <product>/<id>:
terraform import livechat_recurrent_charge.reports_yearly helpdesk/1c286f7a-aab8-4384-8e09-dc6749c550cd

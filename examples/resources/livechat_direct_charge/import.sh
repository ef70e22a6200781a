# A charge of the provider's default product, by its id:
terraform import livechat_direct_charge.seats 5d3c0a8e-7f1b-4e2a-9c6d-1b2a3c4d5e6f

# A charge of a given product, as <product>/<id>:
terraform import livechat_direct_charge.seats helpdesk/5d3c0a8e-7f1b-4e2a-9c6d-1b2a3c4d5e6f

# Instead of backend.tf when HCP Terraform (or Terraform Enterprise) keeps
# the state and runs plan and apply. The workspace holds the LIVECHAT_*
# credentials as sensitive environment variables.
terraform {
  cloud {
    organization = "acme"

    workspaces {
      name = "livechat-billing"
    }
  }
}

terraform {
  # terraform query and list blocks need Terraform 1.14 or later.
  required_version = ">= 1.14"
  required_providers {
    livechat = {
      source = "livechat-tf/livechat"
    }
  }
}

# The address and the credentials come from the LIVECHAT_* variables.
provider "livechat" {}

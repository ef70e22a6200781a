# The state every pipeline run and every person shares. Any backend works;
# this one keeps it in S3 with S3's own locking (Terraform 1.10 or later).
terraform {
  backend "s3" {
    bucket       = "acme-terraform-state"
    key          = "livechat-billing/terraform.tfstate"
    region       = "eu-central-1"
    use_lockfile = true
  }
}

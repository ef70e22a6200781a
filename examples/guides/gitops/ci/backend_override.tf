# Copied next to backend.tf by ci/sandbox-check.sh only: the rehearsal
# against livechat-sandbox keeps a local state that is thrown away, and never
# reads or locks the real one.
terraform {
  backend "local" {}
}

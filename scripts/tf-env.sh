#!/usr/bin/env bash
# Runs a command with the Terraform CLI environment every target of this
# repository uses (tests, docs, the demo):
#
#   TF / TF_ACC_TERRAFORM_PATH  the CLI chosen by `scripts/tools.sh tf`
#   TF_ACC_PROVIDER_HOST        registry.opentofu.org when that CLI is OpenTofu
#                               (terraform-plugin-testing needs it; kept if already set)
#   CHECKPOINT_DISABLE=1        no version check calls home
#   TF_CLI_CONFIG_FILE          an empty CLI config of our own, so that no user
#                               config (or a variable pointing at a missing file,
#                               which makes OpenTofu print a warning on stdout and
#                               breaks the test harness) changes the result
#
# Usage: scripts/tf-env.sh COMMAND [ARGS...]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

[[ $# -gt 0 ]] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

tf=$("$root/scripts/tools.sh" tf)
export TF=$tf TF_ACC_TERRAFORM_PATH=$tf
export CHECKPOINT_DISABLE=1

build=${LIVECHAT_TF_BUILD_DIR:-$root/build}
mkdir -p "$build"
: >"$build/empty.tfrc"
export TF_CLI_CONFIG_FILE=$build/empty.tfrc

# `version` talks to nothing (CHECKPOINT_DISABLE) and prints a few lines; read
# it whole rather than through `head`, which could cut the CLI short.
version_out=$("$tf" version 2>&1) || { echo "tf-env.sh: '$tf version' failed: $version_out" >&2; exit 1; }
if [[ $version_out == OpenTofu* ]]; then
	export TF_ACC_PROVIDER_HOST=${TF_ACC_PROVIDER_HOST:-registry.opentofu.org}
	export TF_IS_OPENTOFU=1
else
	export TF_IS_OPENTOFU=
fi
echo "tf-env.sh: using ${version_out%%$'\n'*} ($tf)" >&2

exec "$@"

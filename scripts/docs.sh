#!/usr/bin/env bash
# Generates and checks the registry documentation in docs/ without any network:
# tfplugindocs would otherwise download Terraform and `terraform init` against
# the registry, so the schema is exported here through dev_overrides, completed
# with the list resource and resource identity schemas (tools/ownschemas) and
# handed to tfplugindocs with --providers-schema.
#
# Usage (run through scripts/tf-env.sh, after `make build`):
#   scripts/docs.sh schema     export the schema to build/docs/providers-schema.json
#   scripts/docs.sh generate   schema + `tfplugindocs generate` into docs/
#   scripts/docs.sh check      generate, then fail if docs/ differs from git, if
#                              `tfplugindocs validate` objects, or if any schema
#                              element lacks a description (tools/schemacheck)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

: "${TF:?run through scripts/tf-env.sh (TF unset)}"
build=${LIVECHAT_TF_BUILD_DIR:-$root/build}
work=$build/docs
schema=$work/providers-schema.json
bin_dir=$root/bin

export_schema() {
	[[ -x $bin_dir/terraform-provider-livechat ]] || { echo "docs.sh: $bin_dir/terraform-provider-livechat missing: run 'make build'" >&2; exit 1; }
	rm -rf "$work"
	mkdir -p "$work/config"

	# tfplugindocs looks the schema up as registry.terraform.io/hashicorp/<name>,
	# so the dump uses that address; the real one is mapped too for hand use.
	cat >"$work/dev.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "livechat-tf/livechat" = "$bin_dir"
    "hashicorp/livechat"   = "$bin_dir"
  }
  direct {}
}
EOF
	cat >"$work/config/main.tf" <<'EOF'
terraform {
  required_providers {
    livechat = {
      source = "hashicorp/livechat"
    }
  }
}
EOF
	# No `init`: with dev_overrides the CLI loads the provider straight from
	# bin/, while init would still ask the registry.
	TF_CLI_CONFIG_FILE=$work/dev.tfrc "$TF" -chdir="$work/config" providers schema -json >"$schema.raw" 2>"$work/schema.stderr" || {
		echo "docs.sh: '$TF providers schema -json' failed:" >&2
		cat "$work/schema.stderr" >&2
		exit 1
	}
	# OpenTofu names the provider registry.opentofu.org/hashicorp/livechat;
	# rename it so that both CLIs give tfplugindocs the same file.
	sed 's#"registry\.opentofu\.org/hashicorp/livechat"#"registry.terraform.io/hashicorp/livechat"#' "$schema.raw" >"$schema"
	rm -f "$schema.raw"
	grep -q '"registry.terraform.io/hashicorp/livechat"' "$schema" || {
		echo "docs.sh: the exported schema holds no registry.terraform.io/hashicorp/livechat provider:" >&2
		head -c 500 "$schema" >&2
		exit 1
	}
	# Terraform dumps list resource schemas only from 1.14 on and identity
	# schemas from 1.12 on; the provider's own GetProviderSchema and
	# GetResourceIdentitySchemas supply them, for every CLI alike.
	go run ./tools/ownschemas -provider registry.terraform.io/hashicorp/livechat "$schema" || {
		echo "docs.sh: adding the list resource and identity schemas failed" >&2
		exit 1
	}
	echo "docs.sh: schema exported to ${schema#"$root"/}" >&2
}

# run_quiet LOG CMD...: run CMD with its (chatty) output in LOG, shown only on failure.
run_quiet() {
	local log=$1
	shift
	if ! "$@" >"$log" 2>&1; then
		grep -v '\[DEBUG\]' "$log" >&2 || true
		echo "docs.sh: '$(basename "$1") $2' failed (full log: ${log#"$root"/})" >&2
		return 1
	fi
}

generate() {
	export_schema
	local tfplugindocs
	tfplugindocs=$("$root/scripts/tools.sh" path tfplugindocs)
	run_quiet "$work/generate.log" "$tfplugindocs" generate \
		--provider-name livechat \
		--rendered-provider-name LiveChat \
		--providers-schema "$schema"
	echo "docs.sh: docs/ generated (log: ${work#"$root"/}/generate.log)" >&2
}

check() {
	git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
		{ echo "docs-check: needs a git checkout to compare docs/ with" >&2; exit 1; }
	generate

	local failed='' untracked
	# Compared with the index rather than HEAD, so that regenerated pages that
	# are staged pass locally; in a fresh clone (CI) the index is HEAD. Untracked
	# pages (a new resource) fail as much as edited or deleted ones.
	untracked=$(git ls-files --others --exclude-standard -- docs/)
	if [[ -n $untracked ]] || ! git diff --quiet -- docs/; then
		echo >&2
		echo "docs-check: FAILED: docs/ is out of date with the provider schema, templates/ or examples/." >&2
		echo "Run 'make docs' and commit the result. Differences:" >&2
		git status --porcelain -- docs/ >&2
		git --no-pager diff --stat -- docs/ >&2
		failed=1
	fi

	run_quiet "$work/validate.log" "$("$root/scripts/tools.sh" path tfplugindocs)" validate \
		--provider-name livechat \
		--providers-schema "$schema" || failed=1

	go run ./tools/schemacheck -provider /livechat "$schema" || failed=1

	[[ -z $failed ]] || exit 1
	echo "docs-check: docs/ is up to date and every schema element is described" >&2
}

case ${1:-} in
schema) export_schema ;;
generate) generate ;;
check) check ;;
*)
	echo "usage: $0 schema|generate|check" >&2
	exit 2
	;;
esac

#!/usr/bin/env bash
# Resolves the pinned developer tools of this repository, installing each one
# on first use into a cache shared by all checkouts:
#
#   ${LIVECHAT_TF_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/livechat-tf-tools}/<name>-<version>/<binary>
#
# Only the Go toolchain is needed: tools are built with `go install pkg@version`
# (OpenTofu from the nested module tools/tofu, whose go.mod carries the replace
# directive that `go install` refuses; changie from tools/changie, since the
# proxy refuses the version list that `go install` reads for it). Versions are pinned here and nowhere
# else; bumping one is a one-line change that lands in a new cache directory.
#
# Usage:
#   scripts/tools.sh path NAME    print the absolute path of tool NAME, installing it if needed
#                                 (NAME: tfplugindocs, golangci-lint, goreleaser, changie, tofu)
#   scripts/tools.sh tf [-n]      print the Terraform CLI to use (see resolve_tf below);
#                                 with -n, never build OpenTofu: exit 1 when none is at hand
#   scripts/tools.sh install      install every pinned tool (e.g. to warm a CI cache)
#   scripts/tools.sh install-for-test   install the tools `make test` needs besides the CLI
#   scripts/tools.sh versions     print the pins
#
# Progress and timings go to stderr, so `$(scripts/tools.sh path x)` captures only the path.
set -euo pipefail

TFPLUGINDOCS_VERSION=v0.25.0
GOLANGCI_LINT_VERSION=v2.15.0
# v2.17+ needs a module host the Go proxy refuses; v2.18 needs Go 1.27.
GORELEASER_VERSION=v2.16.0

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${LIVECHAT_TF_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/livechat-tf-tools}

log() { printf 'tools.sh: %s\n' "$*" >&2; }

# The OpenTofu version is whatever tools/tofu/go.mod requires, so that the
# cache directory changes whenever that file is bumped.
# The changie version is whatever tools/changie/go.mod requires (v1.26.0's
# module zip is refused by the proxy; v1.25.0 is the newest that builds).
changie_version() {
	local v
	v=$(awk '$1 == "github.com/miniscruff/changie" { print $2; exit }' "$root/tools/changie/go.mod")
	[[ -n $v ]] || { log "cannot find github.com/miniscruff/changie in tools/changie/go.mod"; exit 1; }
	printf '%s\n' "$v"
}

tofu_version() {
	local v
	v=$(awk '$1 == "github.com/opentofu/opentofu" { print $2; exit }' "$root/tools/tofu/go.mod")
	[[ -n $v ]] || { log "cannot find github.com/opentofu/opentofu in tools/tofu/go.mod"; exit 1; }
	printf '%s\n' "$v"
}

# install_into DIR BINARY CMD...: run CMD with $out set to a scratch directory
# and move the result into DIR only once it is complete, so an interrupted or
# concurrent install never leaves a half-written binary behind.
install_into() {
	local dir=$1 bin=$2
	shift 2
	if [[ -x $dir/$bin ]]; then
		return 0
	fi
	mkdir -p "$(dirname "$dir")"
	# One install per tool at a time: a second caller (e.g. make while .ci/run
	# installs tools in the background) waits and then finds the binary.
	local lock_fd=
	if command -v flock >/dev/null; then
		exec {lock_fd}>"$dir.lock"
		if ! flock -n "$lock_fd"; then
			log "waiting for another install of $(basename "$dir") to finish"
			flock "$lock_fd"
		fi
		if [[ -x $dir/$bin ]]; then
			exec {lock_fd}>&-
			return 0
		fi
	fi
	local out
	out=$(mktemp -d "$dir.tmp.XXXXXX")
	chmod 755 "$out"
	# shellcheck disable=SC2064 # expand $out now: it is local to this function
	trap "rm -rf '$out'" EXIT
	local start=$SECONDS
	log "installing $(basename "$dir") into $dir (first use only)"
	out=$out "$@" >&2
	[[ -x $out/$bin ]] || { log "install of $bin produced no binary"; exit 1; }
	if [[ -e $dir ]]; then
		# Another process (without flock, e.g. on macOS) finished first; keep its copy.
		[[ -x $dir/$bin ]] || { log "$dir exists but holds no $bin: remove it and retry"; exit 1; }
	else
		mv "$out" "$dir"
	fi
	trap - EXIT
	rm -rf "$out"
	[[ -z $lock_fd ]] || exec {lock_fd}>&-
	log "installed $(basename "$dir") in $((SECONDS - start))s"
}

go_install() { # PKG@VERSION; $out set by install_into
	# Outside any module, so the root go.mod (and GOFLAGS=-mod=…) cannot interfere.
	(cd "$out" && GOBIN=$out GOFLAGS='' go install "$1")
}

build_tofu() { # $out set by install_into
	(cd "$root/tools/tofu" && GOFLAGS=-mod=readonly go build -trimpath \
		-ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
		-o "$out/tofu" github.com/opentofu/opentofu/cmd/tofu)
}

build_changie() { # $out set by install_into
	local v
	v=$(changie_version)
	(cd "$root/tools/changie" && GOFLAGS=-mod=readonly go build -trimpath \
		-ldflags "-s -w -X main.version=${v#v}" -o "$out/changie" github.com/miniscruff/changie)
}

tool_path() {
	local name=$1 dir
	case $name in
	tfplugindocs)
		dir=$cache/tfplugindocs-$TFPLUGINDOCS_VERSION
		install_into "$dir" tfplugindocs go_install "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@$TFPLUGINDOCS_VERSION"
		;;
	golangci-lint)
		dir=$cache/golangci-lint-$GOLANGCI_LINT_VERSION
		install_into "$dir" golangci-lint go_install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$GOLANGCI_LINT_VERSION"
		;;
	goreleaser)
		dir=$cache/goreleaser-$GORELEASER_VERSION
		install_into "$dir" goreleaser go_install "github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION"
		;;
	changie)
		dir=$cache/changie-$(changie_version)
		install_into "$dir" changie build_changie
		;;
	tofu)
		dir=$cache/tofu-$(tofu_version)
		install_into "$dir" tofu build_tofu
		;;
	*)
		log "unknown tool '$name' (known: tfplugindocs golangci-lint goreleaser changie tofu)"
		exit 2
		;;
	esac
	printf '%s/%s\n' "$dir" "$name"
}

# resolve_tf: the CLI that tests, docs and the demo run.
#   1. $TF_ACC_TERRAFORM_PATH, when set (terraform-plugin-testing reads the same variable);
#   2. `terraform` on PATH;
#   3. OpenTofu built from tools/tofu (a few minutes, once per cache; -n: only if already built).
# Whether the result is OpenTofu is decided by scripts/tf-env.sh from `version`.
resolve_tf() {
	local no_build=${1:-}
	if [[ -n ${TF_ACC_TERRAFORM_PATH:-} ]]; then
		[[ -x $TF_ACC_TERRAFORM_PATH ]] || { log "TF_ACC_TERRAFORM_PATH=$TF_ACC_TERRAFORM_PATH is not an executable file"; exit 1; }
		printf '%s\n' "$TF_ACC_TERRAFORM_PATH"
		return
	fi
	local tf
	if tf=$(command -v terraform); then
		printf '%s\n' "$tf"
		return
	fi
	if [[ ! -x $cache/tofu-$(tofu_version)/tofu ]]; then
		if [[ $no_build == -n ]]; then
			exit 1
		fi
		log "no terraform on PATH and TF_ACC_TERRAFORM_PATH unset: building OpenTofu from tools/tofu"
	fi
	tool_path tofu
}

case ${1:-} in
path)
	[[ $# -eq 2 ]] || { log "usage: $0 path NAME"; exit 2; }
	tool_path "$2"
	;;
tf)
	resolve_tf "${2:-}"
	;;
install)
	for t in tfplugindocs golangci-lint goreleaser changie tofu; do
		tool_path "$t" >/dev/null
	done
	;;
install-for-test)
	# What `make test` needs besides the CLI, in the order it needs them.
	for t in tfplugindocs golangci-lint goreleaser changie; do
		tool_path "$t" >/dev/null
	done
	;;
versions)
	printf '%s %s\n' tfplugindocs "$TFPLUGINDOCS_VERSION" golangci-lint "$GOLANGCI_LINT_VERSION" \
		goreleaser "$GORELEASER_VERSION" changie "$(changie_version)" tofu "$(tofu_version)"
	;;
*)
	sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac

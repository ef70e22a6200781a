#!/usr/bin/env bash
# Rehearses the configuration next to ci/ against livechat-sandbox: apply,
# a second plan that must be empty, destroy. It works in a copy of the
# configuration whose backend is overridden by ci/backend_override.tf, so it
# never touches the real state, and it needs no LiveChat credentials. It
# installs the providers .terraform.lock.hcl records, when there is one, and
# after `init` no HTTP request of a provider can reach an address other than
# loopback.
#
# Needs livechat-sandbox and terraform on PATH; TERRAFORM names another CLI
# (e.g. TERRAFORM=tofu). Values the sandbox needs come from ci/sandbox.tfvars.
set -euo pipefail

config=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tf=${TERRAFORM:-terraform}
work=$(mktemp -d)
sandbox_pid=
cleanup() {
	if [[ -n $sandbox_pid ]]; then
		kill "$sandbox_pid" 2>/dev/null || true
		wait "$sandbox_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

cp "$config"/*.tf "$config/ci/backend_override.tf" "$work/"
# The providers the plan and the apply use, checked against the hashes the
# lock file records; without it, `init` takes any version that matches.
init_flags=()
if [[ -f $config/.terraform.lock.hcl ]]; then
	cp "$config/.terraform.lock.hcl" "$work/"
	init_flags=(-lockfile=readonly)
fi

# A free port; the first line on stdout says which. The file exists before
# the sandbox starts, so that the first read cannot miss it.
: >"$work/sandbox.out"
livechat-sandbox -listen 127.0.0.1:0 >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
line=
for _ in $(seq 100); do
	IFS= read -r line <"$work/sandbox.out" && break
	kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.err" >&2; exit 1; }
	sleep 0.1
done
[[ $line == "livechat-sandbox listening on http://127.0.0.1:"* ]] || { echo "sandbox-check.sh: livechat-sandbox did not start" >&2; exit 1; }

# The sandbox's credentials, and none of the real ones.
unset LIVECHAT_CLIENT_ID LIVECHAT_CLIENT_SECRET LIVECHAT_REFRESH_TOKEN LIVECHAT_PAT LIVECHAT_ACCOUNT_ID
export LIVECHAT_API_URL=${line#livechat-sandbox listening on }
export LIVECHAT_ACCESS_TOKEN=sandbox-access-token
export LIVECHAT_PARTNER_TOKEN=sandbox-partner-token
export LIVECHAT_PARTNER_PASSWORD=sandbox-partner-password

vars=()
[[ -f $config/ci/sandbox.tfvars ]] && vars=(-var-file="$config/ci/sandbox.tfvars")

cd "$work"
"$tf" init -input=false -no-color ${init_flags[@]+"${init_flags[@]}"}

# From here on every request to an address other than loopback goes to a
# proxy on a closed loopback port, and fails: a provider block that names
# other endpoints, or credentials in TF_VAR_* variables, cannot make the
# rehearsal reach the platform. Requests to loopback, the sandbox's, go
# direct.
unset http_proxy https_proxy no_proxy NO_PROXY
export HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9
"$tf" apply -auto-approve -input=false -no-color ${vars[@]+"${vars[@]}"}
status=0
"$tf" plan -detailed-exitcode -input=false -no-color ${vars[@]+"${vars[@]}"} || status=$?
if [[ $status -ne 0 ]]; then
	echo "sandbox-check.sh: the plan after apply is not empty (exit $status): the configuration does not converge" >&2
	exit 1
fi
"$tf" destroy -auto-approve -input=false -no-color ${vars[@]+"${vars[@]}"}
echo "sandbox-check.sh: apply, an empty second plan and destroy succeeded against livechat-sandbox"

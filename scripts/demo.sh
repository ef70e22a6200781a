#!/usr/bin/env bash
# The end-to-end demo: the real CLI drives the provider built in bin/ against a
# livechat-sandbox started here, with no network and no `terraform init`.
#
#   1. start bin/livechat-sandbox on a free loopback port and read its address
#   2. point the provider at it (LIVECHAT_API_URL + the sandbox's default secrets)
#   3. apply examples/demo, show its outputs, run the between-apply steps, destroy
#   4. stop the sandbox, whatever happened
#
# Usage (run through scripts/tf-env.sh after `make build`, i.e. `make demo`):
#   scripts/demo.sh
# DEMO_DIR overrides the configuration directory (default examples/demo).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

: "${TF:?run through scripts/tf-env.sh (TF unset)}"
build=${LIVECHAT_TF_BUILD_DIR:-$root/build}
work=$build/demo
demo_dir=${DEMO_DIR:-examples/demo}
bin_dir=$root/bin

step() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'demo.sh: %s\n' "$*" >&2; exit 1; }

for b in terraform-provider-livechat livechat-sandbox; do
	[[ -x $bin_dir/$b ]] || die "$bin_dir/$b missing: run 'make build'"
done
[[ -d $demo_dir ]] || die "$demo_dir does not exist"

mkdir -p "$work"
rm -f "$work/sandbox.out" "$work/sandbox.err"

# --- 1. the sandbox -----------------------------------------------------------
step "starting livechat-sandbox"
sandbox_pid=
stop_sandbox() {
	local status=$?
	if [[ -n $sandbox_pid ]] && kill -0 "$sandbox_pid" 2>/dev/null; then
		kill -TERM "$sandbox_pid" 2>/dev/null || true
		wait "$sandbox_pid" 2>/dev/null || true
	fi
	if [[ $status -ne 0 && -s $work/sandbox.err ]]; then
		echo "--- sandbox stderr (last lines) ---" >&2
		tail -n 20 "$work/sandbox.err" >&2
	fi
	exit "$status"
}
trap stop_sandbox EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$bin_dir/livechat-sandbox" -listen 127.0.0.1:0 >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!

# The first stdout line is the contract: "livechat-sandbox listening on http://HOST:PORT".
line=
for _ in $(seq 1 100); do
	# read succeeds only once the whole line, newline included, is there.
	if IFS= read -r line <"$work/sandbox.out"; then
		break
	fi
	kill -0 "$sandbox_pid" 2>/dev/null || die "livechat-sandbox exited at start: $(cat "$work/sandbox.err")"
	sleep 0.1
done
[[ $line =~ ^livechat-sandbox\ listening\ on\ (http://[^[:space:]]+)$ ]] ||
	die "unexpected first line from livechat-sandbox: '${line}' (want 'livechat-sandbox listening on http://HOST:PORT')"
sandbox_url=${BASH_REMATCH[1]}
echo "sandbox at $sandbox_url (pid $sandbox_pid)" >&2

# sandbox_api METHOD PATH [JSON]: call the sandbox control API (platform-api.md §5.4) and
# print the response body; fails on a non-2xx status. Uses curl when present,
# else bash's /dev/tcp, so that the demo needs nothing beyond Go and bash.
sandbox_api() {
	local method=$1 path=$2 body=${3:-} auth=${SANDBOX_AUTH:-}
	if command -v curl >/dev/null; then
		curl -fsS -X "$method" -H 'Content-Type: application/json' ${auth:+-H "Authorization: $auth"} \
			${body:+--data "$body"} "$sandbox_url$path"
		return
	fi
	local hostport=${sandbox_url#http://} response status
	exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}"
	printf '%s %s HTTP/1.0\r\nHost: %s\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
		"$method" "$path" "$hostport" "${auth:+Authorization: $auth$'\r\n'}" "${#body}" "$body" >&3
	response=$(cat <&3)
	exec 3<&-
	status=${response#* }
	status=${status%% *}
	printf '%s\n' "${response#*$'\r\n\r\n'}"
	[[ $status == 2* ]] || { echo "demo.sh: $method $path -> HTTP $status" >&2; return 1; }
}

sandbox_api GET /_sandbox/health >/dev/null || die "sandbox health check failed"

# --- 2. the provider's environment ---------------------------------------------
export LIVECHAT_API_URL=$sandbox_url
export LIVECHAT_ACCESS_TOKEN=sandbox-access-token
export LIVECHAT_PARTNER_TOKEN=sandbox-partner-token
export LIVECHAT_PARTNER_PASSWORD=sandbox-partner-password

cat >"$work/dev.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "livechat-tf/livechat" = "$bin_dir"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE=$work/dev.tfrc

# Every run starts from a fresh sandbox (in memory), so state left in the demo
# directory by an earlier run refers to objects that no longer exist.
rm -f "$demo_dir/terraform.tfstate" "$demo_dir/terraform.tfstate.backup"

# No `init`: with dev_overrides the provider comes from bin/ and init would
# still ask the registry. Output is never cut short (no `| head`), which could
# orphan the provider process.
# Colours only on a terminal: CI logs stay readable.
color_flag=()
[[ -t 1 ]] || color_flag=(-no-color)
tf() {
	local cmd=$1
	shift
	"$TF" -chdir="$demo_dir" "$cmd" ${color_flag[@]+"${color_flag[@]}"} "$@"
}

# --- 3. apply, inspect, destroy -------------------------------------------------
# json_field NAME: the string or number NAME of the JSON object on stdin.
json_field() {
	sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p"
}

# A solution partner's client, as the Partner Program API creates it: an
# organization and a LiveChat license, which the demo then subscribes.
step "creating a client organization and license through the Partner Program API"
org=$(SANDBOX_AUTH="Bearer $LIVECHAT_PARTNER_TOKEN" sandbox_api POST /v2/partners/solutions/organizations \
	'{"organization_name":"Acme Demo","client_name":"Jane Client","client_email":"jane@acme.example"}' | json_field id)
license=$(SANDBOX_AUTH="Bearer $LIVECHAT_PARTNER_TOKEN" sandbox_api POST "/v2/partners/solutions/organizations/$org/licenses?product=livechat" \
	'{"client_name":"Jane Client","client_email":"jane@acme.example","payment_origin":"partner","trial_duration":14}' | json_field license)
[[ -n $license ]] || die "could not create a client license in the sandbox"
echo "client license $license" >&2
vars=(-var "client_license_id=$license")

step "$(basename "$TF") apply ($demo_dir)"
tf apply -auto-approve -input=false "${vars[@]}"

step "$(basename "$TF") output"
tf output

# The buyer's side: on the platform the buyer accepts in the Marketplace
# (open the confirmation_url output to do it by hand in the sandbox).
recurrent_id=$(tf output -raw recurrent_charge_id)
direct_id=$(tf output -raw direct_charge_id)
step "the buyer accepts charges $recurrent_id and $direct_id"
sandbox_api POST "/_sandbox/charges/$recurrent_id/accept" >/dev/null
sandbox_api POST "/_sandbox/charges/$direct_id/accept" >/dev/null

step "$(basename "$TF") plan: the accepted charges are activated in place"
tf plan -input=false "${vars[@]}"

step "$(basename "$TF") apply: activate"
tf apply -auto-approve -input=false "${vars[@]}"

step "final state: refresh the money figures (the activation collected the first payment)"
tf apply -refresh-only -auto-approve -input=false "${vars[@]}"

step "$(basename "$TF") destroy"
tf destroy -auto-approve -input=false "${vars[@]}"

step "demo finished; stopping the sandbox"

#!/usr/bin/env bash
# Exchanges the stored refresh token for an access token once, before
# Terraform runs, so that every Terraform process of the run shares one
# access token and none of them exchanges a refresh token the platform has
# already rotated away.
#
# Usage: exchange-refresh-token.sh ENV_FILE REFRESH_TOKEN_FILE
#   reads   LIVECHAT_CLIENT_ID, LIVECHAT_CLIENT_SECRET, LIVECHAT_REFRESH_TOKEN
#           and LIVECHAT_ACCOUNTS_URL (default https://accounts.livechat.com)
#   appends LIVECHAT_ACCESS_TOKEN=<token> to ENV_FILE (in GitHub Actions:
#           "$GITHUB_ENV", so the following steps have it)
#   writes  the refresh token to store for the next run to REFRESH_TOKEN_FILE:
#           the new one when the platform rotated it, else the same one
# Needs curl and jq. The secrets reach curl on its standard input, never on
# its command line, where other processes could read them.
set -euo pipefail
# The tokens pass through shell variables: never trace them, even when the
# caller runs this with `bash -x` or exports SHELLOPTS=xtrace. Files this
# script creates are readable by its user only.
set +x
umask 077

env_file=${1:?usage: $0 ENV_FILE REFRESH_TOKEN_FILE}
refresh_file=${2:?usage: $0 ENV_FILE REFRESH_TOKEN_FILE}
accounts=${LIVECHAT_ACCOUNTS_URL:-https://accounts.livechat.com}

answer=$(curl --fail-with-body -sS --config - "$accounts/v2/token" <<CURL
data-urlencode = "grant_type=refresh_token"
data-urlencode = "refresh_token=${LIVECHAT_REFRESH_TOKEN:?}"
data-urlencode = "client_id=${LIVECHAT_CLIENT_ID:?}"
data-urlencode = "client_secret=${LIVECHAT_CLIENT_SECRET:?}"
CURL
) || {
	echo "exchange-refresh-token.sh: the token exchange failed: $answer" >&2
	exit 1
}

access=$(jq -er '.access_token' <<<"$answer")
refresh=$(jq -r '.refresh_token // empty' <<<"$answer")
refresh=${refresh:-$LIVECHAT_REFRESH_TOKEN}
# One line of printable characters each: a token with a line break would
# add lines of its own choosing to ENV_FILE, such as LD_PRELOAD=….
for token in "$access" "$refresh"; do
	[[ $token =~ ^[[:graph:]]+$ ]] || {
		echo "exchange-refresh-token.sh: the accounts service answered a token that is not one line of printable characters" >&2
		exit 1
	}
done

if [[ -n ${GITHUB_ACTIONS:-} ]]; then
	# Keep both out of the job's log from here on.
	echo "::add-mask::$access"
	echo "::add-mask::$refresh"
fi
printf 'LIVECHAT_ACCESS_TOKEN=%s\n' "$access" >>"$env_file"
printf '%s' "$refresh" >"$refresh_file"
if [[ $refresh != "$LIVECHAT_REFRESH_TOKEN" ]]; then
	echo "exchange-refresh-token.sh: the platform issued a new refresh token: store the content of $refresh_file as the next run's LIVECHAT_REFRESH_TOKEN" >&2
fi

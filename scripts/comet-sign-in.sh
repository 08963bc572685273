# Sourced by dev.sh (demo) and the benchmarks: signs in to Comet's API as the first admin.
# Needs curl and jq.

# comet_sign_in GATEWAY_URL DATA_DIR — the admin from COMET_BOOTSTRAP_ADMIN=user:password, else `admin` with the
# password Comet generated into DATA_DIR/initial-admin-password. Sets COMET_AUTH to "Authorization: Bearer …" and
# COMET_USER to the name signed in as;
# returns non-zero (with a message on stderr) when it cannot.
comet_sign_in() {
  local gw="$1" data_dir="$2" user password token
  if [ -n "${COMET_BOOTSTRAP_ADMIN:-}" ]; then
    user="${COMET_BOOTSTRAP_ADMIN%%:*}" password="${COMET_BOOTSTRAP_ADMIN#*:}"
  elif [ -f "$data_dir/initial-admin-password" ]; then
    user=admin password="$(cat "$data_dir/initial-admin-password")"
  else
    echo "signing in needs the first admin: set COMET_BOOTSTRAP_ADMIN=user:password (or keep $data_dir/initial-admin-password)" >&2
    return 1
  fi
  token="$(curl -fsS -X POST "$gw/auth/login" -H 'Content-Type: application/json' \
    -d "$(jq -n --arg u "$user" --arg p "$password" '{username: $u, password: $p}')" | jq -r .accessToken)" \
    && [ -n "$token" ] && [ "$token" != null ] || { echo "signing in as $user failed" >&2; return 1; }
  COMET_AUTH="Authorization: Bearer $token"
  COMET_USER="$user"
}

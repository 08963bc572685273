# Sourced by dev.sh (demo) and bench/pipeline.sh: sends a signed GitHub push webhook for a local repository.
# Needs curl, jq and openssl.

# github_push_prepare SECRET REPO_PATH SHA [MESSAGE] — sets GH_PAYLOAD and GH_SIGNATURE.
github_push_prepare() {
  local secret="$1" repo="$2" sha="$3" message="${4:-Push}"
  GH_PAYLOAD="$(jq -cn --arg sha "$sha" --arg url "file://$repo" --arg msg "$message" '{
    ref: "refs/heads/main", before: "0000000000000000000000000000000000000000", after: $sha,
    created: false, deleted: false, forced: false,
    head_commit: {id: $sha, message: $msg, author: {name: "Demo", email: "demo@example.com"}, added: [], removed: [], modified: [".comet.yml"]},
    commits: [{id: $sha, message: $msg, added: [], removed: [], modified: [".comet.yml"]}],
    repository: {full_name: "demo/sample-app", clone_url: $url, html_url: $url},
    pusher: {name: "demo"}, sender: {login: "demo"}}')"
  GH_SIGNATURE="$(printf '%s' "$GH_PAYLOAD" | openssl dgst -sha256 -hmac "$secret" | awk '{print $NF}')"
  GH_DELIVERY="$(cat /proc/sys/kernel/random/uuid)"
}

# github_push_send GATEWAY_URL SLUG — sends what github_push_prepare made; prints Comet's JSON answer.
github_push_send() {
  curl -sS -X POST "$1/hooks/github/$2" -H 'Content-Type: application/json' \
    -H 'X-GitHub-Event: push' -H "X-GitHub-Delivery: $GH_DELIVERY" \
    -H "X-Hub-Signature-256: sha256=$GH_SIGNATURE" --data-binary "$GH_PAYLOAD"
}

# github_push GATEWAY_URL SLUG SECRET REPO_PATH SHA [MESSAGE] — prepare and send.
github_push() {
  github_push_prepare "$3" "$4" "$5" "${6:-Push}"
  github_push_send "$1" "$2"
}

# Real OCI registries for the image tests: Debian's docker-registry, three times on 127.0.0.1 with
# configs of our own (the packaged default listens on all interfaces):
#   KUBEGUARD_TEST_REGISTRY        anonymous
#   KUBEGUARD_TEST_REGISTRY_BASIC  htpasswd (basic) auth: KUBEGUARD_TEST_REGISTRY_BASIC_USER/_PASSWORD;
#                                  also accepts the ECR token the AWS emulator issues for account
#                                  KUBEGUARD_TEST_ECR_ACCOUNT, so ECR auth is tested end to end
#   KUBEGUARD_TEST_REGISTRY_TOKEN  bearer-token auth, tokens signed by tests/images/token_server.py
#                                  (credentials KUBEGUARD_TEST_REGISTRY_TOKEN_USER/_PASSWORD)
# Also installs db5.3-util and golang-go, which let the rpm and Go catalogers be checked against
# files written by libdb and the Go linker themselves.
# Sourced by .ci/run from the repository root, after 40-aws-emulator-ecr.sh; safe to run twice.

kg_reg_state="${TMPDIR:-/tmp}/kubeguard-registries"

if ! command -v docker-registry >/dev/null || ! command -v htpasswd >/dev/null \
    || ! command -v db5.3_load >/dev/null || ! command -v go >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry apache2-utils db5.3-util golang-go >/dev/null
fi

kg_reg_answers() {  # URL: whether the registry API answers at all (200 or 401)
    .venv/bin/python - "$1" <<'PY'
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1] + "/v2/", timeout=2)
except urllib.error.HTTPError as error:
    sys.exit(0 if error.code == 401 else 1)
except Exception:
    sys.exit(1)
PY
}

kg_reg_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

kg_reg_start() {  # NAME PORT AUTH-YAML
    local dir="$kg_reg_state/$1"
    mkdir -p "$dir/data"
    cat > "$dir/config.yml" <<YML
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $dir/data}, delete: {enabled: true}}
http: {addr: "127.0.0.1:$2"}
$3
YML
    nohup docker-registry serve "$dir/config.yml" > "$dir/registry.log" 2>&1 &
    echo $! > "$dir/pid"
    for _ in $(seq 1 100); do
        kg_reg_answers "http://127.0.0.1:$2" && return 0
        sleep 0.1
    done
    echo "docker-registry $1 did not start:"
    cat "$dir/registry.log"
    return 1
}

if [ -f "$kg_reg_state/env" ] && (
    . "$kg_reg_state/env"
    kg_reg_answers "http://$KUBEGUARD_TEST_REGISTRY" && kg_reg_answers "http://$KUBEGUARD_TEST_REGISTRY_BASIC" \
        && kg_reg_answers "http://$KUBEGUARD_TEST_REGISTRY_TOKEN"
); then
    . "$kg_reg_state/env"
else
    rm -rf "$kg_reg_state"
    mkdir -p "$kg_reg_state/basic" "$kg_reg_state/token"
    kg_reg_anonymous="$(kg_reg_free_port)"
    kg_reg_basic="$(kg_reg_free_port)"
    kg_reg_token="$(kg_reg_free_port)"
    kg_reg_token_service="$(kg_reg_free_port)"
    kg_reg_basic_password="$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
    kg_reg_token_password="$(python3 -c 'import secrets; print(secrets.token_hex(12))')"

    htpasswd -Bbc "$kg_reg_state/basic/htpasswd" kubeguard "$kg_reg_basic_password" 2>/dev/null
    kg_reg_ecr_account=123456789012
    if [ -n "${KUBEGUARD_TEST_AWS_ENDPOINT:-}" ]; then
        kg_reg_ecr_password="$(AWS_ENDPOINT_URL="$KUBEGUARD_TEST_AWS_ENDPOINT" AWS_ACCESS_KEY_ID=testing \
            AWS_SECRET_ACCESS_KEY=testing .venv/bin/python -c '
import base64, sys, boto3
data = boto3.client("ecr", region_name="us-east-1").get_authorization_token(registryIds=[sys.argv[1]])
print(base64.b64decode(data["authorizationData"][0]["authorizationToken"]).decode().split(":", 1)[1])
' "$kg_reg_ecr_account")"
        htpasswd -Bb "$kg_reg_state/basic/htpasswd" AWS "$kg_reg_ecr_password" 2>/dev/null
    fi

    nohup .venv/bin/python -m tests.images.token_server --dir "$kg_reg_state/token" --port "$kg_reg_token_service" \
        --user kubeguard --password "$kg_reg_token_password" > "$kg_reg_state/token/server.log" 2>&1 &
    echo $! > "$kg_reg_state/token/server.pid"
    for _ in $(seq 1 100); do
        [ -f "$kg_reg_state/token/token-server.ready" ] && break
        sleep 0.1
    done

    kg_reg_start anonymous "$kg_reg_anonymous" ""
    kg_reg_start basic "$kg_reg_basic" "auth: {htpasswd: {realm: kubeguard-test, path: $kg_reg_state/basic/htpasswd}}"
    kg_reg_start token "$kg_reg_token" "auth: {token: {realm: \"http://127.0.0.1:$kg_reg_token_service/token\", \
service: kubeguard-test-registry, issuer: kubeguard-test-token-service, \
rootcertbundle: $kg_reg_state/token/token.crt}}"

    cat > "$kg_reg_state/env" <<ENV
KUBEGUARD_TEST_REGISTRY=127.0.0.1:$kg_reg_anonymous
KUBEGUARD_TEST_REGISTRY_BASIC=127.0.0.1:$kg_reg_basic
KUBEGUARD_TEST_REGISTRY_BASIC_USER=kubeguard
KUBEGUARD_TEST_REGISTRY_BASIC_PASSWORD=$kg_reg_basic_password
KUBEGUARD_TEST_REGISTRY_TOKEN=127.0.0.1:$kg_reg_token
KUBEGUARD_TEST_REGISTRY_TOKEN_USER=kubeguard
KUBEGUARD_TEST_REGISTRY_TOKEN_PASSWORD=$kg_reg_token_password
KUBEGUARD_TEST_ECR_ACCOUNT=$kg_reg_ecr_account
ENV
    . "$kg_reg_state/env"
fi
export KUBEGUARD_TEST_REGISTRY KUBEGUARD_TEST_REGISTRY_BASIC KUBEGUARD_TEST_REGISTRY_BASIC_USER \
    KUBEGUARD_TEST_REGISTRY_BASIC_PASSWORD KUBEGUARD_TEST_REGISTRY_TOKEN KUBEGUARD_TEST_REGISTRY_TOKEN_USER \
    KUBEGUARD_TEST_REGISTRY_TOKEN_PASSWORD KUBEGUARD_TEST_ECR_ACCOUNT
echo "ci: registries at $KUBEGUARD_TEST_REGISTRY (anonymous), $KUBEGUARD_TEST_REGISTRY_BASIC (basic)," \
    "$KUBEGUARD_TEST_REGISTRY_TOKEN (token)"

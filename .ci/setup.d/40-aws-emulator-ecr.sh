# AWS emulator for the ECR tests: moto's server on 127.0.0.1, answering ECR GetAuthorizationToken.
# Exports KUBEGUARD_TEST_AWS_ENDPOINT (the endpoint URL boto3 is pointed at).
# Sourced by .ci/run from the repository root; safe to run twice (reuses a server that answers).

kg_moto_state="${TMPDIR:-/tmp}/kubeguard-moto"
mkdir -p "$kg_moto_state"

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
if [ ! -x .venv/bin/moto_server ]; then
    .venv/bin/pip install --quiet --upgrade pip
    .venv/bin/pip install --quiet -e '.[dev]'
fi

kg_moto_answers() {
    .venv/bin/python - "$1" <<'PY'
import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=2)
except Exception:
    sys.exit(1)
PY
}

if [ -f "$kg_moto_state/endpoint" ] && kg_moto_answers "$(cat "$kg_moto_state/endpoint")"; then
    KUBEGUARD_TEST_AWS_ENDPOINT="$(cat "$kg_moto_state/endpoint")"
else
    kg_moto_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    KUBEGUARD_TEST_AWS_ENDPOINT="http://127.0.0.1:$kg_moto_port"
    nohup .venv/bin/moto_server -H 127.0.0.1 -p "$kg_moto_port" > "$kg_moto_state/moto.log" 2>&1 &
    echo $! > "$kg_moto_state/pid"
    for _ in $(seq 1 300); do
        kg_moto_answers "$KUBEGUARD_TEST_AWS_ENDPOINT" && break
        sleep 0.1
    done
    kg_moto_answers "$KUBEGUARD_TEST_AWS_ENDPOINT" || { echo "moto server did not start:"; cat "$kg_moto_state/moto.log"; false; }
    echo "$KUBEGUARD_TEST_AWS_ENDPOINT" > "$kg_moto_state/endpoint"
fi
export KUBEGUARD_TEST_AWS_ENDPOINT
echo "ci: AWS emulator at $KUBEGUARD_TEST_AWS_ENDPOINT"

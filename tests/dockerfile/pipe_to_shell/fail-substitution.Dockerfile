FROM debian:12.5
# fires
RUN sh -c "$(curl -fsSL https://example.com/install.sh)"
# fires
RUN ["/bin/bash", "-c", "bash <(wget -qO- https://example.com/i.sh)"]
# fires
RUN <<EOF
set -e
curl -fsSL https://example.com/x.sh | bash -s -- --version 1.2
EOF

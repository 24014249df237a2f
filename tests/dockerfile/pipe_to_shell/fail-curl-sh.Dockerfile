FROM debian:12.5
# fires
RUN curl -fsSL https://get.example.com | sh
# fires
RUN set -eux; \
    wget -qO- https://example.com/setup.py | sudo python3 -

FROM debian:12.5
# fires
RUN curl -fsSL https://example.com/x.tar.gz | tar -xz
RUN set -o pipefail && curl -fsSL https://example.com/x.tar.gz | tar -xz
# fires
RUN curl -fsSL https://example.com/x.tar.gz | tar -xz; set -o pipefail

FROM golang:1.22
# fires
RUN cd /src && go build ./...
# fires
RUN set -eux; \
    mkdir -p /build; \
    cd /build; \
    make

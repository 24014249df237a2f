FROM alpine:3.20
# fires
ADD https://example.com/install.sh /tmp/install.sh
# fires
ADD https://github.com/example/repo.git#v1.0 /src

FROM alpine:3.20
RUN apk add --no-cache -t .deps curl=8.9.1-r0 'jq~1.7' /tmp/local.apk
RUN apk del .deps

FROM alpine:3.20
# fires
ONBUILD ARG npm_token=abc
# fires
ENV api_key="${SOME_KEY}"

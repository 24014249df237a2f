FROM alpine:3.20 AS build
USER 10001
FROM alpine:3.20
# fires
USER 0:0

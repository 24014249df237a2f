FROM golang:1.22 AS build
FROM alpine:3.20
# fires
COPY --from=1 /src /dst

FROM golang:1.22 AS build
HEALTHCHECK CMD true
# fires
FROM alpine:3.20
CMD ["/app"]

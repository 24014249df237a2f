FROM golang:1.22 AS build
RUN go build ./...
# fires
FROM golang:1.22 AS Build

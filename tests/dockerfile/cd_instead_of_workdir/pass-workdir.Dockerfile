FROM golang:1.22
WORKDIR /src
RUN go build ./...
RUN echo "cd /tmp"
RUN export DIR=$(cd /tmp && pwd)

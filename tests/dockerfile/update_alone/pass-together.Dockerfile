FROM debian:12.5
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*
FROM alpine:3.20
RUN apk update && apk add --no-cache curl=8.9.1-r0
RUN apk add --no-cache --update jq=1.7.1-r0

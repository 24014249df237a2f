FROM alpine:3.20
WORKDIR /app
WORKDIR /development
WORKDIR /usr/src/boot-loader

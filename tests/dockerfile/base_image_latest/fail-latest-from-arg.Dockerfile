ARG IMAGE=nginx:latest
FROM debian:12 AS build
# fires
FROM --platform=$BUILDPLATFORM ${IMAGE}

# fires
FROM alpine:latest
ARG IMAGE=nginx:latest

ARG TAG=3.20
FROM alpine:${TAG} AS a
FROM alpine@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5 AS b
FROM registry.example.com:5000/team/base:1.2 AS c
FROM scratch
COPY --from=a /etc/alpine-release /

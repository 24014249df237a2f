# fires
FROM --platform=linux/amd64 golang:1.22 AS build
FROM alpine:3.20

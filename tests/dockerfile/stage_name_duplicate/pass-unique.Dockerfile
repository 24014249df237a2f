FROM golang:1.22 AS build
FROM golang:1.22 AS test
FROM alpine:3.20

ARG REGISTRY=registry.example.com:5000
# fires
FROM ${REGISTRY}/team/base AS build
FROM build

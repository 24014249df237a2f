FROM debian:12.5 AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc=4:12.2.0-3
FROM debian:12.5
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*
RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends jq=1.6-2.1
RUN set -eux; apt-get update; apt-get install -y --no-install-recommends git=1:2.39.2-1.1; apt-get dist-clean

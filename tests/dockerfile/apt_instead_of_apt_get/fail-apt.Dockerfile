FROM ubuntu:24.04
# fires
RUN apt update && apt install -y --no-install-recommends curl=8.5.0-2ubuntu10 && rm -rf /var/lib/apt/lists/*

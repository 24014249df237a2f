FROM ubuntu:24.04
RUN apt-get update && apt-cache policy curl && rm -rf /var/lib/apt/lists/*
RUN ls /etc/apt

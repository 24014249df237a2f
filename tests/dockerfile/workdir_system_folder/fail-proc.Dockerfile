FROM alpine:3.20
# fires
WORKDIR /proc/self/fd/8
# fires
WORKDIR /app/../dev

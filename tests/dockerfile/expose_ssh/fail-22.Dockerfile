FROM alpine:3.20
# fires
EXPOSE 80 22/tcp

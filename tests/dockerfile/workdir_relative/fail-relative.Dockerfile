FROM alpine:3.20
# fires
WORKDIR app
ENV SUB=src
# fires
WORKDIR $SUB

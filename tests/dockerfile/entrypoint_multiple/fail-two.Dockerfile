FROM alpine:3.20
ENTRYPOINT ["tini", "--"]
# fires
ENTRYPOINT ["/app"]

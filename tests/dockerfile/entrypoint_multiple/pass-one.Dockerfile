FROM alpine:3.20 AS a
ENTRYPOINT ["a"]
FROM alpine:3.20
ENTRYPOINT ["tini", "--"]
CMD ["/app"]

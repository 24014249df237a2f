FROM alpine:3.20 AS first
# fires
COPY --from=second /x /x
# fires
COPY --from=3 /y /y
FROM alpine:3.20 AS second

FROM alpine:3.20 AS base
HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://localhost:8080/healthz || exit 1
FROM base
CMD ["/app"]

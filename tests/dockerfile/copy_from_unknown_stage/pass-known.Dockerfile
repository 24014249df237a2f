FROM golang:1.22 AS Builder
FROM alpine:3.20
COPY --from=builder /out/app /app
COPY --from=0 /out/app /app2
COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/
COPY --from=ghcr.io/example/tools /bin/tool /bin/
ARG SOURCE
COPY --from=${SOURCE} /a /a

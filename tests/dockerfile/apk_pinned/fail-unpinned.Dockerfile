FROM alpine:3.20
# fires
RUN apk add --no-cache --virtual .build-deps gcc=13.2.1_git20240309-r0 musl-dev

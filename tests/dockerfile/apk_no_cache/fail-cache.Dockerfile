FROM alpine:3.20
# fires
RUN apk update && apk add curl=8.9.1-r0

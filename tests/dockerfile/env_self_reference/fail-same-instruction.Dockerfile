FROM alpine:3.20
# fires
ENV APP_HOME=/app APP_BIN=${APP_HOME}/bin
# fires
ENV A=1 \
    B=$A

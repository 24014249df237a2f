FROM alpine:3.20
# fires
COPY <<one <<two /etc/conf
first
one
second
two

FROM alpine:3.20
HEALTHCHECK CMD true
# fires
HEALTHCHECK CMD curl -f http://localhost/

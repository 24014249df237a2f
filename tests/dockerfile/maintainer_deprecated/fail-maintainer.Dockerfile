FROM alpine:3.20
# fires
MAINTAINER Jane Doe <jane@example.com>

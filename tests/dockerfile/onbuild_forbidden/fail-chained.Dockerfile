FROM alpine:3.20
# fires
ONBUILD ONBUILD RUN echo nested
# fires
ONBUILD FROM alpine
# fires
ONBUILD MAINTAINER someone

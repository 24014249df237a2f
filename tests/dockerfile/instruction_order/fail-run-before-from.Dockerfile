ARG VERSION=1
# fires
RUN echo too early
FROM alpine:3.20

ARG ROOT_USER=root
FROM alpine:3.20 AS base
ARG ROOT_USER
# fires
USER ${ROOT_USER}
FROM base
RUN echo inherits the base stage's user

FROM golang:1.22 AS build
# fires
COPY --from=BUILD /src /dst

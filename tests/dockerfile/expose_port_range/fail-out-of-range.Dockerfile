FROM alpine:3.20
# fires
EXPOSE 80 70000
# fires
EXPOSE 8080/http
# fires
EXPOSE 9000-8000

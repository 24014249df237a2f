FROM alpine:3.20
# fires
ADD app.py config.yaml /app/

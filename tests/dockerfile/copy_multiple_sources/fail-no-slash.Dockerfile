FROM alpine:3.20
# fires
COPY app.py config.yaml /app

FROM python:3.12-slim
# fires
ENTRYPOINT python -m app
# fires
CMD gunicorn --bind 0.0.0.0:8080 \
    app:server

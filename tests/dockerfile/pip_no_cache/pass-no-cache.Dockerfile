FROM python:3.12-slim AS build
RUN pip wheel -w /wheels flask==3.0.3 && pip install flask==3.0.3
FROM python:3.12-slim
RUN pip install --no-cache-dir flask==3.0.3
RUN --mount=type=cache,target=/var/cache/pip pip install --cache-dir /var/cache/pip requests==2.32.3
ENV PIP_NO_CACHE_DIR=1
RUN pip install gunicorn==22.0.0

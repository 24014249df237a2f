FROM python:3.12-slim
# fires
RUN pip install --no-cache-dir flask==3.0.3 requests
# fires
RUN python3 -m pip install --no-cache-dir -U pip

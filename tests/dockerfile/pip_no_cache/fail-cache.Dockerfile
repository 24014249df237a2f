FROM python:3.12-slim
# fires
RUN pip install flask==3.0.3
ENV PIP_NO_CACHE_DIR=false
# fires
RUN pip3 install requests==2.32.3
# The cache only moved, and no mount covers it.
# fires
RUN pip install --cache-dir=/var/cache/pip gunicorn==22.0.0

FROM debian:12.5
# fires
RUN useradd -u 1000000 -m app
# fires
RUN useradd --uid=70000 svc

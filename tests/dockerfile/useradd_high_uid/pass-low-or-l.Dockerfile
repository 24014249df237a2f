FROM debian:12.5
RUN useradd -u 10001 -m app
RUN useradd -l -u 1000000 big
RUN useradd --no-log-init --uid 2000000 bigger
RUN useradd -u "$APP_UID" app2

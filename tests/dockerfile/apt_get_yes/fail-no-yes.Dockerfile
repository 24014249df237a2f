FROM debian:12.5
# fires
RUN apt-get update && apt-get install --no-install-recommends curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*
# fires
RUN apt-get purge --auto-remove curl

FROM debian:12.5
RUN apt-get update && apt-get install -y --no-install-recommends --only-upgrade openssl=3.0.15-1~deb12u1 && rm -rf /var/lib/apt/lists/*

FROM debian:12.5
RUN apt-get update \
    && apt-get install -qy --no-install-recommends curl=7.88.1-10+deb12u5 \
    && apt-get -qq install git=1:2.39.2-1.1 \
    && apt-get install --assume-yes jq=1.6-2.1 \
    && apt-get install -s nothing \
    && rm -rf /var/lib/apt/lists/*

FROM debian:12.5
# fires
RUN apt-get update && apt-get -y upgrade && rm -rf /var/lib/apt/lists/*
# fires
RUN apt-get update && apt-get dist-upgrade -y && rm -rf /var/lib/apt/lists/*

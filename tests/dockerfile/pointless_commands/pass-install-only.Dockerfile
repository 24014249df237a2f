FROM ubuntu:24.04
RUN apt-get install -y --no-install-recommends vim=2:9.1.0016-1ubuntu7 procps=2:4.0.4-4ubuntu3
RUN echo "ssh is configured elsewhere"

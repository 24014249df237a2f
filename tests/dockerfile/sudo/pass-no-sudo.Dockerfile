FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends sudo=1.9.15p5-3ubuntu5
RUN echo "app ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/app
RUN gosu app make install

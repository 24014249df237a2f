FROM ubuntu:24.04
# fires
RUN sudo apt-get update
# fires
RUN if [ -f /x ]; then sudo -u app make install; fi

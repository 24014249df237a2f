FROM ubuntu:24.04
# fires
RUN service nginx start && ps aux

FROM fedora:40
# fires
RUN dnf install nginx-1.26.2 && dnf clean all

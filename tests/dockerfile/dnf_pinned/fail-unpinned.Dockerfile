FROM fedora:40
# fires
RUN dnf install -y nginx && dnf clean all

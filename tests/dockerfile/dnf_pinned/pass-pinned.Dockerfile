FROM fedora:40
RUN dnf install -y nginx-1.26.2 @development-tools && dnf clean all

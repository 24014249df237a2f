FROM fedora:40
RUN dnf install -y nginx-1.26.2 && dnf clean all
RUN microdnf install nginx-1.26.2 && microdnf clean all

FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4
RUN microdnf install -y shadow-utils-4.9 && microdnf clean all
RUN dnf install -y nginx-1.26.2 && rm -rf /var/cache/dnf

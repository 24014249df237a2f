FROM fedora:40 AS tools
RUN dnf install -y git-2.46.0
FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4
# fires
RUN microdnf install -y shadow-utils-4.9
# fires
RUN dnf install -y nginx-1.26.2 && dnf makecache

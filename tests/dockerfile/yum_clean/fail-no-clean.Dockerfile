FROM centos:7
# fires
RUN yum install -y httpd-2.4.6

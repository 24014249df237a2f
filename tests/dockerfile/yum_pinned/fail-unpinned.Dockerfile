FROM centos:7
# fires
RUN yum install -y httpd python3-pip && yum clean all

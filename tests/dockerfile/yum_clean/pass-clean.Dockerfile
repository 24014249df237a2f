FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all
RUN yum install -y vim-enhanced-7.4.629 && rm -rf /var/cache/yum

FROM opensuse/leap:15.6
# fires
RUN zypper install curl=8.0.1 && zypper clean

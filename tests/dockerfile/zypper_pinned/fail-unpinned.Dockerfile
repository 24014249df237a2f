FROM opensuse/leap:15.6
# fires
RUN zypper -n install curl && zypper clean

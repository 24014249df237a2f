FROM opensuse/leap:15.6
# fires
RUN zypper -n dup && zypper clean

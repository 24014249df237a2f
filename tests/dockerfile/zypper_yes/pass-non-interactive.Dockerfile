FROM opensuse/leap:15.6
RUN zypper -n install curl=8.0.1 && zypper clean
RUN zypper in -y git=2.43.0 && zypper clean -a

FROM debian:12.5
# fires
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 git && rm -rf /var/lib/apt/lists/*
# fires
RUN apt-get -o Dpkg::Options::=--force-confnew -t bookworm-backports install -y jq

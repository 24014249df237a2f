FROM alpine:3.20
# fires
ADD ["run.sh", "/usr/local/bin/run.sh"]
# fires
ONBUILD ADD . /src

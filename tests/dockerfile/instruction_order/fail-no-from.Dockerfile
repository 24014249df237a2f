# fires
ARG VERSION=1

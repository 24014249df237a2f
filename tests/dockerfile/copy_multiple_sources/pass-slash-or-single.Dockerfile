FROM alpine:3.20
COPY app.py config.yaml /app/
COPY app.py /app/main.py
COPY ["a", "b", "/dest/"]
ARG DEST
COPY a b ${DEST}
